"""마이페이지 › 세금계산서: the list, the PDF download and the merge-request form, for partner members only."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from bizshop.billing.models import Payment
from bizshop.invoices import services
from bizshop.invoices.models import InvoiceMergeRequest, TaxInvoice
from bizshop.partners.models import Member, Partner
from tests.factories import MemberFactory, UserFactory
from tests.helpers.invoices import kst
from tests.helpers.sessions import signed_in

pytestmark = pytest.mark.django_db

MARCH = date(2026, 3, 1)


@pytest.fixture
def partner(member: Member) -> Partner:
    """The partner of the root conftest's ``member`` (signed in as ``member_client``)."""
    return member.partner


@pytest.fixture
def invoice(partner: Partner, pay: Callable[..., Payment]) -> TaxInvoice:
    pay(partner, kst(2026, 3, 5, 9, 0))
    services.invoice_month_run(month=MARCH)
    return TaxInvoice.objects.get()


def test_the_invoice_page_lists_the_partners_invoices(member_client: Client, invoice: TaxInvoice) -> None:
    response = member_client.get("/mypage/invoices/")

    assertContains(response, "세금계산서")
    assertContains(response, invoice.number)
    assertContains(response, "176,000원")
    assertContains(response, reverse("invoices:invoice-pdf", args=[invoice.pk]))


def test_the_pdf_downloads_from_the_portal(member_client: Client, invoice: TaxInvoice) -> None:
    response = member_client.get(reverse("invoices:invoice-pdf", args=[invoice.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_another_partners_member_sees_neither_the_invoice_nor_its_pdf(invoice: TaxInvoice) -> None:
    other = signed_in(MemberFactory())

    assertNotContains(other.get("/mypage/invoices/"), invoice.number)
    assert other.get(reverse("invoices:invoice-pdf", args=[invoice.pk])).status_code == 404


def test_a_signed_in_end_user_gets_404_and_a_visitor_is_sent_to_login(invoice: TaxInvoice) -> None:
    end_user = signed_in(UserFactory())

    assert end_user.get("/mypage/invoices/").status_code == 404
    assert Client().get("/mypage/invoices/").status_code == 302


@pytest.mark.usefixtures("march_merge_window")
def test_the_merge_form_accepts_issued_payments_of_one_month(
    partner: Partner, member_client: Client, pay: Callable[..., Payment]
) -> None:
    ids = [pay(partner, kst(2026, 3, d, 9, 0), issued=True).pk for d in (2, 5)]
    page = member_client.get(reverse("invoices:merge-request"))
    for pid in ids:
        assertContains(page, f'value="{pid}"')

    response = member_client.post(reverse("invoices:merge-request"), {"payment_ids": ids}, follow=True)

    assertContains(response, "병합 발행 신청이 접수되었습니다")
    request = InvoiceMergeRequest.objects.get()
    assert sorted(request.payment_links.values_list("payment_id", flat=True)) == sorted(ids)


@pytest.mark.usefixtures("march_merge_window")
def test_the_merge_form_shows_the_refusal_in_korean(
    partner: Partner, member_client: Client, pay: Callable[..., Payment]
) -> None:
    issued = pay(partner, kst(2026, 3, 2, 9, 0), issued=True).pk
    unissued = pay(partner, kst(2026, 3, 5, 9, 0)).pk

    response = member_client.post(reverse("invoices:merge-request"), {"payment_ids": [issued, unissued]})

    assert response.status_code == 200
    assertContains(response, "일련번호가 모두 발급된 주문의 결제만 병합 발행할 수 있습니다.")
    assert not InvoiceMergeRequest.objects.exists()
