"""Benchmark: rotate the code encryption key and the blind-index (lookup) key over N stored codes.

    .venv/bin/python bench/rotate_keys.py 1000000

Writes N codes for one paid order (the issuance writer's COPY path), then times, on the same
codes, what an operator runs (README, Code keys):

1. encryption — ``rotate_code_keys`` after a new key is appended to CODE_ENCRYPTION_KEYS;
2. lookup     — ``rotate_code_keys --lookup`` under CODE_LOOKUP_KEY_NEXT (fill the second index),
                then ``--lookup-finish`` once the new key is CODE_LOOKUP_KEY (move it into the first).

Prints codes/s for each (target: >= 50,000), and before each step the time of a VACUUM that
reclaims the previous step's row versions (autovacuum's work between rotations). Uses the
database ``bizshop_bench_rotate`` (created if missing, its codes replaced) and keys of its own.
"""

from __future__ import annotations

import base64
import os
import secrets
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DATABASE = "bizshop_bench_rotate"
os.environ["DATABASE_URL"] = f"{PG}/{DATABASE}"
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/2")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bizshop.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")


def new_key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


os.environ["CODE_ENCRYPTION_KEYS"] = new_key()
os.environ["CODE_LOOKUP_KEY"] = new_key()
WRITE_CHUNK = 100_000


def ensure_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone():
            conn.execute(f'CREATE DATABASE "{DATABASE}"')


def write_codes(n: int) -> None:
    """N fresh codes under the current keys, then VACUUM ANALYZE: a table as a running shop has it."""
    from django.db import connection, transaction

    from bizshop.accounts.models import User
    from bizshop.billing import services as billing
    from bizshop.catalog.services import emoticon_create
    from bizshop.codes.crypto import get_keyring
    from bizshop.codes.models import Issuance
    from bizshop.codes.writer import write_codes as write
    from bizshop.partners.models import Member, Partner

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE codes_registration, codes_serialcode, codes_issuance, codes_keyrotationprogress CASCADE"
        )
    partner = Partner.objects.filter(business_registration_number="1208147521").first()
    if partner is None:
        partner = Partner.objects.create(
            name="(주)벤치", business_registration_number="1208147521", representative="벤치", invoice_email="b@b.kr"
        )
        Member.objects.create(
            user=User.objects.create_user(email="bench@bench.kr", password=None), partner=partner, role="owner"
        )
    emoticon = emoticon_create(title="벤치 이모티콘", prices={30: 1_000, 60: 1_800})
    order = billing.order_create(partner=partner, emoticon_id=emoticon.pk, period_days=30, quantity=n)
    billing.order_pay_by_card(order_id=order.pk, partner=partner, card_token="tok_sandbox_approve")
    with transaction.atomic():
        order, units = billing.order_reserve_issuance(order_id=order.pk, partner=partner, quantity=n)
        issuance = Issuance.objects.create(order=order, quantity=units, registration_deadline=order.created_at)
    for start in range(0, n, WRITE_CHUNK):
        with transaction.atomic():
            write(keyring=get_keyring(), order_id=order.pk, issuance_id=issuance.pk, count=min(WRITE_CHUNK, n - start))
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE codes_serialcode")


def vacuum() -> float:
    """What autovacuum does between two rotations (months apart in a shop, seconds apart here),
    timed on its own; each rotation step also starts with a VACUUM of its own, timed with it."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM codes_serialcode")
    return time.perf_counter() - started


def timed(label: str, n: int, run: object) -> float:
    print(f"{'  (VACUUM before it)':<28}{vacuum():>10.2f}", flush=True)
    started = time.perf_counter()
    done = run()  # type: ignore[operator]
    seconds = time.perf_counter() - started
    assert done == n, f"{label}: {done:,} of {n:,} codes"
    print(f"{label:<28}{seconds:>10.2f}{n / seconds:>14,.0f}", flush=True)
    return seconds


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    ensure_database()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from bizshop.codes import rotation
    from bizshop.codes.models import SerialCode

    call_command("migrate", verbosity=0)
    print(f"rotate_keys: N = {n:,} codes, PostgreSQL, {os.cpu_count()} cores, batches of {rotation.BATCH:,}")
    started = time.perf_counter()
    write_codes(n)
    print(f"(wrote the codes in {time.perf_counter() - started:.1f} s)")
    print(f"{'rotation':<28}{'wall s':>10}{'codes/s':>14}")

    settings.CODE_ENCRYPTION_KEYS = f"{settings.CODE_ENCRYPTION_KEYS},{new_key()}"
    encryption = timed("encryption key", n, lambda: rotation.encryption_rotate())
    assert not SerialCode.objects.exclude(key_id=rotation.get_keyring().current_key_id).exists()

    old_lookup, new_lookup = settings.CODE_LOOKUP_KEY, new_key()
    settings.CODE_LOOKUP_KEY_NEXT = new_lookup
    fill = timed("lookup key, 1: fill index", n, lambda: rotation.lookup_fill())
    settings.CODE_LOOKUP_KEY, settings.CODE_LOOKUP_KEY_NEXT, settings.CODE_LOOKUP_KEY_PREVIOUS = (
        new_lookup,
        "",
        old_lookup,
    )
    finish = timed("lookup key, 2: finish", n, lambda: rotation.lookup_finish())
    print(f"{'lookup key, both steps':<28}{fill + finish:>10.2f}{n / (fill + finish):>14,.0f}")
    print(
        f"target >= 50,000 codes/s: encryption {'met' if n / encryption >= 50_000 else 'NOT met'}, "
        f"lookup {'met' if n / (fill + finish) >= 50_000 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
