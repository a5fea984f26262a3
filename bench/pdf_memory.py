"""Benchmark: memory of the web tier while it renders PDFs, through gunicorn (the production process model).

    .venv/bin/python bench/pdf_memory.py [--requests 1000] [--clients 8]

Serves the app with gunicorn (``gunicorn.conf.py``: 3 preloaded gthread workers × 4 threads) on
127.0.0.1 and sends ``--requests`` PDF downloads from ``--clients`` concurrent keep-alive clients,
mixed evenly: the usage guide (with the emoticon's image and a QR code), the 거래명세서, the
영수증, a 견적서 and a tax invoice (세금계산서; kept as a file after its first rendering). Samples
every process of gunicorn's tree (master, web workers and their PDF renderers) four times a second
and prints each one's peak RSS; the goal is every process <= 300 MB. Uses the database
``bizshop_bench_pdf``, Redis db 2 and var/bench-pdf.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DATABASE = "bizshop_bench_pdf"
os.environ["DATABASE_URL"] = f"{PG}/{DATABASE}"
os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/2")
os.environ["BIZSHOP_VAR_DIR"] = str(ROOT / "var" / "bench-pdf")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bizshop.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")
PORT = 8914
LIMIT_MB = 300


def ensure_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone():
            conn.execute(f"CREATE DATABASE {DATABASE}")


def prepare() -> tuple[str, list[str]]:
    """A partner with an API key, three paid orders with codes and last month's tax invoices: (key, paths)."""
    from django.db import connection
    from django.utils import timezone

    from bizshop.accounts.models import User
    from bizshop.billing import services as billing
    from bizshop.billing.models import Payment
    from bizshop.catalog.demo import demo_images_seed
    from bizshop.catalog.services import emoticon_create
    from bizshop.codes.services import issuance_run, issuance_start
    from bizshop.invoices.models import TaxInvoice
    from bizshop.invoices.services import invoice_month_run
    from bizshop.partners.models import Member, Partner
    from bizshop.partners.services import api_key_create

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE partners_partner, billing_order, billing_payment, catalog_emoticon CASCADE")
    partner = Partner.objects.create(
        name="(주)벤치문서",
        business_registration_number="1208147521",
        representative="김벤치",
        address="서울특별시 중구 세종대로 110",
        invoice_email="tax@bench.kr",
    )
    user = User.objects.filter(email="bench-pdf@bench.kr").first() or User.objects.create_user(
        email="bench-pdf@bench.kr", password=None
    )
    Member.objects.create(user=user, partner=partner, role=Member.Role.OWNER)
    emoticon = emoticon_create(title="벤치 문서 이모티콘", prices={30: 1_600, 60: 2_500})
    demo_images_seed(emoticons=[emoticon])
    orders = []
    for quantity in (100, 250, 1000):
        order = billing.order_create(partner=partner, emoticon_id=emoticon.pk, period_days=30, quantity=quantity)
        billing.order_pay_by_card(order_id=order.pk, partner=partner, card_token="tok_sandbox_approve")
        issuance_run(issuance_id=issuance_start(order_id=order.pk, partner=partner, quantity=10).pk)
        orders.append(order)
    last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    paid_at = timezone.now().replace(year=last_month.year, month=last_month.month, day=15)
    Payment.objects.filter(partner=partner).update(created_at=paid_at, approved_at=paid_at)
    invoice_month_run(month=date(last_month.year, last_month.month, 1), deliver=False)
    invoices = list(TaxInvoice.objects.filter(partner=partner).values_list("pk", flat=True))
    assert invoices, "no tax invoice was issued"
    key = api_key_create(user=user, name="bench").raw_key  # type: ignore[attr-defined]
    paths = []
    for index, order in enumerate(orders):
        paths += [
            f"/api/v1/orders/{order.pk}/guide.pdf",
            f"/api/v1/orders/{order.pk}/statement.pdf",
            f"/api/v1/orders/{order.pk}/receipt.pdf",
            f"/api/v1/quotes.pdf?emoticon_id={emoticon.pk}&period_days=60&quantity={500 + index}",
            f"/api/v1/invoices/{invoices[index % len(invoices)]}/pdf/",
        ]
    return key, paths


def tree_rss(root: int) -> dict[int, tuple[str, float]]:
    """RSS (MB) and a role of each process under ``root``, read from /proc."""
    parents: dict[int, int] = {}
    info: dict[int, tuple[str, float]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        parents[int(entry.name)] = int(fields["PPid"])
        rss = int(fields.get("VmRSS", "0 kB").split()[0]) / 1024
        info[int(entry.name)] = (cmdline, rss)
    members = {root}
    changed = True
    while changed:
        changed = False
        for pid, parent in parents.items():
            if parent in members and pid not in members:
                members.add(pid)
                changed = True
    result = {}
    for pid in members:
        if pid not in info:
            continue
        cmdline, rss = info[pid]
        role = "master" if pid == root else ("pdf renderer" if "multiprocessing" in cmdline else "web worker")
        result[pid] = (role, rss)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    ensure_database()
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, check=True)
    import django

    django.setup()
    import httpx

    key, paths = prepare()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "bizshop.wsgi",
            "--config=gunicorn.conf.py",
            f"--bind=127.0.0.1:{PORT}",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env={**os.environ, "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1"},
    )
    peaks: dict[int, tuple[str, float]] = {}
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            for pid, (role, rss) in tree_rss(server.pid).items():
                if rss > peaks.get(pid, (role, 0.0))[1]:
                    peaks[pid] = (role, rss)
            time.sleep(0.25)

    sampler = threading.Thread(target=sample, daemon=True)
    latencies: dict[str, list[float]] = defaultdict(list)
    try:
        base = f"http://127.0.0.1:{PORT}"
        for _ in range(100):
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        sampler.start()
        local = threading.local()

        def fetch(number: int) -> None:
            if not hasattr(local, "client"):
                local.client = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=120)
            path = paths[number % len(paths)]
            started = time.perf_counter()
            response = local.client.get(path)
            assert response.status_code == 200 and response.content.startswith(b"%PDF"), (path, response.status_code)
            kind = path.split("?")[0].rstrip("/").rsplit("/", 1)[-1].removesuffix(".pdf")
            latencies["invoice" if kind == "pdf" else kind].append(time.perf_counter() - started)

        started = time.perf_counter()
        with ThreadPoolExecutor(args.clients) as pool:
            list(pool.map(fetch, range(args.requests)))
        wall = time.perf_counter() - started
    finally:
        done.set()
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)

    print(
        f"pdf_memory: {args.requests:,} PDFs from {args.clients} clients in {wall:.1f} s "
        f"({args.requests / wall:.1f}/s), gunicorn (gunicorn.conf.py)"
    )
    for kind, values in sorted(latencies.items()):
        values.sort()
        print(f"  {kind:<10} {len(values):>4} × p50 {values[len(values) // 2] * 1000:6.0f} ms")
    worst = max(rss for _, rss in peaks.values())
    for pid, (role, rss) in sorted(peaks.items(), key=lambda item: (item[1][0], item[0])):
        print(f"  {role:<13} pid {pid:>7}  peak RSS {rss:6.1f} MB")
    print(f"every process <= {LIMIT_MB} MB: {worst <= LIMIT_MB} (worst {worst:.1f} MB)")


if __name__ == "__main__":
    main()
