"""System check: every key a stored code was encrypted with must be in the keyring."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register
from django.db import DatabaseError

from bizshop.codes.crypto import get_keyring


@register("bizshop", deploy=False)
def keyring_covers_stored_codes(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    from bizshop.codes.models import SerialCode

    try:
        used = set(SerialCode.objects.values_list("key_id", flat=True).distinct())
    except DatabaseError:  # database not migrated yet
        return []
    missing = used - set(get_keyring().keys)
    if not missing:
        return []
    return [
        Error(
            f"codes are encrypted with key ids {sorted(missing)} that CODE_ENCRYPTION_KEYS does not hold",
            hint="Restore the old keys (keep them until rotation ends); never replace keys over existing codes.",
            id="codes.E001",
        )
    ]
