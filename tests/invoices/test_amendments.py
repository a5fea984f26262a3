"""Amendments (수정세금계산서, 계약의 해제): a refund after invoicing gives a negative invoice."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date

import pytest
import time_machine
from django.db import connection, transaction
from django.db.models import Sum

from bizshop.billing.models import Payment
from bizshop.core.errors import ApplicationError
from bizshop.invoices import amendments, services
from bizshop.invoices.models import InvoiceKind, InvoicePayment, TaxInvoice
from bizshop.partners.models import Partner
from tests.helpers.invoices import cancel, kst

pytestmark = pytest.mark.django_db

MARCH = date(2026, 3, 1)


@pytest.fixture
def invoiced_payment(partner: Partner, pay: Callable[..., Payment]) -> Payment:
    payment = pay(partner, kst(2026, 3, 5, 9, 0))
    services.invoice_month_run(month=MARCH)
    return payment


def test_a_refund_after_invoicing_gives_a_negative_invoice_dated_the_cancellation_day(
    invoiced_payment: Payment,
) -> None:
    original = InvoicePayment.objects.get(payment=invoiced_payment, amendment=False).invoice
    cancelled_at = kst(2026, 4, 3, 0, 30)  # 2 April 15:30 UTC: the cancellation day is 3 April in Seoul
    cancel(invoiced_payment, cancelled_at)

    amended = amendments.invoice_amend_for_refund(payment_id=invoiced_payment.pk, cancelled_at=cancelled_at)

    assert amended is not None
    assert (amended.kind, amended.original_id, amended.amendment_reason) == (
        InvoiceKind.AMENDED,
        original.pk,
        "계약의 해제",
    )
    assert (amended.supply_amount, amended.vat_amount, amended.total_amount) == (-160_000, -16_000, -176_000)
    assert amended.write_date == date(2026, 4, 3)
    assert amended.number == "202604-000001"
    assert amended.supply_month == MARCH
    (line,) = amended.lines.all()
    assert (line.quantity, line.supply_amount, line.vat_amount) == (-100, -160_000, -16_000)
    assert (amended.recipient_brn, amended.recipient_name) == (original.recipient_brn, original.recipient_name)
    assert list(amended.payment_links.values_list("payment_id", "amendment")) == [(invoiced_payment.pk, True)]


def test_the_partners_invoices_of_a_refunded_month_net_out_to_zero(partner: Partner, invoiced_payment: Payment) -> None:
    cancel(invoiced_payment, kst(2026, 4, 3, 10, 0))
    amendments.invoice_amend_for_refund(payment_id=invoiced_payment.pk, cancelled_at=kst(2026, 4, 3, 10, 0))

    totals = TaxInvoice.objects.filter(partner=partner, supply_month=MARCH).aggregate(
        supply=Sum("supply_amount"), vat=Sum("vat_amount"), total=Sum("total_amount")
    )

    assert totals == {"supply": 0, "vat": 0, "total": 0}
    assert TaxInvoice.objects.filter(partner=partner).count() == 2


def test_amending_twice_returns_the_same_amendment(invoiced_payment: Payment) -> None:
    cancel(invoiced_payment, kst(2026, 4, 3, 10, 0))
    first = amendments.invoice_amend_for_refund(payment_id=invoiced_payment.pk, cancelled_at=kst(2026, 4, 3, 10, 0))

    second = amendments.invoice_amend_for_refund(payment_id=invoiced_payment.pk, cancelled_at=kst(2026, 4, 4, 10, 0))

    assert first is not None and second is not None and first.pk == second.pk
    assert TaxInvoice.objects.filter(kind=InvoiceKind.AMENDED).count() == 1


def test_an_approved_payment_is_not_amended(invoiced_payment: Payment) -> None:
    with pytest.raises(ApplicationError) as caught:
        amendments.invoice_amend_for_refund(payment_id=invoiced_payment.pk, cancelled_at=kst(2026, 4, 3, 10, 0))

    assert caught.value.code == "invalid_state"
    assert not TaxInvoice.objects.filter(kind=InvoiceKind.AMENDED).exists()


def test_an_unknown_payment_gives_no_amendment(db: None) -> None:
    assert amendments.invoice_amend_for_refund(payment_id=987_654, cancelled_at=kst(2026, 4, 3, 10, 0)) is None


def test_a_cancelled_payment_that_was_invoiced_is_not_invoiced_again_by_a_rerun(invoiced_payment: Payment) -> None:
    cancel(invoiced_payment, kst(2026, 4, 3, 10, 0))
    amendments.invoice_amend_for_refund(payment_id=invoiced_payment.pk, cancelled_at=kst(2026, 4, 3, 10, 0))

    assert services.invoice_month_run(month=MARCH) == 0
    assert TaxInvoice.objects.count() == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_a_refund_racing_the_run_never_leaves_an_invoice_without_its_amendment(
    partner: Partner, pay: Callable[..., Payment], attempt: int
) -> None:
    payments = [pay(partner, kst(2026, 3, day, 9, 0)) for day in range(1, 9)]
    refunded = payments[attempt * 3]
    barrier = threading.Barrier(2)
    failures: list[BaseException] = []

    def refund() -> None:
        try:
            barrier.wait()
            with transaction.atomic():  # what the billing refund does, in one transaction
                Payment.objects.select_for_update().filter(pk=refunded.pk).update(
                    status="cancelled", cancelled_at=kst(2026, 4, 1, 0, 1)
                )
                amendments.invoice_amend_for_refund(payment_id=refunded.pk, cancelled_at=kst(2026, 4, 1, 0, 1))
        except BaseException as exc:
            failures.append(exc)
        finally:
            connection.close()

    def run() -> None:
        try:
            barrier.wait()
            services.invoice_month_run(month=MARCH, batch_size=2, deliver=False)
        except BaseException as exc:
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=refund), threading.Thread(target=run)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    invoiced = InvoicePayment.objects.filter(payment=refunded, amendment=False).exists()
    amended = InvoicePayment.objects.filter(payment=refunded, amendment=True).exists()
    assert invoiced == amended, "invoiced and then amended, or never invoiced at all"
    assert InvoicePayment.objects.filter(amendment=False).exclude(payment=refunded).count() == len(payments) - 1
    net = TaxInvoice.objects.filter(partner=partner).aggregate(total=Sum("total_amount"))["total"]
    assert net == 176_000 * (len(payments) - 1)


@pytest.mark.usefixtures("march_merge_window")
def test_the_seed_example_two_payments_merged_then_one_cancelled_gives_minus_176000_against_the_merged_invoice(
    partner: Partner, pay: Callable[..., Payment]
) -> None:
    first, second = (pay(partner, kst(2026, 3, day, 9, 0), issued=True) for day in (2, 5))
    services.invoice_merge_request_create(partner=partner, payment_ids=[first.pk, second.pk])
    with time_machine.travel(kst(2026, 4, 5, 0, 5), tick=False):
        services.invoice_month_run(month=MARCH)
    merged = TaxInvoice.objects.get(kind=InvoiceKind.MERGED)
    assert merged.total_amount == 352_000
    # No refund reaches this (a refund needs no code issued, a merge every code issued; the order
    # table's check forbids a refunded order with codes): the amendment service itself is driven
    # with the payment cancelled, and amends the merged invoice for that payment's line only.
    Payment.objects.filter(pk=second.pk).update(status="cancelled", cancelled_at=kst(2026, 4, 20, 10, 0))

    amended = amendments.invoice_amend_for_refund(payment_id=second.pk, cancelled_at=kst(2026, 4, 20, 10, 0))

    assert amended is not None
    assert (amended.original_id, amended.total_amount, amended.write_date) == (merged.pk, -176_000, date(2026, 4, 20))
    assert list(amended.lines.values_list("payment_id", flat=True)) == [second.pk]
