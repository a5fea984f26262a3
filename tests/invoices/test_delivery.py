"""Delivery: the PDF (read back), the e-mail after commit, and NTS transmission through the provider interface."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from datetime import date
from typing import TYPE_CHECKING

import pytest
from django.core import mail
from django.db import transaction
from pypdf import PdfReader

from bizshop.billing.models import Payment
from bizshop.invoices import amendments, delivery, services
from bizshop.invoices.models import InvoicePayment, TaxInvoice
from bizshop.invoices.pdf import invoice_pdf
from bizshop.invoices.transmitters import _load, get_transmitter
from bizshop.invoices.transmitters.base import NtsInvoice, TransmissionFailed, TransmissionReceipt
from bizshop.invoices.transmitters.fake import RecordingTransmitter
from bizshop.partners.models import Partner
from tests.helpers.invoices import cancel, kst

if TYPE_CHECKING:
    from pytest_django import DjangoCaptureOnCommitCallbacks, Settings

pytestmark = pytest.mark.django_db

MARCH = date(2026, 3, 1)


def _pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


class FailingTransmitter:
    name = "failing"

    def transmit(self, *, invoice: NtsInvoice) -> TransmissionReceipt:
        raise TransmissionFailed("provider down")


@pytest.fixture
def failing_transmitter(settings: Settings) -> Iterator[None]:
    settings.INVOICE_TRANSMITTER = "tests.invoices.test_delivery.FailingTransmitter"
    _load.cache_clear()
    yield
    _load.cache_clear()


def test_the_pdf_shows_number_both_registration_numbers_and_amounts(
    partner: Partner, pay: Callable[..., Payment], settings: Settings
) -> None:
    payment = pay(partner, kst(2026, 3, 5, 9, 0))
    services.invoice_month_run(month=MARCH)
    invoice = InvoicePayment.objects.get(payment=payment).invoice

    text = _pdf_text(invoice_pdf(invoice=invoice))

    assert invoice.number in text
    assert invoice.formatted_approval_number in text
    brn = partner.business_registration_number
    assert f"{brn[:3]}-{brn[3:5]}-{brn[5:]}" in text
    shop = settings.SHOP_BRN
    assert f"{shop[:3]}-{shop[3:5]}-{shop[5:]}" in text
    for amount in ("160,000", "16,000", "176,000"):
        assert amount in text
    assert "전자세금계산서" in text and "영수" in text and partner.name in text


def test_an_amended_invoices_pdf_says_so_with_negative_amounts(partner: Partner, pay: Callable[..., Payment]) -> None:
    payment = pay(partner, kst(2026, 3, 5, 9, 0))
    services.invoice_month_run(month=MARCH)
    cancel(payment, kst(2026, 4, 2, 9, 0))
    amended = amendments.invoice_amend_for_refund(payment_id=payment.pk, cancelled_at=kst(2026, 4, 2, 9, 0))
    assert amended is not None

    text = _pdf_text(invoice_pdf(invoice=amended))

    assert "수정세금계산서" in text and "계약의 해제" in text
    assert "-160,000" in text and "-176,000" in text
    assert amended.original is not None and amended.original.number in text


def test_each_invoice_is_emailed_with_its_pdf_to_the_invoice_address_after_commit(
    partner: Partner, pay: Callable[..., Payment], django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    pay(partner, kst(2026, 3, 2, 9, 0))
    pay(partner, kst(2026, 3, 5, 9, 0))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.invoice_month_run(month=MARCH)

    assert len(callbacks) == 1, "one delivery task per committed batch"
    assert len(mail.outbox) == 2
    numbers = sorted(TaxInvoice.objects.values_list("number", flat=True))
    for message, number in zip(sorted(mail.outbox, key=lambda m: m.subject), numbers, strict=True):
        assert message.to == [partner.invoice_email]
        assert number in message.subject and "세금계산서" in message.subject
        ((filename, content, mimetype),) = message.attachments
        assert (filename, mimetype) == (f"tax-invoice-{number}.pdf", "application/pdf")
        assert number in _pdf_text(content)
    assert not TaxInvoice.objects.filter(emailed_at=None).exists()


def test_nothing_is_emailed_when_the_transaction_rolls_back(
    partner: Partner, pay: Callable[..., Payment], django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    payment = pay(partner, kst(2026, 3, 5, 9, 0))
    services.invoice_month_run(month=MARCH)
    cancel(payment, kst(2026, 4, 2, 9, 0))

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        amendments.invoice_amend_for_refund(payment_id=payment.pk, cancelled_at=kst(2026, 4, 2, 9, 0))
        raise RuntimeError("the refund failed after the amendment")

    assert mail.outbox == []
    assert TaxInvoice.objects.count() == 1


def test_each_invoice_is_transmitted_once_to_the_nts_through_the_provider(
    partner: Partner, pay: Callable[..., Payment], django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    pay(partner, kst(2026, 3, 5, 9, 0))
    with django_capture_on_commit_callbacks(execute=True):
        services.invoice_month_run(month=MARCH)
    invoice = TaxInvoice.objects.get()

    delivery.invoice_deliver(invoice_id=invoice.pk)  # a second delivery sends nothing again

    assert isinstance(get_transmitter(), RecordingTransmitter)
    (sent,) = RecordingTransmitter.sent
    assert (sent.invoice_number, sent.approval_number, sent.total_amount) == (
        invoice.number,
        invoice.approval_number,
        176_000,
    )
    assert (sent.supplier.registration_number, sent.recipient.registration_number) == (
        invoice.supplier_brn,
        partner.business_registration_number,
    )
    invoice.refresh_from_db()
    assert invoice.transmitted_at is not None and invoice.transmission_id == f"rec-{invoice.approval_number}"
    assert len(mail.outbox) == 1


def test_a_failed_transmission_is_retried_by_the_sweep_without_a_second_email(
    partner: Partner,
    pay: Callable[..., Payment],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
    failing_transmitter: None,
    settings: Settings,
) -> None:
    from datetime import timedelta

    pay(partner, kst(2026, 3, 5, 9, 0))
    with django_capture_on_commit_callbacks(execute=True):
        services.invoice_month_run(month=MARCH)
    invoice = TaxInvoice.objects.get()
    assert (invoice.transmitted_at, len(mail.outbox)) == (None, 1)

    settings.INVOICE_TRANSMITTER = "bizshop.invoices.transmitters.fake.RecordingTransmitter"
    assert delivery.invoice_deliver_pending(older_than=timedelta(0)) == 1

    invoice.refresh_from_db()
    assert invoice.transmitted_at is not None
    assert [sent.invoice_number for sent in RecordingTransmitter.sent] == [invoice.number]
    assert len(mail.outbox) == 1
