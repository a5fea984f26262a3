"""Webhook secrets and payloads follow the code keyring's rotation: `rotate_webhook_keys` moves them
to the newest key, after which the old key may go; until then the system check names what
would break."""

from __future__ import annotations

import base64
import io
import secrets
from typing import TYPE_CHECKING

from django.core.management import call_command

from bizshop.codes.crypto import get_keyring
from bizshop.webhooks import signing
from bizshop.webhooks.checks import keyring_covers_webhooks
from bizshop.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from bizshop.webhooks.services import delivery_attempt, webhook_emit
from tests.helpers.api import ApiClient
from tests.helpers.webhooks import Receiver

if TYPE_CHECKING:
    from pytest_django import Settings


def new_key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


def test_after_rotation_the_old_key_can_go_and_deliveries_still_sign_and_carry_their_data(
    api: ApiClient, receiver: Receiver, settings: Settings
) -> None:
    secret = api.post("/api/v1/webhooks/endpoints/", {"url": receiver.url, "events": ["order.paid"]}).json()["secret"]
    [delivery_id] = webhook_emit(partner_id=api.partner.pk, event=WebhookEvent.ORDER_PAID, data={"order_id": 42})
    key = new_key()
    settings.CODE_ENCRYPTION_KEYS = f"{settings.CODE_ENCRYPTION_KEYS},{key}"
    out = io.StringIO()

    call_command("rotate_webhook_keys", stdout=out)
    settings.CODE_ENCRYPTION_KEYS = key  # the old key removed
    delivered = delivery_attempt(delivery_id=delivery_id)

    assert "1 endpoint secrets and 1 delivery payloads re-encrypted" in out.getvalue()
    assert {e.secret_key_id for e in WebhookEndpoint.objects.all()} == {get_keyring().current_key_id}
    assert delivered.status == "succeeded"
    [request] = receiver.requests
    assert signing.verify(secret=secret, body=request["body"], header=request["headers"][signing.HEADER])
    assert b'"order_id":42' in request["body"]
    assert keyring_covers_webhooks() == []


def test_the_check_names_webhook_rows_whose_key_is_gone(api: ApiClient, receiver: Receiver, settings: Settings) -> None:
    api.post("/api/v1/webhooks/endpoints/", {"url": receiver.url, "events": ["order.paid"]})
    webhook_emit(partner_id=api.partner.pk, event=WebhookEvent.ORDER_PAID, data={"order_id": 42})
    old_key_id = get_keyring().current_key_id

    settings.CODE_ENCRYPTION_KEYS = new_key()  # removed without rotating the webhooks first

    [error] = keyring_covers_webhooks()
    assert error.id == "webhooks.E001" and old_key_id in error.msg
    assert WebhookDelivery.objects.filter(payload_key_id=old_key_id).count() == 1
