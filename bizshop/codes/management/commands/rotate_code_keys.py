"""manage.py rotate_code_keys: re-encrypt stored codes under the newest key, or rotate the lookup key."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from bizshop.codes import rotation
from bizshop.codes.crypto import get_keyring
from bizshop.codes.models import SerialCode
from bizshop.codes.services import code_keys_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt codes under the newest key (the last of CODE_ENCRYPTION_KEYS), in batches, while the shop "
        "keeps serving; resumable. Keep the old keys configured until this finishes; then they may be removed. "
        "--lookup fills the second blind index under CODE_LOOKUP_KEY_NEXT; --lookup-finish moves it into the "
        "first once CODE_LOOKUP_KEY is the new key and CODE_LOOKUP_KEY_PREVIOUS the old one (README, Code keys)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=rotation.BATCH)
        step = parser.add_mutually_exclusive_group()
        step.add_argument("--lookup", action="store_true", help="step 1 of a lookup-key rotation")
        step.add_argument("--lookup-finish", action="store_true", help="step 2 of a lookup-key rotation")

    def handle(self, *args: Any, **options: Any) -> None:
        batch_size = options["batch_size"]
        started = time.monotonic()

        def progress(done: int) -> None:
            self.stdout.write(f"  {done:,} codes")

        if options["lookup"]:
            total = rotation.lookup_fill(batch_size=batch_size, progress=progress)
            self.stdout.write(self.style.SUCCESS(f"done: second index written for {total:,} codes"))
        elif options["lookup_finish"]:
            total = rotation.lookup_finish(batch_size=batch_size, progress=progress)
            self.stdout.write(self.style.SUCCESS(f"done: {total:,} codes moved to the new lookup key"))
        else:
            current = get_keyring().current_key_id
            self.stdout.write(f"re-encrypting codes under key {current!r}")
            total = code_keys_rotate(batch_size=batch_size, progress=progress)
            left = SerialCode.objects.exclude(key_id=current).count()
            self.stdout.write(self.style.SUCCESS(f"done: {total:,} codes re-encrypted; {left:,} under older keys"))
        seconds = time.monotonic() - started
        self.stdout.write(f"{seconds:.1f} s, {total / seconds if seconds else 0:,.0f} codes/s")
