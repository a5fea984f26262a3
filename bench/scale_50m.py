"""Benchmark: does the shop slow down as the codes it keeps grow? Empty table against 50M stored.

    .venv/bin/python bench/scale_50m.py [--stored 50000000] [--issue 1000000] [--seconds 20] [--reuse]

For each of an empty codes table and one already holding ``--stored`` codes, measures
1. issuing ``--issue`` codes for one order: the real path (``bench/issue_codes.py --mode task``:
   a Celery worker process writing chunks with binary COPY into the live, indexed table);
2. end users registering codes over HTTP (``bench/register_load.py``: gunicorn, 20% invalid).

The stored codes are loaded the way a restore would: one binary-free ``INSERT … SELECT`` per core
with the secondary indexes dropped and rebuilt afterwards, spread over many orders and a mix of
registered and expired codes. Their blind indexes are random bytes of an HMAC's length (as random
to the B-tree as a real one); their ciphertexts are real AES-GCM outputs under the current key of
a string outside the code alphabet, so the shop's start-up key check passes and no usable code is
ever written by the bench.

Prints issuance seconds and registration p50/p99 for both, the ratios against the goals
(issuance ≤ 1.5×, registration p99 ≤ 100 ms at 50M) and the sizes of the table and its indexes.
Also prints the WAL each issuance wrote and its full-page images: with the blind indexes of the
stored codes spread at random, every B-tree page a new code lands on is logged whole after each
checkpoint, and that is what grows with the table (``--random-filler`` stores them that way, as
the shop wrote them before its blind indexes were bucketed; see bizshop/codes/crypto.py).

Uses the databases ``bizshop_scale`` (kept between runs: ``--reuse`` skips reloading when it
already holds the codes) and ``bizshop_scale_empty``, Redis db 2; needs ~25 GB of disk for 50M.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DATABASE = "bizshop_scale"  # the one holding the stored codes; the empty run uses bizshop_scale_empty
ENV = {**os.environ, "BENCH_DB": DATABASE, "DATABASE_URL": f"{PG}/{DATABASE}", "LOG_LEVEL": "WARNING"}


def use(database: str) -> None:
    """Point sql() and the benches it starts at ``database``."""
    global DATABASE, ENV
    DATABASE = database
    ENV = {**os.environ, "BENCH_DB": database, "DATABASE_URL": f"{PG}/{database}", "LOG_LEVEL": "WARNING"}


FILLER_PARTNER_BRN = "2208162517"
ORDERS = 5_000  # stored codes are spread over this many orders (10,000 each at 50M)


def sql(statement: str, params: list[object] | None = None) -> list[tuple[object, ...]]:
    import psycopg

    with psycopg.connect(f"{PG}/{DATABASE}", autocommit=True) as conn:
        cursor = conn.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


def ensure_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone():
            conn.execute(f'CREATE DATABASE "{DATABASE}"')
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=ENV, check=True)


def stored_codes() -> int:
    return int(sql("SELECT count(*) FROM codes_serialcode")[0][0])  # type: ignore[call-overload]


def sizes() -> str:
    rows = sql(
        "SELECT pg_size_pretty(pg_table_size('codes_serialcode')), "
        "pg_size_pretty(pg_relation_size('codes_serialcode_blind_index_key')), "
        "pg_size_pretty(pg_indexes_size('codes_serialcode'))"
    )
    table, blind, indexes = rows[0]
    return f"table {table}, blind-index B-tree {blind}, all indexes {indexes}"


FILLER_PROGRAM = """
import json, sys
sys.path.insert(0, "bench")
from issue_codes import setup_django
setup_django()
from datetime import timedelta
from django.utils import timezone
from bizshop.accounts.models import User
from bizshop.billing import services as billing
from bizshop.catalog.services import emoticon_create
from bizshop.codes.models import Issuance
from bizshop.partners.models import Member, Partner

orders, per_order, brn = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
partner = Partner.objects.filter(business_registration_number=brn).first()
if partner is None:
    partner = Partner.objects.create(
        name="(주)적재", business_registration_number=brn, representative="적재", invoice_email="f@f.kr"
    )
    user = User.objects.create_user(email="filler@bench.kr", password=None)
    Member.objects.create(user=user, partner=partner, role=Member.Role.OWNER)
