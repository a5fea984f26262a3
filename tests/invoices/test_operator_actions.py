"""Operators and tax invoices in the admin: the billing group reads them and their PDF, also
after the partner withdrew, and resends the e-mail (재발송), audited."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

import pytest
from django.core import mail
from django.test import Client
from pypdf import PdfReader

from bizshop.backoffice.management.commands.setup_operator_groups import BILLING, CATALOG_MANAGER
from bizshop.backoffice.models import OperatorAction
from bizshop.billing.models import Payment
from bizshop.core.errors import ApplicationError
from bizshop.invoices import delivery, services
from bizshop.invoices.models import TaxInvoice
from bizshop.partners.models import Partner
from bizshop.partners.services import partner_update
from tests.factories import PASSWORD
from tests.helpers.api import ApiClient
from tests.helpers.invoices import kst
from tests.helpers.sessions import signed_in

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response
    from pytest_django import DjangoCaptureOnCommitCallbacks

    from bizshop.accounts.models import User

pytestmark = pytest.mark.django_db

ADMIN = "/admin/invoices/taxinvoice/"


@pytest.fixture
def invoice(partner: Partner, pay: Callable[..., Payment]) -> TaxInvoice:
    payment = pay(partner, kst(2026, 3, 5, 9, 0), issued=True)  # nothing left to block withdrawal
    services.invoice_month_run(month=date(2026, 3, 1), deliver=False)
    return TaxInvoice.objects.get(payment_links__payment_id=payment.pk)


@pytest.fixture
def billing_staff(make_operator: Callable[..., User]) -> User:
    return make_operator(BILLING)


def resend(client: Client, invoice: TaxInvoice) -> Response:
    return client.post(
        ADMIN, {"action": "resend_email", "_selected_action": [str(invoice.pk)], "index": "0"}, follow=True
    )


def test_an_operator_resends_an_invoice_email_with_its_pdf(
    invoice: TaxInvoice, billing_staff: User, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = resend(signed_in(billing_staff), invoice)

    (message,) = mail.outbox
    assert message.to == [invoice.recipient_email]
    assert invoice.number in message.subject
    ((filename, content, _),) = message.attachments
    assert filename == f"tax-invoice-{invoice.number}.pdf"
    assert invoice.number in "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "다시 보냅니다" in response.content.decode()


def test_the_resend_goes_to_the_partners_current_invoice_address(
    api: ApiClient,
    invoice: TaxInvoice,
    billing_staff: User,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    partner_update(partner=api.partner, user=api.partner.members.get().user, invoice_email="new-tax@partner.kr")

    with django_capture_on_commit_callbacks(execute=True):
        address = delivery.invoice_email_resend(invoice_id=invoice.pk, operator=billing_staff)

    assert address == "new-tax@partner.kr"
    assert [m.to for m in mail.outbox] == [["new-tax@partner.kr"]]


def test_a_resend_is_in_the_operator_audit_log(invoice: TaxInvoice, billing_staff: User) -> None:
    delivery.invoice_email_resend(invoice_id=invoice.pk, operator=billing_staff)

    action = OperatorAction.objects.get()
    assert (action.operator, action.kind, action.target_type, action.target_id) == (
        billing_staff,
        OperatorAction.Kind.INVOICE_EMAIL_RESENT,
        "invoices.taxinvoice",
        str(invoice.pk),
    )
    assert action.data == {"number": invoice.number, "partner_id": invoice.partner_id, "to": invoice.recipient_email}


def test_nothing_is_sent_before_the_audit_row_commits(
    invoice: TaxInvoice, billing_staff: User, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        delivery.invoice_email_resend(invoice_id=invoice.pk, operator=billing_staff)

    assert mail.outbox == [] and len(callbacks) == 1


def test_staff_without_the_permission_cannot_resend(invoice: TaxInvoice, make_operator: Callable[..., User]) -> None:
    catalog_manager = make_operator(CATALOG_MANAGER)

    with pytest.raises(ApplicationError) as refused:
        delivery.invoice_email_resend(invoice_id=invoice.pk, operator=catalog_manager)

    assert refused.value.code == "permission_denied"
    assert resend(signed_in(catalog_manager), invoice).status_code == 403
    assert not OperatorAction.objects.exists() and mail.outbox == []


def test_the_invoice_of_a_withdrawn_partner_is_still_retrievable_by_an_operator(
    api: ApiClient,
    invoice: TaxInvoice,
    billing_staff: User,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    assert api.post("/api/v1/partner/withdrawal/", {"password": PASSWORD}).status_code == 204
    client = signed_in(billing_staff)

    listed = client.get(ADMIN, {"q": invoice.recipient_brn})
    detail = client.get(f"{ADMIN}{invoice.pk}/change/")
    pdf = client.get(f"{ADMIN}{invoice.pk}/pdf/")
    with django_capture_on_commit_callbacks(execute=True):
        address = delivery.invoice_email_resend(invoice_id=invoice.pk, operator=billing_staff)

    assert listed.status_code == 200 and invoice.number in listed.content.decode()
    assert detail.status_code == 200 and invoice.recipient_name in detail.content.decode()
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert invoice.number in text and "176,000" in text
    assert address == invoice.recipient_email, "a withdrawn partner's copy goes to the address on the invoice"


def test_the_pdf_is_for_operators_who_may_see_invoices(invoice: TaxInvoice, make_operator: Callable[..., User]) -> None:
    catalog_manager = signed_in(make_operator(CATALOG_MANAGER))

    assert catalog_manager.get(f"{ADMIN}{invoice.pk}/pdf/").status_code in (403, 404)
    assert Client().get(f"{ADMIN}{invoice.pk}/pdf/").status_code == 302  # to the admin login
