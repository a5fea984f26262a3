"""견적서, 거래명세서, 영수증 PDFs: read back as text, with amounts and both registration numbers."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from bizshop.billing.models import Order
from tests.helpers.billing import order_in_state

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response
    from pytest_django import Settings

    from bizshop.catalog.models import Emoticon
    from tests.helpers.api import ApiClient

SHOP_BRN = "214-88-01232"  # settings.SHOP_BRN of the embedded demo


def pdf_text(response: Any) -> str:
    """The PDF's text with all whitespace removed: line breaks and letter spacing vary with layout."""
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    return re.sub(r"\s+", "", text)


def has(text: str, expected: str) -> bool:
    return re.sub(r"\s+", "", expected) in text


def quote(api: ApiClient, **params: Any) -> Response:
    query = "&".join(f"{name}={value}" for name, value in params.items())
    return api.get(f"/api/v1/quotes.pdf?{query}")


def test_the_quote_shows_amounts_both_parties_and_the_valid_until_date(api: ApiClient, emoticon: Emoticon) -> None:
    text = pdf_text(quote(api, emoticon_id=emoticon.pk, period_days=30, quantity=100))

    valid_until = timezone.localdate() + timedelta(days=14)
    for expected in (
        "견적서",
        emoticon.title,
        "30일",
        "1,600",
        "160,000",
        "16,000",
        "176,000",
        SHOP_BRN,
        api.partner.formatted_brn,
        api.partner.name,
        "(주)이모티콘비즈샵",
        f"{valid_until.year}년 {valid_until.month}월 {valid_until.day}일까지",
    ):
        assert has(text, expected), expected


def test_the_quote_uses_the_price_of_the_period_chosen(api: ApiClient, emoticon: Emoticon) -> None:
    text = pdf_text(quote(api, emoticon_id=emoticon.pk, period_days=60, quantity=1_000))

    assert all(has(text, amount) for amount in ("2,500", "2,500,000", "250,000", "2,750,000"))


def test_the_shop_details_come_from_settings(api: ApiClient, emoticon: Emoticon, settings: Settings) -> None:
    settings.SHOP_NAME = "(주)다른상점"
    settings.SHOP_BRN = "1058712345"

    text = pdf_text(quote(api, emoticon_id=emoticon.pk, period_days=30, quantity=100))

    assert has(text, "(주)다른상점") and has(text, "105-87-12345")


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"period_days": 45, "quantity": 100}, 422, "invalid_period"),
        ({"period_days": 30, "quantity": 99}, 422, "quantity_out_of_range"),
        ({"period_days": 30, "quantity": 1_000_001}, 422, "quantity_out_of_range"),
        ({"period_days": 30, "quantity": "many"}, 422, "invalid_request"),
        ({"period_days": 30}, 422, "invalid_request"),
    ],
    ids=["period", "too-few", "too-many", "not-a-number", "missing-quantity"],
)
def test_a_bad_quote_request_gets_the_error_code_order_creation_gives(
    api: ApiClient, emoticon: Emoticon, params: dict[str, Any], status: int, code: str
) -> None:
    quoted = quote(api, emoticon_id=emoticon.pk, **params)
    ordered = api.post("/api/v1/orders/", {"emoticon_id": emoticon.pk, **params})

    assert (quoted.status_code, quoted.json()["error"]["code"]) == (status, code)
    assert (ordered.status_code, ordered.json()["error"]["code"]) == (status, code)
    assert not Order.objects.exists()


def test_a_quote_for_an_emoticon_off_sale_is_emoticon_not_on_sale(api: ApiClient, emoticon: Emoticon) -> None:
    emoticon.on_sale = False
    emoticon.save()

    response = quote(api, emoticon_id=emoticon.pk, period_days=30, quantity=100)

    assert (response.status_code, response.json()["error"]["code"]) == (422, "emoticon_not_on_sale")


def test_a_quote_for_an_unknown_emoticon_is_emoticon_not_found(api: ApiClient, db: None) -> None:
    response = quote(api, emoticon_id=999_999, period_days=30, quantity=100)

    assert (response.status_code, response.json()["error"]["code"]) == (404, "emoticon_not_found")


def test_a_quote_needs_an_api_key(emoticon: Emoticon) -> None:
    response = Client().get(f"/api/v1/quotes.pdf?emoticon_id={emoticon.pk}&period_days=30&quantity=100")

    assert (response.status_code, response.json()["error"]["code"]) == (401, "not_authenticated")


def test_the_statement_of_a_paid_order_has_amounts_and_both_registration_numbers(
    api: ApiClient, paid_order: Order
) -> None:
    text = pdf_text(api.get(f"/api/v1/orders/{paid_order.pk}/statement.pdf"))

    for expected in ("거래명세서", "176,000", "160,000", "16,000", SHOP_BRN, api.partner.formatted_brn):
        assert has(text, expected), expected
    assert has(text, f"주문번호 {paid_order.pk}")


def test_the_receipt_of_a_card_order_shows_the_payment(api: ApiClient, paid_order: Order) -> None:
    text = pdf_text(api.get(f"/api/v1/orders/{paid_order.pk}/receipt.pdf"))

    payment = paid_order.payments.get()
    for expected in ("영수증", "176,000", "카드", payment.gateway_transaction_id, SHOP_BRN, api.partner.formatted_brn):
        assert has(text, expected), expected
    assert not has(text, "환불")


def test_the_receipt_of_a_virtual_account_order_shows_the_account(api: ApiClient, emoticon: Emoticon) -> None:
    order = order_in_state(api.partner, emoticon.pk, "paid_va")

    text = pdf_text(api.get(f"/api/v1/orders/{order.pk}/receipt.pdf"))

    assert has(text, "가상계좌") and has(text, order.payments.get().account_number)


def test_the_receipt_of_a_refunded_order_says_it_was_refunded(api: ApiClient, emoticon: Emoticon) -> None:
    order = order_in_state(api.partner, emoticon.pk, "refunded")

    text = pdf_text(api.get(f"/api/v1/orders/{order.pk}/receipt.pdf"))

    assert has(text, "환불 완료") and has(text, "176,000")


@pytest.mark.parametrize("document", ["statement", "receipt"])
@pytest.mark.parametrize("state", ["pending_payment", "awaiting_deposit", "cancelled", "expired"])
def test_documents_of_an_unpaid_order_are_invalid_state(
    api: ApiClient, emoticon: Emoticon, state: str, document: str
) -> None:
    order = order_in_state(api.partner, emoticon.pk, state)

    response = api.get(f"/api/v1/orders/{order.pk}/{document}.pdf")

    assert (response.status_code, response.json()["error"]["code"]) == (409, "invalid_state")


@pytest.mark.parametrize("document", ["statement", "receipt"])
def test_another_partners_documents_are_not_found(other_api: ApiClient, paid_order: Order, document: str) -> None:
    response = other_api.get(f"/api/v1/orders/{paid_order.pk}/{document}.pdf")

    assert (response.status_code, response.json()["error"]["code"]) == (404, "not_found")


def test_the_schema_documents_the_new_endpoints(db: None) -> None:
    import json

    schema = json.loads(Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").content)

    assert {
        "/api/v1/quotes.pdf",
        "/api/v1/orders/{order_id}/statement.pdf",
        "/api/v1/orders/{order_id}/receipt.pdf",
        "/api/v1/orders/{order_id}/events/",
    } <= set(schema["paths"])
    assert {p["name"] for p in schema["paths"]["/api/v1/quotes.pdf"]["get"]["parameters"]} == {
        "emoticon_id",
        "period_days",
        "quantity",
    }