emoticon = emoticon_create(title="적재 이모티콘", prices={30: 1_000, 60: 1_800})
long_ago = timezone.now() - timedelta(days=400)
pairs = []
for _ in range(orders):
    quantity = min(max(per_order, emoticon.min_quantity), emoticon.max_quantity)
    order = billing.order_create(partner=partner, emoticon_id=emoticon.pk, period_days=30, quantity=quantity)
    billing.order_pay_by_card(order_id=order.pk, partner=partner, card_token="tok_sandbox_approve")
    issuance = Issuance.objects.create(
        order=order, quantity=per_order, issued_count=per_order, status=Issuance.Status.COMPLETED,
        registration_deadline=long_ago, completed_at=long_ago,
    )
    pairs.append((order.pk, issuance.pk))
from bizshop.codes.crypto import bucket_prefix, get_keyring
from bizshop.codes.format import ALPHABET, CODE_LENGTH
# "#" is outside the code alphabet: these decrypt (the start-up key check samples stored rows)
# to something that can never be a code.
keyring = get_keyring()
ciphers = [keyring.encrypt("#" * CODE_LENGTH) for _ in range(1_000)]
prefixes = [bucket_prefix(keyring.lookup_key, (a + b).encode()).hex() for a in ALPHABET for b in ALPHABET]
print(json.dumps({"key_id": ciphers[0][0], "ciphers": [c.hex() for _, c in ciphers], "pairs": pairs,
                  "prefixes": prefixes}))
