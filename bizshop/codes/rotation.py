"""Key rotation on PostgreSQL's COPY path: the encryption key and the blind-index (lookup) key.

A batch of codes leaves by binary ``COPY … TO STDOUT``, is re-keyed in Python (AES-GCM and
HMAC are all the CPU it costs), comes back by binary ``COPY`` into a temporary table and is
written with one ``UPDATE … FROM`` over an id range: no ORM objects, no per-row statements.
Each batch commits with its checkpoint (``KeyRotationProgress``, per target key), so a
rotation stopped anywhere resumes after its last committed batch; the shop keeps serving
meanwhile (registrations touch only ``status``).

The lookup key rotates through a dual index, in two steps around restarts:

1. ``CODE_LOOKUP_KEY_NEXT=<new>``: new codes get ``blind_index_next`` under the new key too;
   ``lookup_fill`` writes it for every older code (with no index on the column yet, so every
   row's new version stays on its page and no index is rewritten), then builds its unique index.
   Lookups and uniqueness still rest on ``blind_index``, which every code has.
2. ``CODE_LOOKUP_KEY=<new>``, ``CODE_LOOKUP_KEY_PREVIOUS=<old>``: lookups and uniqueness rest
   on ``blind_index_next``, which every code now has under the new key (new codes get it in both
   columns). ``lookup_finish`` sets its unique constraint aside, copies ``blind_index_next`` into
   ``blind_index`` (again rewriting no index) and builds the constraint again. Then drop
   ``CODE_LOOKUP_KEY_PREVIOUS``: lookups read ``blind_index`` again.

Pages of codes are written half empty (migration 0008) so that these updates find room on
their page; ``bench/rotate_keys.py`` measures both rotations.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any

from django.core.management.base import CommandError
from django.db import connection, transaction

from bizshop.codes.crypto import ASSOCIATED_DATA, NONCE_BYTES, Keyring, bucketed_index, get_keyring, key_fingerprint
from bizshop.codes.models import KeyRotationProgress, SerialCode

BATCH = 50_000
TABLE = SerialCode._meta.db_table
_STAGE = "codes_rotation_stage"
NEXT_INDEX = "codes_code_blind_index_next"
# The name PostgreSQL gave the unique constraint of ``blind_index`` (created with the table).
BLIND_INDEX_CONSTRAINT = "codes_serialcode_blind_index_key"

Progress = Callable[[int], None] | None
Transform = Callable[[Keyring, Sequence[tuple[int, str, bytes]]], list[tuple[int, bytes]]]


def _reencrypt(keyring: Keyring, rows: Sequence[tuple[int, str, bytes]]) -> list[tuple[int, bytes]]:
    target = keyring.keys[keyring.current_key_id]
    keys = keyring.keys
    nonces = os.urandom(NONCE_BYTES * len(rows))
    out = []
    for i, (code_id, key_id, blob) in enumerate(rows):
        plain = keys[key_id].decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], ASSOCIATED_DATA)
        nonce = nonces[NONCE_BYTES * i : NONCE_BYTES * (i + 1)]
        out.append((code_id, nonce + target.encrypt(nonce, plain, ASSOCIATED_DATA)))
    return out


def _next_index(keyring: Keyring, rows: Sequence[tuple[int, str, bytes]]) -> list[tuple[int, bytes]]:
    next_key = keyring.next_lookup_key
    assert next_key is not None
    keys = keyring.keys
    return [
        (
            code_id,
            bucketed_index(next_key, keys[key_id].decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], ASSOCIATED_DATA)),
        )
        for code_id, key_id, blob in rows
    ]


def encryption_rotate(*, batch_size: int = BATCH, progress: Progress = None) -> int:
    """Re-encrypt every code not under the newest key; returns how many were re-encrypted.

    Once it reaches the end its checkpoint goes: a run after that scans from the start again
    (cheaply, skipping the codes already under the key), so nothing written meanwhile is left.
    """
    keyring = get_keyring()
    target = keyring.current_key_id
    done = _run(
        checkpoint=_checkpoint(KeyRotationProgress.Kind.ENCRYPTION, target),
        select=f"SELECT id, key_id, ciphertext FROM {TABLE} WHERE id > %s AND key_id <> %s ORDER BY id LIMIT %s",  # noqa: S608
        select_params=[target],
        update=f"UPDATE {TABLE} c SET ciphertext = s.value, key_id = %s FROM {_STAGE} s "  # noqa: S608
        "WHERE c.id = s.id AND c.id BETWEEN %s AND %s",
        update_params=[target],
        transform=_reencrypt,
        keyring=keyring,
        batch_size=batch_size,
        progress=progress,
    )
    KeyRotationProgress.objects.filter(kind=KeyRotationProgress.Kind.ENCRYPTION, target_key_id=target).delete()
    return done


def lookup_fill(*, batch_size: int = BATCH, progress: Progress = None) -> int:
    """Step 1 of a lookup-key rotation: ``blind_index_next`` under CODE_LOOKUP_KEY_NEXT for every code."""
    keyring = get_keyring()
    if keyring.next_lookup_key is None:
        raise CommandError("set CODE_LOOKUP_KEY_NEXT to the new lookup key (and restart the shop) first")
    _require_postgresql()
    target = key_fingerprint(keyring.next_lookup_key)
    _execute(f"DROP INDEX CONCURRENTLY IF EXISTS {NEXT_INDEX}")  # unused until the switch; rebuilt below
    common: dict[str, Any] = {
        "update": f"UPDATE {TABLE} c SET blind_index_next = s.value FROM {_STAGE} s "  # noqa: S608
        "WHERE c.id = s.id AND c.id BETWEEN %s AND %s",
        "update_params": [],
        "transform": _next_index,
        "keyring": keyring,
        "batch_size": batch_size,
    }
    done = _run(
        checkpoint=_checkpoint(KeyRotationProgress.Kind.LOOKUP, target),
        select=f"SELECT id, key_id, ciphertext FROM {TABLE} WHERE id > %s ORDER BY id LIMIT %s",  # noqa: S608
        select_params=[],
        progress=progress,
        **common,
    )
    if not index_is_valid(NEXT_INDEX):
        _execute(f"DROP INDEX CONCURRENTLY IF EXISTS {NEXT_INDEX}")  # an interrupted build leaves it invalid
    _execute(f"CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS {NEXT_INDEX} ON {TABLE} (blind_index_next)")
    # Codes that committed late with an id the fill had already passed (a process still running
    # from before the restart): rare, and found through the new index, which holds NULLs too.
    if SerialCode.objects.filter(blind_index_next__isnull=True).exists():
        done += _run(
            checkpoint=None,
            select=f"SELECT id, key_id, ciphertext FROM {TABLE} "  # noqa: S608
            "WHERE id > %s AND blind_index_next IS NULL ORDER BY id LIMIT %s",
            select_params=[],
            progress=None,
            **common,
        )
    return done


def lookup_finish(*, batch_size: int = BATCH, progress: Progress = None) -> int:
    """Step 2: copy ``blind_index_next`` into ``blind_index``; returns how many codes were moved."""
    keyring = get_keyring()
    if keyring.previous_lookup_key is None:
        raise CommandError(
            "set CODE_LOOKUP_KEY to the new lookup key and CODE_LOOKUP_KEY_PREVIOUS to the old one "
            "(and restart the shop) first"
        )
    _require_postgresql()
    target = key_fingerprint(keyring.lookup_key)
    resuming = KeyRotationProgress.objects.filter(
        kind=KeyRotationProgress.Kind.LOOKUP_FINISH, target_key_id=target
    ).exists()
    if not resuming and (
        not index_is_valid(NEXT_INDEX) or SerialCode.objects.filter(blind_index_next__isnull=True).exists()
    ):
        raise CommandError("the second index is not complete: run --lookup under CODE_LOOKUP_KEY_NEXT first")
    checkpoint = _checkpoint(KeyRotationProgress.Kind.LOOKUP_FINISH, target)
    # Lookups and new codes' uniqueness rest on the second index meanwhile (Keyring.lookup_reads_next_index).
    _execute(f"ALTER TABLE {TABLE} DROP CONSTRAINT IF EXISTS {BLIND_INDEX_CONSTRAINT}")
    _vacuum()
    last_id = checkpoint.last_code_id
    max_id = SerialCode.objects.order_by("-id").values_list("id", flat=True).first() or 0
    done = 0
    while last_id < max_id:
        upper = last_id + batch_size
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")
            cursor.execute(
                f"UPDATE {TABLE} SET blind_index = blind_index_next "  # noqa: S608
                "WHERE id > %s AND id <= %s AND blind_index IS DISTINCT FROM blind_index_next",
                [last_id, upper],
            )
            done += cursor.rowcount
            KeyRotationProgress.objects.filter(pk=checkpoint.pk).update(last_code_id=upper)
        last_id = upper
        if progress:
            progress(done)
    building = f"{BLIND_INDEX_CONSTRAINT}_new"
    if not index_is_valid(building):
        _execute(f"DROP INDEX CONCURRENTLY IF EXISTS {building}")  # an interrupted build leaves it invalid
    _execute(f"CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS {building} ON {TABLE} (blind_index)")
    _execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {BLIND_INDEX_CONSTRAINT} UNIQUE USING INDEX {building}")
    checkpoint.delete()
    return done


def _vacuum() -> None:
    """Reclaim the row versions an earlier rotation (or step) left, so that this one's new versions
    find room on their page: without it they do not (measured: 4% of the updates stayed on their
    page, 3.8x slower). Skipped inside a transaction, where VACUUM cannot run."""
    if not connection.in_atomic_block:
        _execute(f"VACUUM {TABLE}")


def _require_postgresql() -> None:
    if connection.vendor != "postgresql":
        raise CommandError("key rotation runs on PostgreSQL (the embedded SQLite default has no COPY)")


def _execute(sql: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql)


def index_is_valid(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass(%s)", [name])
        row = cursor.fetchone()
    return bool(row and row[0])


def _checkpoint(kind: str, target: str) -> KeyRotationProgress:
    checkpoint, _ = KeyRotationProgress.objects.get_or_create(kind=kind, target_key_id=target)
    return checkpoint


def _run(
    *,
    checkpoint: KeyRotationProgress | None,
    select: str,
    select_params: list[Any],
    update: str,
    update_params: list[Any],
    transform: Transform,
    keyring: Keyring,
    batch_size: int,
    progress: Progress,
) -> int:
    _require_postgresql()
    if checkpoint is not None:
        _vacuum()
    last_id = checkpoint.last_code_id if checkpoint else 0
    done = 0
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {_STAGE} (id int8, value bytea) ON COMMIT DELETE ROWS")
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            # A batch lost in a crash is done again from its checkpoint, which commits with it.
            cursor.execute("SET LOCAL synchronous_commit = off")
            raw = cursor.cursor  # psycopg's own cursor: Django's wrapper has no COPY
            rows: list[tuple[int, str, bytes]] = []
            with raw.copy(f"COPY ({select}) TO STDOUT (FORMAT BINARY)", [last_id, *select_params, batch_size]) as out:
                out.set_types(["int8", "varchar", "bytea"])
                rows.extend(out.rows())
            if not rows:
                return done
            with raw.copy(f"COPY {_STAGE} (id, value) FROM STDIN (FORMAT BINARY)") as into:
                into.set_types(["int8", "bytea"])
                for row in transform(keyring, rows):
                    into.write_row(row)
            first_id, last_id = rows[0][0], rows[-1][0]
            cursor.execute(update, [*update_params, first_id, last_id])
            if checkpoint is not None:
                KeyRotationProgress.objects.filter(pk=checkpoint.pk).update(last_code_id=last_id)
        done += len(rows)
        if progress:
            progress(done)
