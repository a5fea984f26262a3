"""Benchmark: an order's campaign statistics (GET /api/v1/orders/{id}/stats/) with N codes.

    .venv/bin/python bench/campaign_stats.py 1000000 [other codes, default 3000000]

Stores N codes for one order straight by SQL (``generate_series``; the statistics never decrypt a
code, so the rows carry placeholder ciphertexts): 60 % registered over 30 Asia/Seoul days, 1 %
voided, the rest unregistered. Then times ``order_campaign_stats`` (the selector the API and the
order page call) and, for comparison, one ``GROUP BY status`` over the order's every code, and
prints the plans of the selector's two code queries (EXPLAIN ANALYZE, BUFFERS). The table also
holds codes of other orders (as a shop's does; alone in its table, an order whose codes are 60 %
registered is read faster by a sequential scan, and the planner rightly takes one).
Uses the database ``bizshop_bench_stats`` (created and migrated if missing; ``BENCH_DB`` names another).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DATABASE = os.environ.get("BENCH_DB", "bizshop_bench_stats")
os.environ["DATABASE_URL"] = f"{PG}/{DATABASE}"
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/2")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bizshop.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

DAYS = 30


def ensure_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone():
            conn.execute(f'CREATE DATABASE "{DATABASE}"')


def setup(count: int, others: int) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from bizshop.accounts.models import User
    from bizshop.billing.models import Order, OrderStatus
    from bizshop.catalog.services import emoticon_create
    from bizshop.codes.models import Issuance, SerialCode
    from bizshop.partners.models import Member, Partner

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE codes_registration, codes_serialcode, codes_issuance CASCADE")
    partner = Partner.objects.filter(business_registration_number="1208147521").first()
    if partner is None:
        partner = Partner.objects.create(
            name="(주)벤치", business_registration_number="1208147521", representative="벤치", invoice_email="b@b.kr"
        )
        user = User.objects.create_user(email="bench@bench.kr", password=None)
        Member.objects.create(user=user, partner=partner, role=Member.Role.OWNER)
    emoticon = emoticon_create(title="벤치 이모티콘", prices={30: 1_000, 60: 1_800})
    now = timezone.now()
    order = Order.objects.create(
        partner=partner,
        emoticon=emoticon,
        emoticon_title=emoticon.title,
        period_days=30,
        quantity=count,
        issued_quantity=count,
        unit_price=1_000,
        supply_amount=1_000 * count,
        vat_amount=100 * count,
        total_amount=1_100 * count,
        status=OrderStatus.ISSUED,
        paid_at=now,
    )
    start = now - timezone.timedelta(days=DAYS)
    issuance = Issuance.objects.create(
        order=order,
        quantity=count,
        issued_count=count,
        status=Issuance.Status.COMPLETED,
        registration_deadline=now + timezone.timedelta(days=60),
    )
    Issuance.objects.filter(pk=issuance.pk).update(created_at=start)
    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {SerialCode._meta.db_table}
                   (order_id, issuance_id, blind_index, ciphertext, key_id, status, registered_at)
            SELECT %s, %s, sha256(('bench-stats-' || i)::bytea), '\\x00'::bytea, 'bench',
                   CASE WHEN i %% 100 < 60 THEN 'registered' WHEN i %% 100 = 60 THEN 'voided' ELSE 'issued' END,
                   CASE WHEN i %% 100 < 60 THEN %s::timestamptz + (i %% {DAYS}) * interval '1 day'
                                               + (i %% 86400) * interval '1 second' END
              FROM generate_series(1, %s) AS i
            """,
            [order.pk, issuance.pk, start, count],
        )
        # Other orders' codes, all unregistered: their order ids are no order's (the column has no
        # database FK), their tranche this one's (which only the FK needs).
        cursor.execute(
            f"""
            INSERT INTO {SerialCode._meta.db_table} (order_id, issuance_id, blind_index, ciphertext, key_id, status)
            SELECT 1000000000 + i / 10000, %s, sha256(('bench-other-' || i)::bytea), '\\x00'::bytea, 'bench', 'issued'
              FROM generate_series(1, %s) AS i
            """,
            [issuance.pk, others],
        )
        cursor.execute(f"VACUUM ANALYZE {SerialCode._meta.db_table}")
    print(f"stored {count:,} codes (and {others:,} of other orders) in {time.perf_counter() - began:.1f} s")
    return order.pk


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    ensure_database()
    others = int(sys.argv[2]) if len(sys.argv) > 2 else 3_000_000
    order_id = setup(count, others)
    from django.db import connection

    from bizshop.codes.models import SerialCode
    from bizshop.codes.selectors import order_campaign_stats

    times = []
    for _ in range(7):
        began = time.perf_counter()
        stats = order_campaign_stats(order_id=order_id)
        times.append(time.perf_counter() - began)
    print(
        f"order_campaign_stats: median {statistics.median(times) * 1000:.0f} ms "
        f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}); issued {stats.issued:,}, "
        f"registered {stats.registered:,}, voided {stats.voided:,}, open {stats.unregistered_open:,}, "
        f"{len(stats.registrations_by_day)} days"
    )
    naive = []
    for _ in range(3):
        began = time.perf_counter()
        list(SerialCode.objects.filter(order_id=order_id).values_list("status").annotate(n=models_count()))
        naive.append(time.perf_counter() - began)
    print(f"for comparison, GROUP BY status over every code: median {statistics.median(naive) * 1000:.0f} ms")
    from bizshop.codes.selectors import registrations_per_issuance_and_day, voided_per_issuance

    queries = {
        "registered per tranche and day": registrations_per_issuance_and_day(order_id=order_id),
        "voided per tranche": voided_per_issuance(order_id=order_id),
    }
    for name, queryset in queries.items():
        sql, params = queryset.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
            print(f"\n{name}:\n" + "\n".join(row[0] for row in cursor.fetchall()))


def models_count() -> object:
    from django.db.models import Count

    return Count("id")


if __name__ == "__main__":
    main()