"""


def filler_issuances(count: int) -> tuple[str, list[bytes], list[tuple[int, int]], list[bytes]]:
    """``ORDERS`` paid orders of a filler partner, one completed issuance each, and 1,000 ciphertexts.

    Returns (current key id, ciphertexts of a non-code under that key, [(order, issuance)], the
    blind-index prefixes of the 1,024 buckets under the current lookup key).

    Made through the shop's own order and card-payment services, so the orders are real ones.
    """
    out = subprocess.run(
        [sys.executable, "-c", FILLER_PROGRAM, str(ORDERS), str(count // ORDERS), FILLER_PARTNER_BRN],
        cwd=ROOT,
        env=ENV,
        check=True,
        capture_output=True,
        text=True,
    )
    made = json.loads(out.stdout.strip().splitlines()[-1])
    ciphers = [bytes.fromhex(c) for c in made["ciphers"]]
    prefixes = [bytes.fromhex(p) for p in made["prefixes"]]
    return made["key_id"], ciphers, [(int(a), int(b)) for a, b in made["pairs"]], prefixes


def load(count: int, *, bucketed: bool) -> float:
    """Empty the codes tables and store ``count`` code-shaped rows; returns seconds taken.

    ``bucketed``: as the shop writes blind indexes now, each run of 20,000 rows (an issuance
    chunk) under one bucket's prefix; otherwise uniformly random, as they were before.
    """
    import psycopg

    started = time.perf_counter()
    sql("TRUNCATE codes_registration, codes_serialcode, codes_issuance CASCADE")
    key_id, ciphers, pairs, prefixes = filler_issuances(count)
    # Drop what a restore would rebuild: the unique blind index and the secondary indexes.
    uniques = sql(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = 'codes_serialcode'::regclass AND contype = 'u'"
    )
    indexes = sql(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'codes_serialcode' "
        "AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = 'codes_serialcode'::regclass)"
    )
    for name, _ in uniques:
        sql(f'ALTER TABLE codes_serialcode DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        sql(f'DROP INDEX "{name}"')
    sql("CREATE TABLE IF NOT EXISTS bench_filler_issuance (n int PRIMARY KEY, order_id bigint, issuance_id bigint)")
    sql("TRUNCATE bench_filler_issuance")
    with (
        psycopg.connect(f"{PG}/{DATABASE}", autocommit=True) as conn,
        conn.cursor() as cursor,
        cursor.copy("COPY bench_filler_issuance FROM STDIN") as copy,
    ):
        for n, (order_id, issuance_id) in enumerate(pairs):
            copy.write_row((n, order_id, issuance_id))
    sql("CREATE TABLE IF NOT EXISTS bench_filler_cipher (n int PRIMARY KEY, ciphertext bytea)")
    sql("TRUNCATE bench_filler_cipher")
    with (
        psycopg.connect(f"{PG}/{DATABASE}", autocommit=True) as conn,
        conn.cursor() as cursor,
        cursor.copy("COPY bench_filler_cipher FROM STDIN") as copy,
    ):
        for n, cipher in enumerate(ciphers):
            copy.write_row((n, cipher))
    sql("CREATE TABLE IF NOT EXISTS bench_filler_bucket (n int PRIMARY KEY, prefix bytea)")
    sql("TRUNCATE bench_filler_bucket")
    with (
        psycopg.connect(f"{PG}/{DATABASE}", autocommit=True) as conn,
        conn.cursor() as cursor,
        cursor.copy("COPY bench_filler_bucket FROM STDIN") as copy,
    ):
        for n, prefix in enumerate(prefixes):
            copy.write_row((n, prefix))
    per_order = count // ORDERS
    # Blind indexes: uuid_send(gen_random_uuid()) is 16 random bytes (6 bits fixed), two make one;
    # an HMAC output is as random to the B-tree. Bucketed, the first 2 bytes are the prefix of the
    # chunk's bucket (chunks of 20,000 walk the 1,024 buckets in a scrambled order). Ciphertexts:
    # real AES-GCM outputs of a non-code under the current key, cycled (the start-up key check
    # decrypts a sample of stored rows).
    random_index = "uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid())"
    index = f"b.prefix || substring({random_index} from 3)" if bucketed else random_index
    insert = (
        "INSERT INTO codes_serialcode (order_id, issuance_id, blind_index, ciphertext, key_id, status, registered_at) "
        "SELECT f.order_id, f.issuance_id, "
        f"{index}, "
        "c.ciphertext, "
        "%s, CASE WHEN g %% 5 < 2 THEN 'registered' ELSE 'expired' END, "
        "CASE WHEN g %% 5 < 2 THEN now() - interval '400 days' END "
        "FROM generate_series(%s, %s) g JOIN bench_filler_issuance f ON f.n = (g - 1) / %s "
        f"JOIN bench_filler_cipher c ON c.n = g %% {len(ciphers)} "
        f"JOIN bench_filler_bucket b ON b.n = ((g - 1) / 20000 * 613) %% {len(prefixes)}"
    )

    def part(first: int, last: int) -> None:
        with psycopg.connect(f"{PG}/{DATABASE}", autocommit=True) as conn:
            conn.execute("SET session_replication_role = replica")  # FK triggers off for the load only
            for start in range(first, last + 1, 1_000_000):
                conn.execute(insert, [key_id, start, min(start + 999_999, last), per_order])

    cores = os.cpu_count() or 2
    bounds = [(count * i // cores + 1, count * (i + 1) // cores) for i in range(cores)]
    threads = [threading.Thread(target=part, args=bound) for bound in bounds]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(f"  rows written in {time.perf_counter() - started:.0f} s; rebuilding the indexes", flush=True)
    with psycopg.connect(f"{PG}/{DATABASE}", autocommit=True) as conn:
        conn.execute("SET maintenance_work_mem = '2GB'")
        conn.execute("SET max_parallel_maintenance_workers = 2")
        for name, definition in uniques:
            conn.execute(f'ALTER TABLE codes_serialcode ADD CONSTRAINT "{name}" {definition}')
        for _, definition in indexes:
            conn.execute(definition)
        conn.execute("VACUUM ANALYZE codes_serialcode")
        conn.execute("CHECKPOINT")
    return time.perf_counter() - started


def wal() -> tuple[int, int]:
    """PostgreSQL's WAL written so far: (full-page images, bytes), the whole cluster's."""
    fpi, written = sql("SELECT wal_fpi, wal_bytes FROM pg_stat_wal")[0]
    return int(fpi), int(written)  # type: ignore[call-overload]


def issue(n: int) -> dict[str, float]:
    sql("CHECKPOINT")  # every run starts where a page's first change after a checkpoint is logged whole
    fpi_before, bytes_before = wal()
    out = subprocess.run(
        [sys.executable, "bench/issue_codes.py", str(n), "--mode", "task", "--keep"],
        cwd=ROOT,
        env=ENV,
        check=True,
        capture_output=True,
        text=True,
    )
    fpi_after, bytes_after = wal()
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return {**result, "wal_fpi": fpi_after - fpi_before, "wal_mb": (bytes_after - bytes_before) / 2**20}


def register(seconds: float) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "bench/register_load.py", f"--seconds={seconds}", "--keep", "--json"],
        cwd=ROOT,
        env=ENV,
        check=True,
        capture_output=True,
        text=True,
    )
    lines = out.stdout.strip().splitlines()
    print("\n".join("    " + line for line in lines[:-1] if not line.startswith("{")), flush=True)
    return json.loads(lines[-1])  # type: ignore[no-any-return]


def measure(label: str, args: argparse.Namespace) -> dict[str, float]:
    print(f"[{label}] {stored_codes():,} codes stored; {sizes()}", flush=True)
    issued = issue(args.issue)
    print(
        f"[{label}] issued {args.issue:,} codes in {issued['wall_s']:.1f} s; WAL {issued['wal_mb']:,.0f} MB "
        f"with {issued['wal_fpi']:,} full-page images",
        flush=True,
    )
    registered = register(args.seconds)
    return {
        "issue_s": issued["wall_s"],
        "issue_rss_mb": issued["peak_rss_mb"],
        "wal_mb": issued["wal_mb"],
        "wal_fpi": issued["wal_fpi"],
        **registered,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stored", type=int, default=50_000_000)
    parser.add_argument("--issue", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--reuse", action="store_true", help="keep the stored codes if the table already has them")
    parser.add_argument("--skip-empty", action="store_true", help="measure only the full table")
    parser.add_argument(
        "--random-filler", action="store_true", help="stored codes with random blind indexes (before bucketing)"
    )
    args = parser.parse_args()
    results = {}
    if not args.skip_empty:
        use("bizshop_scale_empty")
        ensure_database()
        sql("TRUNCATE codes_registration, codes_serialcode, codes_issuance CASCADE")
        results["empty"] = measure("empty", args)
    use("bizshop_scale")
    ensure_database()
    label = f"{args.stored // 1_000_000}M" if args.stored >= 1_000_000 else f"{args.stored:,}"
    if not (args.reuse and stored_codes() >= args.stored):
        print(f"loading {args.stored:,} stored codes …", flush=True)
        print(f"  loaded in {load(args.stored, bucketed=not args.random_filler):.0f} s", flush=True)
    else:
        # Drop what earlier measurements added, keeping the stored codes.
        sql(
            "DELETE FROM codes_registration WHERE code_id IN (SELECT id FROM codes_serialcode "
            "WHERE order_id NOT IN (SELECT order_id FROM bench_filler_issuance))"
        )
        sql("DELETE FROM codes_serialcode WHERE order_id NOT IN (SELECT order_id FROM bench_filler_issuance)")
        sql("VACUUM ANALYZE codes_serialcode")
    results[label] = measure(label, args)
    print(f"\nscale_50m: {args.issue:,} codes issued and {args.seconds:.0f} s of registrations, {os.cpu_count()} cores")
    print(
        f"{'stored':<10}{'issue s':>10}{'WAL MB':>9}{'FPIs':>10}{'reg/s':>8}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'all p99':>9}{'doubles':>9}"
    )
    for name, r in results.items():
        print(
            f"{name:<10}{r['issue_s']:>10.1f}{r['wal_mb']:>9,.0f}{r['wal_fpi']:>10,.0f}{r['registrations_per_s']:>8.0f}"
            f"{r['valid_p50_ms']:>9.1f}{r['valid_p99_ms']:>9.1f}{r['all_p99_ms']:>9.1f}{r['doubles']:>9.0f}"
        )
    full = results[label]
    print(f"sizes at {label}: {sizes()}")
    if "empty" in results:
        ratio = full["issue_s"] / results["empty"]["issue_s"]
        print(f"issuance at {label} / empty: {ratio:.2f}x (goal <= 1.5x)")
    print(f"registration p99 at {label}: {full['valid_p99_ms']:.1f} ms (goal <= 100 ms)")


if __name__ == "__main__":
    main()
