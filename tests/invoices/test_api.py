"""Partner API of invoices (API.md): list, detail, PDF, merge requests; another partner's is a 404."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from bizshop.billing.models import Payment
from bizshop.invoices import services
from bizshop.invoices.models import InvoiceMergeRequest, TaxInvoice, TaxInvoiceLine
from bizshop.partners.models import Partner
from tests.factories import PASSWORD
from tests.helpers.api import ApiClient
from tests.helpers.invoices import kst

pytestmark = pytest.mark.django_db

MARCH = date(2026, 3, 1)
MERGE = "/api/v1/invoice-merge-requests/"


@pytest.fixture
def march_invoice(partner: Partner, pay: Callable[..., Payment]) -> TaxInvoice:
    payment = pay(partner, kst(2026, 3, 5, 9, 0), issued=True)
    services.invoice_month_run(month=MARCH)
    return TaxInvoice.objects.get(payment_links__payment_id=payment.pk)


def test_the_list_gives_the_contract_fields(api: ApiClient, march_invoice: TaxInvoice) -> None:
    response = api.get("/api/v1/invoices/")

    assert response.status_code == 200
    (item,) = response.json()["results"]
    assert {key: item[key] for key in ("id", "number", "kind", "write_date")} == {
        "id": march_invoice.pk,
        "number": march_invoice.number,
        "kind": "normal",
        "write_date": "2026-03-05",
    }
    assert (item["supply_amount"], item["vat_amount"], item["total_amount"]) == (160_000, 16_000, 176_000)
    assert item["payment_ids"] == list(march_invoice.payment_links.values_list("payment_id", flat=True))
    assert response.json()["next"] is None


def test_the_detail_has_lines_and_both_parties(api: ApiClient, march_invoice: TaxInvoice) -> None:
    body = api.get(f"/api/v1/invoices/{march_invoice.pk}/").json()

    assert body["number"] == march_invoice.number
    assert body["recipient_brn"] == api.partner.business_registration_number
    assert body["supplier_brn"] == march_invoice.supplier_brn
    assert [(line["quantity"], line["supply_amount"], line["vat_amount"]) for line in body["lines"]] == [
        (100, 160_000, 16_000)
    ]


def test_the_pdf_is_downloadable(api: ApiClient, march_invoice: TaxInvoice) -> None:
    response = api.get(f"/api/v1/invoices/{march_invoice.pk}/pdf/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert march_invoice.number in response["Content-Disposition"]


@pytest.mark.parametrize("suffix", ["", "pdf/"])
def test_another_partners_invoice_is_not_found(other_api: ApiClient, march_invoice: TaxInvoice, suffix: str) -> None:
    response = other_api.get(f"/api/v1/invoices/{march_invoice.pk}/{suffix}")

    assert (response.status_code, response.json()["error"]["code"]) == (404, "not_found")
    assert march_invoice.number not in response.content.decode()


def test_another_partner_lists_none_of_ours(other_api: ApiClient, march_invoice: TaxInvoice) -> None:
    assert other_api.get("/api/v1/invoices/").json()["results"] == []


@pytest.mark.usefixtures("march_merge_window")
def test_a_merge_request_is_created_with_201(api: ApiClient, partner: Partner, pay: Callable[..., Payment]) -> None:
    ids = [pay(partner, kst(2026, 3, d, 9, 0), issued=True).pk for d in (2, 5)]

    response = api.post(MERGE, {"payment_ids": ids})

    assert response.status_code == 201
    body = response.json()
    assert (body["month"], body["status"], body["payment_ids"], body["invoice_id"]) == (
        "2026-03",
        "accepted",
        sorted(ids),
        None,
    )


@pytest.mark.usefixtures("march_merge_window")
def test_a_merge_request_with_the_same_idempotency_key_is_made_once(
    api: ApiClient, partner: Partner, pay: Callable[..., Payment]
) -> None:
    ids = [pay(partner, kst(2026, 3, d, 9, 0), issued=True).pk for d in (2, 5)]

    first = api.post(MERGE, {"payment_ids": ids}, HTTP_IDEMPOTENCY_KEY="merge-1")
    second = api.post(MERGE, {"payment_ids": ids}, HTTP_IDEMPOTENCY_KEY="merge-1")

    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json() == second.json()
    assert InvoiceMergeRequest.objects.count() == 1


@pytest.mark.usefixtures("march_merge_window")
def test_a_merge_request_of_two_months_is_422_different_month(
    api: ApiClient, partner: Partner, pay: Callable[..., Payment]
) -> None:
    ids = [pay(partner, kst(2026, 3, 31, 23, 59, 59), issued=True).pk, pay(partner, kst(2026, 4, 1), issued=True).pk]

    response = api.post(MERGE, {"payment_ids": ids})

    assert (response.status_code, response.json()["error"]["code"]) == (422, "different_month")


@pytest.mark.usefixtures("march_merge_window")
def test_a_merge_request_after_the_run_is_422_request_window_closed(
    api: ApiClient, partner: Partner, pay: Callable[..., Payment]
) -> None:
    ids = [pay(partner, kst(2026, 3, d, 9, 0), issued=True).pk for d in (2, 5)]
    services.invoice_month_run(month=MARCH)

    response = api.post(MERGE, {"payment_ids": ids})

    assert (response.status_code, response.json()["error"]["code"]) == (422, "request_window_closed")


@pytest.mark.usefixtures("march_merge_window")
def test_a_merge_request_naming_another_partners_payment_is_404(
    api: ApiClient, other_api: ApiClient, pay: Callable[..., Payment]
) -> None:
    ours = pay(api.partner, kst(2026, 3, 2, 9, 0), issued=True)
    theirs = pay(other_api.partner, kst(2026, 3, 3, 9, 0), issued=True)

    response = api.post(MERGE, {"payment_ids": [ours.pk, theirs.pk]})

    assert (response.status_code, response.json()["error"]["code"]) == (404, "not_found")
    assert not InvoiceMergeRequest.objects.exists()


def test_a_merge_request_without_payment_ids_is_422_invalid_request(api: ApiClient) -> None:
    response = api.post(MERGE, {"payment_ids": []})

    assert (response.status_code, response.json()["error"]["code"]) == (422, "invalid_request")


def test_invoices_survive_withdrawal_unchanged_and_are_no_longer_shown(
    api: ApiClient, march_invoice: TaxInvoice
) -> None:
    payment_id = march_invoice.payment_links.get().payment_id
    before = TaxInvoice.objects.filter(pk=march_invoice.pk).values().get()
    lines_before = list(TaxInvoiceLine.objects.filter(invoice=march_invoice).values())

    response = api.post("/api/v1/partner/withdrawal/", {"password": PASSWORD})

    assert response.status_code == 204
    payment = Payment.objects.get(pk=payment_id)  # a tax record: kept, its order gone
    assert (payment.order_id, payment.amount) == (None, 176_000)
    assert TaxInvoice.objects.filter(pk=march_invoice.pk).values().get() == before
    assert list(TaxInvoiceLine.objects.filter(invoice=march_invoice).values()) == lines_before
    assert march_invoice.payment_links.get().payment_id == payment_id, "the once-only key stays"
    assert api.get("/api/v1/invoices/").status_code == 401
