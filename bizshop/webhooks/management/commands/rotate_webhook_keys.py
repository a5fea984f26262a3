"""manage.py rotate_webhook_keys: re-encrypt webhook secrets and payloads under the newest code key."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from bizshop.codes.crypto import get_keyring
from bizshop.webhooks.services import webhook_keys_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt webhook signing secrets and delivery payloads under the newest key of "
        "CODE_ENCRYPTION_KEYS. Run it with rotate_code_keys, before removing an old key."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"re-encrypting webhook secrets and payloads under key {get_keyring().current_key_id!r}")
        secrets, payloads = webhook_keys_rotate()
        self.stdout.write(
            self.style.SUCCESS(f"done: {secrets:,} endpoint secrets and {payloads:,} delivery payloads re-encrypted")
        )
