"""Benchmark: hand over N codes of one order as CSV and as XLSX through the API, against PostgreSQL.

    .venv/bin/python bench/export_codes.py 1000000

Each format runs in its own process (so peak RSS is its own): a GET of
/api/v1/orders/{id}/codes/?format=csv|xlsx through Django's test client, consuming the
response as it streams. Above 100,000 codes the XLSX is answered 202 at once and built in the
background: "first byte" is then the 202 answer, "wall" the answer plus the build (run here, in
the measuring process, as the worker would). No synchronous answer may wait 10 s for its first
byte. Uses the database ``bizshop_bench`` (created if missing); the order's codes are written
beforehand with the issuance writer.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from issue_codes import PG, ensure_database, fresh_paid_order, peak_rss_mb, setup_django  # noqa: E402

os.environ["DATABASE_URL"] = f"{PG}/bizshop_bench"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bizshop.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")


def prepare(n: int) -> dict[str, object]:
    from django.db import connection, transaction
    from django.utils import timezone

    from bizshop.codes.crypto import get_keyring
    from bizshop.codes.models import Issuance
    from bizshop.codes.writer import write_codes
    from bizshop.partners.models import Member
    from bizshop.partners.services import api_key_create

    partner, order = fresh_paid_order(n)
    issuance = Issuance.objects.create(
        order=order,
        quantity=n,
        issued_count=n,
        status=Issuance.Status.COMPLETED,
        registration_deadline=timezone.now() + timezone.timedelta(days=90),
    )
    keyring = get_keyring()
    for start in range(0, n, 50_000):
        with transaction.atomic():
            write_codes(keyring=keyring, order_id=order.pk, issuance_id=issuance.pk, count=min(50_000, n - start))  # type: ignore[attr-defined]
    type(order).objects.filter(pk=order.pk).update(issued_quantity=n)  # type: ignore[attr-defined]  # as issuance would
    with connection.cursor() as cursor:  # as autovacuum would after a bulk insert: plan with real row counts
        cursor.execute("ANALYZE codes_serialcode")
    member = Member.objects.filter(partner=partner).select_related("user").first()
    assert member is not None
    return {"order_id": order.pk, "key": api_key_create(user=member.user, name="bench").raw_key}  # type: ignore[attr-defined]


def measure(fmt: str, order_id: int, key: str) -> dict[str, float]:
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    started = time.perf_counter()
    response = client.get(f"/api/v1/orders/{order_id}/codes/?format={fmt}")
    if response.status_code == 202:  # XLSX of a large order: answered at once, the file built in the background
        from bizshop.codes.services import code_export_build

        answered = time.perf_counter() - started
        built = code_export_build(export_id=response.json()["id"])  # what the Celery worker runs
        wall = time.perf_counter() - started
        return {"wall_s": wall, "first_byte_s": answered, "mb": built.size / 1e6, "peak_rss_mb": peak_rss_mb()}
    assert response.status_code == 200, response.status_code
    size = 0
    first_byte = None
    for part in response.streaming_content:
        if first_byte is None:
            first_byte = time.perf_counter() - started
        size += len(part)
    wall = time.perf_counter() - started
    return {"wall_s": wall, "first_byte_s": first_byte or wall, "mb": size / 1e6, "peak_rss_mb": peak_rss_mb()}


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    if "--format" in sys.argv:
        setup_django()
        fmt = sys.argv[sys.argv.index("--format") + 1]
        print(json.dumps(measure(fmt, int(sys.argv[sys.argv.index("--order") + 1]), os.environ["BENCH_KEY"])))
        return
    ensure_database()
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, check=True)
    setup_django()
    prepared = prepare(n)
    results = {}
    for fmt in ("csv", "xlsx"):
        out = subprocess.run(
            [sys.executable, __file__, str(n), "--format", fmt, "--order", str(prepared["order_id"])],
            cwd=ROOT,
            env={**os.environ, "BENCH_KEY": str(prepared["key"])},
            check=True,
            capture_output=True,
            text=True,
        )
        results[fmt] = json.loads(out.stdout.strip().splitlines()[-1])
    targets = {"csv": 15, "xlsx": 120}
    print(f"export_codes: N = {n:,} codes of one order, through the API, PostgreSQL")
    print(f"{'format':<8}{'wall s':>9}{'first byte s':>14}{'MB':>9}{'peak RSS MB':>14}  target")
    for fmt, r in results.items():
        ok = r["wall_s"] <= targets[fmt] and r["peak_rss_mb"] <= 200 and r["first_byte_s"] <= 10
        print(
            f"{fmt:<8}{r['wall_s']:>9.2f}{r['first_byte_s']:>14.2f}{r['mb']:>9.1f}{r['peak_rss_mb']:>14.1f}"
            f"  <= {targets[fmt]} s, first byte <= 10 s, <= 200 MB: {ok}"
        )


if __name__ == "__main__":
    main()
