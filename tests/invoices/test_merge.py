"""Merged issuance (병합 발행): requests, each refusal with its own code, and the merged invoice."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

import pytest
import time_machine
from django.db import connection

from bizshop.billing.models import Payment
from bizshop.core.errors import ApplicationError
from bizshop.invoices import services
from bizshop.invoices.models import (
    InvoiceKind,
    InvoiceMergeRequest,
    InvoiceMergeRequestPayment,
    InvoiceMonth,
    InvoicePayment,
    MergeRequestStatus,
    TaxInvoice,
)
from bizshop.partners.models import Partner, PartnerChange
from tests.factories import VALID_BRNS, EmoticonFactory
from tests.helpers.invoices import kst

if TYPE_CHECKING:
    from pytest_django import Settings

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("march_merge_window")]

MARCH = date(2026, 3, 1)


def _refusal(partner: Partner, payment_ids: list[int]) -> ApplicationError:
    with pytest.raises(ApplicationError) as caught:
        services.invoice_merge_request_create(partner=partner, payment_ids=payment_ids)
    assert not InvoiceMergeRequest.objects.exists(), "a refused request leaves nothing behind"
    return caught.value


@pytest.fixture
def two_issued_march_payments(partner: Partner, pay: Callable[..., Payment]) -> list[Payment]:
    return [pay(partner, kst(2026, 3, 2, 10, 0), issued=True), pay(partner, kst(2026, 3, 5, 15, 0), issued=True)]


def test_merged_payments_of_176000_each_give_one_invoice_of_320000_plus_32000(
    partner: Partner, two_issued_march_payments: list[Payment]
) -> None:
    ids = [p.pk for p in two_issued_march_payments]
    request = services.invoice_merge_request_create(partner=partner, payment_ids=ids)

    assert services.invoice_month_run(month=MARCH) == 1

    (invoice,) = TaxInvoice.objects.all()
    assert (invoice.kind, invoice.supply_amount, invoice.vat_amount, invoice.total_amount) == (
        InvoiceKind.MERGED,
        320_000,
        32_000,
        352_000,
    )
    assert sorted(invoice.payment_links.values_list("payment_id", flat=True)) == sorted(ids)
    assert invoice.lines.count() == 2
    request.refresh_from_db()
    assert (request.status, request.invoice_id) == (MergeRequestStatus.ISSUED, invoice.pk)


def test_a_merged_invoice_is_dated_the_last_day_of_its_month(
    partner: Partner, two_issued_march_payments: list[Payment]
) -> None:
    services.invoice_merge_request_create(partner=partner, payment_ids=[p.pk for p in two_issued_march_payments])

    services.invoice_month_run(month=MARCH)

    (invoice,) = TaxInvoice.objects.all()
    assert invoice.write_date == date(2026, 3, 31)
    assert [line.supply_date for line in invoice.lines.order_by("position")] == [date(2026, 3, 2), date(2026, 3, 5)]


def test_merged_vat_is_the_sum_of_each_line_vat_rounded_down_not_10_percent_of_the_summed_supply(
    partner: Partner, pay: Callable[..., Payment]
) -> None:
    odd = EmoticonFactory(prices={30: 1_605, 60: 2_500})
    # 1,605 × 101 = 162,105 → VAT 16,210 (16,210.5 rounded down) per line; 10% of 324,210 would be 32,421.
    payments = [pay(partner, kst(2026, 3, d, 9, 0), quantity=101, emoticon_id=odd.pk, issued=True) for d in (3, 4)]
    services.invoice_merge_request_create(partner=partner, payment_ids=[p.pk for p in payments])

    services.invoice_month_run(month=MARCH)

    (invoice,) = TaxInvoice.objects.all()
    assert (invoice.supply_amount, invoice.vat_amount, invoice.total_amount) == (324_210, 32_420, 356_630)
    assert invoice.total_amount == sum(p.amount for p in payments), "the invoice equals the money received"


def test_payments_not_in_the_request_still_get_their_own_invoice(
    partner: Partner, two_issued_march_payments: list[Payment], pay: Callable[..., Payment]
) -> None:
    alone = pay(partner, kst(2026, 3, 9, 9, 0))
    services.invoice_merge_request_create(partner=partner, payment_ids=[p.pk for p in two_issued_march_payments])

    assert services.invoice_month_run(month=MARCH) == 2

    link = InvoicePayment.objects.get(payment=alone, amendment=False)
    assert link.invoice.kind == InvoiceKind.NORMAL


def test_payments_of_two_months_are_refused_as_different_month(partner: Partner, pay: Callable[..., Payment]) -> None:
    march = pay(partner, kst(2026, 3, 31, 23, 59, 59), issued=True)
    april = pay(partner, kst(2026, 4, 1, 0, 0), issued=True)

    assert _refusal(partner, [march.pk, april.pk]).code == "different_month"


def test_payments_made_under_two_registration_numbers_are_refused_as_different_business(
    partner: Partner, pay: Callable[..., Payment]
) -> None:
    before = pay(partner, kst(2026, 3, 2, 9, 0), issued=True)
    after = pay(partner, kst(2026, 3, 20, 9, 0), issued=True)
    # An operator corrected the registration number on 10 March; the history keeps the old one.
    old_number = next(n for n in VALID_BRNS if n != partner.business_registration_number)
    change = PartnerChange.objects.create(
        partner=partner,
        before={"business_registration_number": old_number},
        after={"business_registration_number": partner.business_registration_number},
    )
    PartnerChange.objects.filter(pk=change.pk).update(changed_at=kst(2026, 3, 10, 9, 0))

    error = _refusal(partner, [before.pk, after.pk])

    assert error.code == "different_business"
    assert error.details["business_registration_numbers"] == sorted([old_number, partner.business_registration_number])


def test_a_payment_whose_codes_are_not_all_issued_is_refused(partner: Partner, pay: Callable[..., Payment]) -> None:
    issued = pay(partner, kst(2026, 3, 2, 9, 0), issued=True)
    unissued = pay(partner, kst(2026, 3, 5, 9, 0))

    error = _refusal(partner, [issued.pk, unissued.pk])

    assert error.code == "codes_not_fully_issued"
    assert error.details["order_ids"] == [unissued.order_id]


def test_a_payment_already_in_a_merge_request_is_refused_as_already_invoiced(
    partner: Partner, two_issued_march_payments: list[Payment], pay: Callable[..., Payment]
) -> None:
    third = pay(partner, kst(2026, 3, 9, 9, 0), issued=True)
    services.invoice_merge_request_create(partner=partner, payment_ids=[p.pk for p in two_issued_march_payments])

    with pytest.raises(ApplicationError) as caught:
        services.invoice_merge_request_create(partner=partner, payment_ids=[two_issued_march_payments[0].pk, third.pk])

    assert caught.value.code == "already_invoiced"
    assert InvoiceMergeRequest.objects.count() == 1


def test_an_invoiced_payment_is_refused_as_already_invoiced_even_if_its_month_were_reopened(
    partner: Partner, pay: Callable[..., Payment]
) -> None:
    invoiced = pay(partner, kst(2026, 3, 10, 9, 0), issued=True)
    other = pay(partner, kst(2026, 3, 11, 9, 0), issued=True)
    services.invoice_month_run(month=MARCH)
    # An operator reopening the month must not let an invoiced payment be invoiced again.
    InvoiceMonth.objects.filter(month=MARCH).update(run_started_at=None)

    assert _refusal(partner, [invoiced.pk, other.pk]).code == "already_invoiced"


def test_requests_close_when_the_run_of_the_month_starts(
    partner: Partner, two_issued_march_payments: list[Payment]
) -> None:
    services.invoice_month_run(month=date(2026, 3, 1))

    error = _refusal(partner, [p.pk for p in two_issued_march_payments])

    assert error.code == "request_window_closed"
    assert error.details["month"] == "2026-03"


def test_another_partners_payment_is_not_found(
    partner: Partner, other_partner: Partner, pay: Callable[..., Payment]
) -> None:
    ours = pay(partner, kst(2026, 3, 2, 9, 0), issued=True)
    theirs = pay(other_partner, kst(2026, 3, 3, 9, 0), issued=True)

    error = _refusal(partner, [ours.pk, theirs.pk])

    assert (error.code, error.status) == ("not_found", 404)
    assert error.details == {"payment_ids": [theirs.pk]}


def test_a_single_payment_is_refused_as_too_few(partner: Partner, two_issued_march_payments: list[Payment]) -> None:
    payment = two_issued_march_payments[0]

    assert _refusal(partner, [payment.pk, payment.pk]).code == "too_few_payments"


def test_a_cancelled_payment_is_refused_as_not_approved(partner: Partner, pay: Callable[..., Payment]) -> None:
    from tests.helpers.invoices import cancel

    first = pay(partner, kst(2026, 3, 2, 9, 0))
    second = pay(partner, kst(2026, 3, 3, 9, 0))
    cancel(first, kst(2026, 3, 4, 9, 0))
    Payment.objects.filter(pk=first.pk).update(approved_at=None)

    assert _refusal(partner, [first.pk, second.pk]).code == "payment_not_approved"


@pytest.mark.django_db(transaction=True)
def test_a_request_racing_the_run_is_either_merged_or_refused_never_lost(
    partner: Partner, pay: Callable[..., Payment]
) -> None:
    payments = [pay(partner, kst(2026, 3, d, 9, 0), issued=True) for d in (2, 5)]
    barrier = threading.Barrier(2)
    outcome: dict[str, Any] = {}

    def request() -> None:
        barrier.wait()
        try:
            services.invoice_merge_request_create(partner=partner, payment_ids=[p.pk for p in payments])
            outcome["request"] = "accepted"
        except ApplicationError as exc:
            outcome["request"] = exc.code
        finally:
            connection.close()

    def run() -> None:
        barrier.wait()
        try:
            outcome["run"] = services.invoice_month_run(month=MARCH, deliver=False)
        finally:
            connection.close()

    threads = [threading.Thread(target=request), threading.Thread(target=run)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    kinds = sorted(TaxInvoice.objects.values_list("kind", flat=True))
    if outcome["request"] == "accepted":
        assert kinds == [InvoiceKind.MERGED]
    else:
        assert outcome["request"] == "request_window_closed"
        assert kinds == [InvoiceKind.NORMAL, InvoiceKind.NORMAL]
        assert not InvoiceMergeRequestPayment.objects.exists()
    assert InvoicePayment.objects.count() == 2


def test_requests_close_at_the_scheduled_run_even_if_the_run_is_late(
    partner: Partner, two_issued_march_payments: list[Payment]
) -> None:
    with time_machine.travel(kst(2026, 4, 5, 0, 5), tick=False):
        refusal = _refusal(partner, [p.pk for p in two_issued_march_payments])

    assert refusal.code == "request_window_closed"
    assert refusal.details["deadline"] == "2026-04-05T00:05:00+09:00"


def test_requests_are_taken_until_a_minute_before_the_scheduled_run(
    partner: Partner, two_issued_march_payments: list[Payment]
) -> None:
    with time_machine.travel(kst(2026, 4, 5, 0, 4), tick=False):
        services.invoice_merge_request_create(partner=partner, payment_ids=[p.pk for p in two_issued_march_payments])

    assert InvoiceMergeRequest.objects.filter(partner=partner, month=MARCH).count() == 1


def test_the_run_day_is_a_setting(
    settings: Settings, partner: Partner, two_issued_march_payments: list[Payment]
) -> None:
    settings.INVOICE_RUN_DAY = 10
    with time_machine.travel(kst(2026, 4, 9, 23, 0), tick=False):
        services.invoice_merge_request_create(partner=partner, payment_ids=[p.pk for p in two_issued_march_payments])

    assert InvoiceMergeRequest.objects.count() == 1
