"""manage.py rotate_code_keys: re-encrypt every stored code under the newest CODE_ENCRYPTION_KEYS key."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from bizshop.codes.crypto import get_keyring
from bizshop.codes.models import SerialCode
from bizshop.codes.services import code_keys_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt codes under the newest key (the last of CODE_ENCRYPTION_KEYS), in batches, while the shop "
        "keeps serving. Keep the old keys configured until this finishes; then they may be removed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=5_000)

    def handle(self, *args: Any, **options: Any) -> None:
        current = get_keyring().current_key_id
        self.stdout.write(f"re-encrypting codes under key {current!r}")
        total = code_keys_rotate(
            batch_size=options["batch_size"], progress=lambda done: self.stdout.write(f"  {done:,} codes")
        )
        left = SerialCode.objects.exclude(key_id=current).count()
        self.stdout.write(self.style.SUCCESS(f"done: {total:,} codes re-encrypted; {left:,} under older keys"))
