"""System check: the keyring must open the stored codes, judged on a small sample of them.

Reading every row's key id (``SELECT DISTINCT``) on each ``manage.py`` run costs a full scan
of a table of millions; a sample of the oldest, the newest and a few random rows catches what
matters: a key missing, or a key replaced under a label that stored codes use (their
ciphertexts then fail to decrypt).
"""

from __future__ import annotations

from typing import Any

from cryptography.exceptions import InvalidTag
from django.core.checks import CheckMessage, Error, register
from django.db import DatabaseError, connection

from bizshop.codes.crypto import get_keyring

SAMPLE_ENDS = 20  # the oldest and the newest rows (the oldest keys and the current one)
SAMPLE_RANDOM = 20
SAMPLE_PERCENT = 0.5  # of the table's pages, read at random (PostgreSQL's TABLESAMPLE SYSTEM)


def _sample() -> list[tuple[str, bytes]]:
    from bizshop.codes.models import SerialCode

    rows = SerialCode.objects.values_list("key_id", "ciphertext")
    sample = [*rows.order_by("id")[:SAMPLE_ENDS], *rows.order_by("-id")[:SAMPLE_ENDS]]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT key_id, ciphertext FROM {SerialCode._meta.db_table} "  # noqa: S608 -- the model's table
                f"TABLESAMPLE SYSTEM ({SAMPLE_PERCENT}) LIMIT {SAMPLE_RANDOM}"
            )
            sample.extend(cursor.fetchall())
    return [(key_id, bytes(blob)) for key_id, blob in sample]


@register("bizshop", deploy=False)
def keyring_covers_stored_codes(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    try:
        sample = _sample()
    except DatabaseError:  # database not migrated yet
        return []
    keyring = get_keyring()
    missing: set[str] = set()
    wrong: set[str] = set()
    for key_id, blob in sample:
        if key_id not in keyring.keys:
            missing.add(key_id)
            continue
        try:
            keyring.decrypt(key_id, blob)
        except InvalidTag:
            wrong.add(key_id)
    errors: list[CheckMessage] = []
    if missing:
        errors.append(
            Error(
                f"codes are encrypted with key ids {sorted(missing)} that CODE_ENCRYPTION_KEYS does not hold",
                hint="Restore the old keys (keep them until rotation ends); never replace keys over existing codes.",
                id="codes.E001",
            )
        )
    if wrong:
        errors.append(
            Error(
                f"codes stored under key ids {sorted(wrong)} do not decrypt with the key CODE_ENCRYPTION_KEYS "
                "gives that label: it is another key",
                hint="Restore the original key for that label; new keys never reuse a label (their id is their "
                "fingerprint).",
                id="codes.E002",
            )
        )
    return errors


@register("bizshop", deploy=False)
def lookup_rotation_switch_is_safe(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """With CODE_LOOKUP_KEY_PREVIOUS set, codes are found by their second index: every code needs it."""
    from bizshop.codes import rotation
    from bizshop.codes.models import SerialCode

    if not get_keyring().lookup_reads_next_index or connection.vendor != "postgresql":
        return []
    try:  # IS NULL is answered by the second index itself, not by reading the table
        ready = rotation.index_is_valid(rotation.NEXT_INDEX) and not (
            SerialCode.objects.filter(blind_index_next__isnull=True).exists()
        )
    except DatabaseError:
        return []
    if ready:
        return []
    return [
        Error(
            "CODE_LOOKUP_KEY_PREVIOUS is set but not every code has its second index: codes would not be found",
            hint="Go back to CODE_LOOKUP_KEY=<old> and CODE_LOOKUP_KEY_NEXT=<new>, and run rotate_code_keys --lookup.",
            id="codes.E003",
        )
    ]
