"""Benchmark: the monthly tax-invoice run over 100,000 payments of 10,000 partners, and PDF rendering.

    .venv/bin/python bench/invoice_month.py [payments] [partners]

Uses the database ``bizshop_h6_bench`` (created and migrated if missing). Partners, orders and
approved payments spread over March 2026 (KST) are written with INSERT … SELECT generate_series,
then ``invoice_month_run(month=2026-03, deliver=False)`` is timed (the issuance itself: numbers,
snapshots, lines, once-only keys; PDFs/e-mail/NTS run afterwards in delivery tasks), then a
rerun (must issue 0), then the PDF of ~20 invoices is rendered and the median printed.
Target: the run ≤ 60 s.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DATABASE = "bizshop_h6_bench"
os.environ["DATABASE_URL"] = f"{PG}/{DATABASE}"
os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/6")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bizshop.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

MONTH = date(2026, 3, 1)
PDF_SAMPLES = 20


def ensure_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone():
            conn.execute(f"CREATE DATABASE {DATABASE}")


def seed(payments: int, partners: int) -> float:
    """Fresh partners, one emoticon, one issued order and one approved card payment per payment."""
    from django.db import connection, transaction

    from bizshop.catalog.services import emoticon_create

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE invoices_invoicemergerequestpayment, invoices_invoicemergerequest, invoices_invoicepayment, "
            "invoices_taxinvoiceline, invoices_taxinvoice, invoices_invoicemonth, invoices_invoicenumbersequence, "
            "invoices_reconciliation, "
            "billing_payment, billing_order, partners_partner CASCADE"
        )
    emoticon = emoticon_create(title="벤치 이모티콘", prices={30: 1_600, 60: 2_500})
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO partners_partner (name, business_registration_number, representative, address,
                invoice_email, status, created_at, contact_name, contact_phone)
            SELECT '(주)벤치파트너' || g, lpad(g::text, 10, '0'), '대표' || g, '서울특별시 중구 세종대로 ' || g,
                'tax' || g || '@bench.kr', 'active', now(), '', ''
            FROM generate_series(1, %s) AS g
            """,
            [partners],
        )
        cursor.execute("SELECT min(id) FROM partners_partner")
        first_partner = cursor.fetchone()[0]
        # Spread over March in KST: 1 March 00:00 KST + a fraction of the month's 31 days.
        cursor.execute(
            """
            INSERT INTO billing_order (id, emoticon_title, period_days, quantity, unit_price, supply_amount,
                vat_amount, total_amount, status, issued_quantity, created_at, paid_at, emoticon_id, partner_id)
            SELECT nextval(pg_get_serial_sequence('billing_order', 'id')), %s, 30, 100, 1600, 160000, 16000, 176000,
                'issued', 100, t, t, %s, %s + (g %% %s)
            FROM (SELECT g, timestamptz '2026-03-01 00:00:00+09' + (g::float8 / %s) * interval '31 days' AS t
                  FROM generate_series(0, %s - 1) AS g) AS s
            """,
            [emoticon.title, emoticon.pk, first_partner, partners, payments, payments],
        )
        cursor.execute(
            """
            INSERT INTO billing_payment (method, status, amount, gateway, gateway_transaction_id, bank,
                account_number, created_at, approved_at, order_id, order_number, partner_id, item, period_days,
                quantity, unit_price, supply_amount, vat_amount, refund_bank, refund_account_number,
                refund_account_holder)
            SELECT 'card', 'approved', total_amount, 'sandbox', 'bench-' || id, '', '', paid_at, paid_at, id, id,
                partner_id, emoticon_title, period_days, quantity, unit_price, supply_amount, vat_amount, '', '', ''
            FROM billing_order ORDER BY id
            """
        )
        cursor.execute("ANALYZE partners_partner; ANALYZE billing_order; ANALYZE billing_payment")
    return time.perf_counter() - started


def main() -> None:
    payments = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    partners = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from bizshop.invoices.models import TaxInvoice
    from bizshop.invoices.pdf import invoice_pdf
    from bizshop.invoices.reconciliation import reconcile_month
    from bizshop.invoices.services import invoice_month_run

    seed_s = seed(payments, partners)

    started = time.perf_counter()
    issued = invoice_month_run(month=MONTH, deliver=False)
    run_s = time.perf_counter() - started
    assert issued == payments == TaxInvoice.objects.count(), (issued, payments)

    started = time.perf_counter()
    reissued = invoice_month_run(month=MONTH, deliver=False)
    rerun_s = time.perf_counter() - started
    assert reissued == 0

    started = time.perf_counter()
    reconciliation = reconcile_month(month=MONTH)
    reconcile_s = time.perf_counter() - started
    assert reconciliation.ok and reconciliation.payment_count == payments, reconciliation.mismatches[:3]

    step = max(1, payments // PDF_SAMPLES)
    sample = list(TaxInvoice.objects.order_by("id")[::step][:PDF_SAMPLES])
    invoice_pdf(invoice=sample[0])  # warm up fonts and templates
    timings = []
    for invoice in sample:
        t0 = time.perf_counter()
        invoice_pdf(invoice=invoice)
        timings.append(time.perf_counter() - t0)

    print(
        json.dumps(
            {
                "payments": payments,
                "partners": partners,
                "seed_s": round(seed_s, 2),
                "monthly_run_s": round(run_s, 2),
                "invoices_per_s": round(issued / run_s),
                "rerun_s": round(rerun_s, 2),
                "reconcile_s": round(reconcile_s, 2),
                "pdf_median_s": round(statistics.median(timings), 3),
                "pdf_max_s": round(max(timings), 3),
                "pdf_samples": len(timings),
                "target_run_s": 60,
                "ok": run_s <= 60,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
