"""The monthly run (월 발행): one invoice per approved payment of the month, dated, numbered, once."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from bizshop.billing.models import Payment
from bizshop.invoices import amendments, months, services
from bizshop.invoices.models import InvoiceKind, InvoiceMonth, InvoicePayment, TaxInvoice
from bizshop.partners.models import Partner
from tests.helpers.invoices import cancel, kst

pytestmark = pytest.mark.django_db

MARCH = date(2026, 3, 1)
APRIL = date(2026, 4, 1)


def _invoice_for(payment: Payment) -> TaxInvoice:
    return InvoicePayment.objects.select_related("invoice").get(payment=payment, amendment=False).invoice


def test_two_payments_of_176000_in_march_give_two_invoices_of_160000_plus_16000(
    partner: Partner, pay: Callable[..., Payment]
) -> None:
    first = pay(partner, kst(2026, 3, 2, 10, 0))
    second = pay(partner, kst(2026, 3, 5, 15, 30))
    assert first.amount == second.amount == 176_000

    out = StringIO()
    call_command("issue_tax_invoices", "--month", "2026-03", stdout=out)

    assert "2026-03: 2 tax invoices issued" in out.getvalue()
    invoices = [_invoice_for(first), _invoice_for(second)]
    assert [(i.kind, i.supply_amount, i.vat_amount, i.total_amount) for i in invoices] == [
        (InvoiceKind.NORMAL, 160_000, 16_000, 176_000),
        (InvoiceKind.NORMAL, 160_000, 16_000, 176_000),
    ]
    assert TaxInvoice.objects.count() == 2


def test_a_normal_invoice_is_dated_the_payment_day_and_numbered_in_its_month(
    partner: Partner, pay: Callable[..., Payment]
) -> None:
    payment = pay(partner, kst(2026, 3, 5, 15, 30))

    services.invoice_month_run(month=MARCH)

    invoice = _invoice_for(payment)
    assert invoice.write_date == date(2026, 3, 5)
    assert invoice.supply_month == MARCH
    assert invoice.number == "202603-000001"
    assert len(invoice.approval_number) == 24 and invoice.approval_number.isdigit()
    assert invoice.approval_number.startswith("20260305")
    assert invoice.receipt_mark == "영수"


def test_the_invoice_carries_the_shop_and_a_snapshot_of_the_partner(
    partner: Partner, pay: Callable[..., Payment]
) -> None:
    payment = pay(partner, kst(2026, 3, 5, 9, 0))

    services.invoice_month_run(month=MARCH)

    invoice = _invoice_for(payment)
    assert (invoice.supplier_name, invoice.supplier_brn) == (settings.SHOP_NAME, settings.SHOP_BRN)
    assert invoice.supplier_representative == settings.SHOP_REPRESENTATIVE
    assert invoice.supplier_address == settings.SHOP_ADDRESS
    assert (invoice.recipient_brn, invoice.recipient_name) == (partner.business_registration_number, partner.name)
    assert (invoice.recipient_representative, invoice.recipient_address, invoice.recipient_email) == (
        partner.representative,
        partner.address,
        partner.invoice_email,
    )
    (line,) = invoice.lines.all()
    order = payment.order
    assert (line.item, line.period_days, line.quantity, line.unit_price) == (
        f"{order.emoticon_title} 이모티콘",
        30,
        100,
        1_600,
    )
    assert (line.supply_amount, line.vat_amount, line.supply_date) == (160_000, 16_000, date(2026, 3, 5))


def test_a_later_edit_of_the_partner_does_not_change_an_issued_invoice(
    partner: Partner, pay: Callable[..., Payment]
) -> None:
    payment = pay(partner, kst(2026, 3, 5, 9, 0))
    services.invoice_month_run(month=MARCH)
    issued_name = partner.name

    Partner.objects.filter(pk=partner.pk).update(
        name="(주)새이름", address="부산광역시", invoice_email="new@example.kr"
    )

    invoice = _invoice_for(payment)
    assert (invoice.recipient_name, invoice.recipient_address) == (issued_name, "서울특별시 강남구 테헤란로 1")


def test_a_payment_at_23_59_59_kst_on_31_march_belongs_to_march(partner: Partner, pay: Callable[..., Payment]) -> None:
    payment = pay(partner, kst(2026, 3, 31, 23, 59, 59))

    assert services.invoice_month_run(month=APRIL) == 0
    assert services.invoice_month_run(month=MARCH) == 1
    assert _invoice_for(payment).write_date == date(2026, 3, 31)


def test_a_payment_at_midnight_kst_on_1_april_belongs_to_april_though_utc_says_31_march(
    partner: Partner, pay: Callable[..., Payment]
) -> None:
    payment = pay(partner, datetime(2026, 3, 31, 15, 0, tzinfo=UTC))  # 2026-04-01 00:00 KST

    assert services.invoice_month_run(month=MARCH) == 0
    assert services.invoice_month_run(month=APRIL) == 1
    invoice = _invoice_for(payment)
    assert invoice.write_date == date(2026, 4, 1)
    assert invoice.number.startswith("202604-")


def test_a_payment_cancelled_before_the_run_is_not_invoiced(partner: Partner, pay: Callable[..., Payment]) -> None:
    payment = pay(partner, kst(2026, 3, 5, 9, 0))
    cancel(payment, kst(2026, 3, 20, 9, 0))

    assert amendments.invoice_amend_for_refund(payment_id=payment.pk, cancelled_at=kst(2026, 3, 20, 9, 0)) is None
    assert services.invoice_month_run(month=MARCH) == 0
    assert not TaxInvoice.objects.exists()


def test_running_the_month_again_issues_nothing_twice(partner: Partner, pay: Callable[..., Payment]) -> None:
    for day in (2, 5, 9):
        pay(partner, kst(2026, 3, day, 9, 0))

    assert services.invoice_month_run(month=MARCH) == 3
    assert services.invoice_month_run(month=MARCH) == 0
    call_command("issue_tax_invoices", "--month", "2026-03", stdout=StringIO())

    assert TaxInvoice.objects.count() == 3
    assert InvoiceMonth.objects.get(month=MARCH).issued_count == 3


def test_a_rerun_invoices_a_payment_approved_late_in_the_month_after_the_first_run(
    partner: Partner, pay: Callable[..., Payment]
) -> None:
    pay(partner, kst(2026, 3, 2, 9, 0))
    services.invoice_month_run(month=MARCH)
    late = pay(partner, kst(2026, 3, 31, 23, 0))  # e.g. a deposit notification that arrived late

    assert services.invoice_month_run(month=MARCH) == 1
    assert _invoice_for(late).number == "202603-000002"


def test_small_batches_cover_every_payment_once(partner: Partner, pay: Callable[..., Payment]) -> None:
    payments = [pay(partner, kst(2026, 3, day, 9, 0)) for day in range(1, 8)]

    assert services.invoice_month_run(month=MARCH, batch_size=3) == 7

    numbers = sorted(_invoice_for(p).number for p in payments)
    assert numbers == [f"202603-{n:06d}" for n in range(1, 8)]


def test_every_partner_gets_its_own_invoices(
    partner: Partner, other_partner: Partner, pay: Callable[..., Payment]
) -> None:
    ours = pay(partner, kst(2026, 3, 2, 9, 0))
    theirs = pay(other_partner, kst(2026, 3, 2, 9, 0))

    services.invoice_month_run(month=MARCH)

    assert _invoice_for(ours).partner_id == partner.pk
    assert _invoice_for(theirs).partner_id == other_partner.pk
    assert _invoice_for(theirs).recipient_brn == other_partner.business_registration_number


def test_the_command_defaults_to_the_previous_month_in_seoul() -> None:
    # 2026-04-30 15:30 UTC is already 1 May in Seoul: the previous month is April.
    assert months.previous_month(now=datetime(2026, 4, 30, 15, 30, tzinfo=UTC)) == APRIL
    assert months.previous_month(now=datetime(2026, 1, 1, 0, 5, tzinfo=months.SEOUL)) == date(2025, 12, 1)


def test_the_command_refuses_a_malformed_month() -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("issue_tax_invoices", "--month", "2026-13", stdout=StringIO())


def test_beat_runs_the_previous_month_at_0005_kst_on_the_fifth_by_default() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["invoices-monthly-run"]
    schedule = entry["schedule"]

    assert entry["task"] == "bizshop.invoices.tasks.invoice_month_run_task"
    assert settings.CELERY_TIMEZONE == "Asia/Seoul"
    assert (schedule.minute, schedule.hour, schedule.day_of_month) == ({5}, {0}, {5})
    assert months.run_scheduled_at(date(2026, 12, 1)).isoformat() == "2027-01-05T00:05:00+09:00"


SHOW_RUN_DAY = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.CELERY_BEAT_SCHEDULE['invoices-monthly-run']['schedule'].day_of_month)"
)


def _settings_load(run_day: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "INVOICE_RUN_DAY": run_day}
    return subprocess.run([sys.executable, "-c", SHOW_RUN_DAY], env=env, capture_output=True, text=True, timeout=180)


def test_a_run_day_after_the_tenth_refuses_to_start() -> None:
    refused = _settings_load("11")
    allowed = _settings_load("10")

    assert refused.returncode != 0, refused.stdout
    assert "INVOICE_RUN_DAY=11" in refused.stderr and "10th" in refused.stderr, refused.stderr[-2000:]
    assert allowed.returncode == 0, allowed.stderr
    assert allowed.stdout.strip() == "{10}"


@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_issue_each_payment_exactly_once(partner: Partner, pay: Callable[..., Payment]) -> None:
    payments = [pay(partner, kst(2026, 3, day, 9, 0)) for day in range(1, 13)]
    runners = 4
    barrier = threading.Barrier(runners)
    results: list[int] = []
    failures: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(services.invoice_month_run(month=MARCH, batch_size=2, deliver=False))
        except BaseException as exc:
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(runners)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert sum(results) == len(payments)
    assert InvoicePayment.objects.filter(amendment=False).count() == len(payments)
    assert sorted(TaxInvoice.objects.values_list("number", flat=True)) == [f"202603-{n:06d}" for n in range(1, 13)]
