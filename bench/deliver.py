"""Benchmark: send N codes by e-mail to a local SMTP sink through a real Celery worker.

    .venv/bin/python bench/deliver.py 100000 [--concurrency 1]

An order with N issued codes, a delivery of N recipients (the service, as the API calls it),
then a real worker process (Redis broker) sends every message over SMTP to an aiosmtpd server in
this process, which only counts them. Prints the wall time from the delivery's creation to its
last message, the time the creation itself took (checks, code assignment, encrypted contacts),
messages/s and the worker's peak RSS (the solo pool: one process).

Uses the database ``bizshop_bench_deliveries`` (created and migrated if missing; ``BENCH_DB``
names another) and Redis db 3.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
# Its own database and Redis db unless told otherwise; issue_codes reads these when imported.
os.environ.setdefault("BENCH_DB", "bizshop_bench_deliveries")
os.environ.setdefault("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3")

from issue_codes import ensure_database, peak_rss_mb  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", type=int)
    parser.add_argument("--concurrency", type=int, default=1, help="worker processes (prefork) instead of solo")
    args = parser.parse_args()
    n = args.n

    from tests.helpers.smtp_sink import SinkHandler, smtp_sink

    ensure_database()
    with smtp_sink(SinkHandler(keep=False)) as (sink, port):
        os.environ["EMAIL_URL"] = f"smtp://127.0.0.1:{port}"
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        import redis
        from django.conf import settings
        from django.db import connection

        from bizshop.accounts.models import User
        from bizshop.billing import services as billing
        from bizshop.campaigns.models import Delivery
        from bizshop.campaigns.services import delivery_create
        from bizshop.catalog.services import emoticon_create
        from bizshop.celery import app
        from bizshop.codes.services import issuance_run, issuance_start
        from bizshop.partners.models import Member, Partner

        redis.Redis.from_url(settings.REDIS_URL).flushdb()
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE campaigns_recipient, campaigns_delivery, codes_registration, codes_serialcode, "
                "codes_issuance CASCADE"
            )
        partner = Partner.objects.filter(business_registration_number="1208147521").first()
        if partner is None:
            partner = Partner.objects.create(
                name="(주)벤치",
                business_registration_number="1208147521",
                representative="벤치",
                invoice_email="b@b.kr",
            )
            user = User.objects.create_user(email="bench@bench.kr", password=None)
            Member.objects.create(user=user, partner=partner, role=Member.Role.OWNER)
        emoticon = emoticon_create(title="벤치 이모티콘", prices={30: 1_000, 60: 1_800})
        order = billing.order_create(partner=partner, emoticon_id=emoticon.pk, period_days=30, quantity=max(n, 100))
        billing.order_pay_by_card(order_id=order.pk, partner=partner, card_token="tok_sandbox_approve")
        app.conf.task_always_eager = True
        issuance = issuance_start(order_id=order.pk, partner=partner, quantity=n)
        issuance_run(issuance_id=issuance.pk)
        app.conf.task_always_eager = False
        people = [{"name": f"당첨자{i}", "email": f"winner{i}@example.com"} for i in range(n)]
        pool = ["--pool=solo"] if args.concurrency == 1 else ["--pool=prefork", f"--concurrency={args.concurrency}"]
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "bizshop", "worker", *pool, "--loglevel=WARNING"],
            cwd=ROOT,
            env=os.environ.copy(),
        )
        try:
            time.sleep(5)  # let the worker connect before the clock starts
            started = time.perf_counter()
            delivery = delivery_create(
                order_id=order.pk,
                partner=partner,
                channel="email",
                template="{name}님, [{title}] 일련번호 {code} 를 {deadline}까지 {registration_url} 에서 등록하세요.",
                recipients=people,  # type: ignore[arg-type]
            )
            created = time.perf_counter() - started
            while Delivery.objects.values_list("status", flat=True).get(pk=delivery.pk) != Delivery.Status.DONE:
                if worker.poll() is not None:
                    raise RuntimeError("worker died")
                time.sleep(0.2)
            wall = time.perf_counter() - started
            rss = peak_rss_mb(worker.pid)
            children = subprocess.run(["pgrep", "-P", str(worker.pid)], capture_output=True, text=True).stdout.split()
            child_rss = [peak_rss_mb(pid) for pid in children]
        finally:
            worker.terminate()
            worker.wait(timeout=60)
        from bizshop.campaigns.selectors import delivery_counts

        counts = delivery_counts(delivery=delivery)
    print(f"recipients {n:,}: wall {wall:.1f} s ({n / wall:,.0f} messages/s), creation {created:.1f} s")
    print(f"sink received {sink.count:,}; counts {counts}")
    print(
        f"worker peak RSS {rss:.0f} MB"
        + (f", children {', '.join(f'{r:.0f}' for r in child_rss)} MB" if child_rss else "")
    )


if __name__ == "__main__":
    main()
