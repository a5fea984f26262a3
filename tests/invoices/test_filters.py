"""GET /api/v1/invoices/ filters: by kind, by write date and by supply month."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from bizshop.billing.models import Payment
from bizshop.invoices import amendments, services
from bizshop.invoices.models import TaxInvoice
from bizshop.partners.models import Partner
from tests.helpers.api import ApiClient
from tests.helpers.invoices import cancel, kst

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoices(partner: Partner, pay: Callable[..., Payment]) -> dict[str, TaxInvoice]:
    """Invoices of 2 and 20 March, one of 5 April, and the amendment of the 2 March one (dated 3 May)."""
    early, late = pay(partner, kst(2026, 3, 2, 10, 0)), pay(partner, kst(2026, 3, 20, 10, 0))
    april = pay(partner, kst(2026, 4, 5, 10, 0))
    services.invoice_month_run(month=date(2026, 3, 1))
    services.invoice_month_run(month=date(2026, 4, 1))
    cancel(early, kst(2026, 5, 3, 10, 0))
    amended = amendments.invoice_amend_for_refund(payment_id=early.pk, cancelled_at=kst(2026, 5, 3, 10, 0))
    assert amended is not None
    by_payment = {
        p: TaxInvoice.objects.get(payment_links__payment_id=p.pk, kind="normal") for p in (early, late, april)
    }
    return {"early": by_payment[early], "late": by_payment[late], "april": by_payment[april], "amended": amended}


def numbers(response: Any) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["number"] for item in response.json()["results"]}


def test_invoices_are_filtered_by_kind(api: ApiClient, invoices: dict[str, TaxInvoice]) -> None:
    assert numbers(api.get("/api/v1/invoices/?kind=amended")) == {invoices["amended"].number}
    assert numbers(api.get("/api/v1/invoices/?kind=normal")) == {
        invoices[name].number for name in ("early", "late", "april")
    }


def test_invoices_are_filtered_by_write_date_both_ends_included(
    api: ApiClient, invoices: dict[str, TaxInvoice]
) -> None:
    response = api.get("/api/v1/invoices/?write_date_from=2026-03-02&write_date_to=2026-04-05")

    assert numbers(response) == {invoices[name].number for name in ("early", "late", "april")}
    assert numbers(api.get("/api/v1/invoices/?write_date_from=2026-05-01")) == {invoices["amended"].number}


def test_invoices_are_filtered_by_supply_month(api: ApiClient, invoices: dict[str, TaxInvoice]) -> None:
    # The amendment belongs to the month of the supply it cancels.
    assert numbers(api.get("/api/v1/invoices/?supply_month=2026-03-01")) == {
        invoices[name].number for name in ("early", "late", "amended")
    }


def test_a_filter_never_reaches_another_partners_invoices(
    other_api: ApiClient, invoices: dict[str, TaxInvoice]
) -> None:
    assert numbers(other_api.get("/api/v1/invoices/?kind=normal")) == set()


def test_an_unknown_kind_is_422_invalid_request(api: ApiClient) -> None:
    response = api.get("/api/v1/invoices/?kind=draft")

    assert (response.status_code, response.json()["error"]["code"]) == (422, "invalid_request")
