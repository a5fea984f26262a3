"""Benchmark: issue N codes for one paid order, three ways, against PostgreSQL.

    .venv/bin/python bench/issue_codes.py 1000000

1. task  — the real path: issuance_start, then a real Celery worker process (Redis broker)
           runs the issuance task; wall time from request to completed, the worker's peak RSS.
2. naive — Django ``bulk_create`` of the same rows (generated and encrypted the same way).
3. floor — no Django: rows generated and encrypted beforehand, then one raw binary ``COPY``;
           only the COPY is timed (``floor_with_generation`` adds the generation time).

Each mode runs in its own process so that peak RSS is its own, on an emptied codes table.
Uses the database ``bizshop_bench`` (created if missing; ``BENCH_DB`` names another) and Redis db 2.
``--keep`` leaves the codes already stored in place (bench/scale_50m.py issues on top of them).
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
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DATABASE = os.environ.get("BENCH_DB", "bizshop_bench")
os.environ["DATABASE_URL"] = f"{PG}/{DATABASE}"
os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/2")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bizshop.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")


def peak_rss_mb(pid: int | str = "self") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def ensure_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone():
            conn.execute(f'CREATE DATABASE "{DATABASE}"')


def setup_django() -> None:
    import django

    django.setup()


def fresh_paid_order(quantity: int, *, keep: bool = False) -> tuple[object, object]:
    """A new paid order for ``quantity`` units; the codes tables emptied first unless ``keep``."""
    from django.db import connection

    from bizshop.accounts.models import User
    from bizshop.billing import services as billing
    from bizshop.catalog.services import emoticon_create
    from bizshop.partners.models import Member, Partner

    if not keep:
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
    order = billing.order_create(partner=partner, emoticon_id=emoticon.pk, period_days=30, quantity=quantity)
    billing.order_pay_by_card(order_id=order.pk, partner=partner, card_token="tok_sandbox_approve")
    return partner, order


def vacuum() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")


def mode_task(n: int) -> dict[str, float]:
    import redis
    from django.conf import settings

    from bizshop.celery import app
    from bizshop.codes.models import Issuance
    from bizshop.codes.services import issuance_start

    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    app.conf.task_always_eager = False
    partner, order = fresh_paid_order(n, keep="--keep" in sys.argv)
    vacuum()
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "bizshop", "worker", "--pool=solo", "--loglevel=WARNING"],
        cwd=ROOT,
        env=os.environ.copy(),
    )
    try:
        time.sleep(4)  # let the worker connect before the clock starts
        started = time.perf_counter()
        issuance = issuance_start(order_id=order.pk, partner=partner, quantity=n)  # type: ignore[attr-defined]
        while True:
            status = Issuance.objects.values_list("status", flat=True).get(pk=issuance.pk)
            if status == Issuance.Status.COMPLETED:
                break
            if worker.poll() is not None:
                raise RuntimeError("worker died")
            time.sleep(0.05)
        wall = time.perf_counter() - started
        rss = peak_rss_mb(worker.pid)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    return {"wall_s": wall, "codes_per_s": n / wall, "peak_rss_mb": rss}


def mode_naive(n: int) -> dict[str, float]:
    from django.db import transaction

    from bizshop.codes.crypto import get_keyring
    from bizshop.codes.models import Issuance, SerialCode
    from bizshop.codes.writer import draw_rows

    _, order = fresh_paid_order(n)
    issuance = Issuance.objects.create(order=order, quantity=n, registration_deadline="2099-01-01T00:00:00+09:00")
    vacuum()
    keyring = get_keyring()
    started = time.perf_counter()
    done = 0
    while done < n:  # same chunking as the task, so memory is comparable
        count = min(10_000, n - done)
        rows = draw_rows(keyring=keyring, count=count)
        with transaction.atomic():
            SerialCode.objects.bulk_create(
                [
                    SerialCode(
                        order=order, issuance=issuance, blind_index=i, ciphertext=b, key_id=keyring.current_key_id
                    )
                    for i, b in rows.items()
                ],
                batch_size=1000,
            )
        done += count
    wall = time.perf_counter() - started
    return {"wall_s": wall, "codes_per_s": n / wall, "peak_rss_mb": peak_rss_mb()}


def mode_floor(n: int) -> dict[str, float]:
    import psycopg

    from bizshop.codes.crypto import get_keyring
    from bizshop.codes.models import Issuance
    from bizshop.codes.writer import draw_rows

    _, order = fresh_paid_order(n)
    issuance = Issuance.objects.create(order=order, quantity=n, registration_deadline="2099-01-01T00:00:00+09:00")
    keyring = get_keyring()
    generated = time.perf_counter()
    rows = draw_rows(keyring=keyring, count=n)
    generation = time.perf_counter() - generated
    vacuum()
    with psycopg.connect(os.environ["DATABASE_URL"]) as conn:
        started = time.perf_counter()
        with (
            conn.cursor() as cursor,
            cursor.copy(
                "COPY codes_serialcode (order_id, issuance_id, blind_index, ciphertext, key_id, status) "
                "FROM STDIN (FORMAT BINARY)"
            ) as copy,
        ):
            copy.set_types(["int8", "int8", "bytea", "bytea", "varchar", "varchar"])
            for index, blob in rows.items():
                copy.write_row((order.pk, issuance.pk, index, blob, keyring.current_key_id, "issued"))  # type: ignore[attr-defined]
        conn.commit()
        wall = time.perf_counter() - started
    return {
        "wall_s": wall,
        "codes_per_s": n / wall,
        "peak_rss_mb": peak_rss_mb(),
        "generation_s": generation,
        "floor_with_generation_s": wall + generation,
    }


def run_mode(mode: str, n: int) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, str(n), "--mode", mode, *(["--keep"] if "--keep" in sys.argv else [])],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    if "--mode" in sys.argv:
        setup_django()
        mode = sys.argv[sys.argv.index("--mode") + 1]
        result = {"task": mode_task, "naive": mode_naive, "floor": mode_floor}[mode](n)
        print(json.dumps(result))
        return
    ensure_database()
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, check=True)
    results = {mode: run_mode(mode, n) for mode in ("floor", "task", "naive")}
    print(f"issue_codes: N = {n:,} codes, one order, PostgreSQL, {os.cpu_count()} cores")
    print(f"{'mode':<8}{'wall s':>10}{'codes/s':>12}{'peak RSS MB':>14}")
    for mode, r in results.items():
        print(f"{mode:<8}{r['wall_s']:>10.2f}{r['codes_per_s']:>12,.0f}{r['peak_rss_mb']:>14.1f}")
    floor = results["floor"]
    print(
        f"floor generation (not timed above): {floor['generation_s']:.2f} s; "
        f"floor with generation: {floor['floor_with_generation_s']:.2f} s"
    )
    print(f"task / floor (COPY only):        {results['task']['wall_s'] / floor['wall_s']:.2f}x  (target <= 1.5x)")
    print(f"task / floor (with generation):  {results['task']['wall_s'] / floor['floor_with_generation_s']:.2f}x")
    naive_ratio = results["naive"]["wall_s"] / results["task"]["wall_s"]
    print(f"naive / task:                    {naive_ratio:.2f}x  (target >= 5x)")
    print(
        f"task wall <= 30 s: {results['task']['wall_s'] <= 30}; worker peak RSS <= 300 MB: "
        f"{results['task']['peak_rss_mb'] <= 300}"
    )


if __name__ == "__main__":
    main()
