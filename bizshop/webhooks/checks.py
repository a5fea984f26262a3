"""System check: the code keyring must still hold the keys webhook secrets and payloads use.

Those rows are encrypted with the code keyring's keys (bizshop.webhooks.crypto): removing a key
after ``rotate_code_keys`` without ``rotate_webhook_keys`` would leave endpoints unable to sign.
Every endpoint is read (a partner has a few); of the deliveries, the pending ones (indexed) and
the oldest and newest still holding a payload.
"""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register
from django.db import DatabaseError

from bizshop.codes.crypto import get_keyring

SAMPLE_ENDS = 20


def _key_ids_in_use() -> set[str]:
    from bizshop.webhooks.models import WebhookDelivery, WebhookEndpoint

    used = set(WebhookEndpoint.objects.values_list("secret_key_id", flat=True).distinct())
    with_payload = WebhookDelivery.objects.filter(payload_ciphertext__isnull=False).values_list(
        "payload_key_id", flat=True
    )
    used.update(with_payload.filter(status=WebhookDelivery.Status.PENDING).distinct())
    used.update(with_payload.order_by("id")[:SAMPLE_ENDS])
    used.update(with_payload.order_by("-id")[:SAMPLE_ENDS])
    used.discard("")  # endpoints made without a secret (fixtures) and purged payloads
    return used


@register("bizshop", deploy=False)
def keyring_covers_webhooks(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    try:
        used = _key_ids_in_use()
    except DatabaseError:  # database not migrated yet
        return []
    missing = sorted(used - set(get_keyring().keys))
    if not missing:
        return []
    return [
        Error(
            f"webhook secrets or payloads are encrypted with key ids {missing} that CODE_ENCRYPTION_KEYS does not hold",
            hint="Restore those keys, run `manage.py rotate_webhook_keys`, then remove them.",
            id="webhooks.E001",
        )
    ]
