"""The order page in the portal: document downloads and the event log, for the order's partner only."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client
from pypdf import PdfReader

from bizshop.partners.models import Member
from tests.factories import MemberFactory
from tests.helpers.billing import order_in_state
from tests.helpers.sessions import signed_in

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

    from bizshop.catalog.models import Emoticon


def page(client: Client, order: Any) -> str:
    response = client.get(f"/mypage/orders/{order.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def pdf_text(response: Any) -> str:
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages).replace(" ", "")


def test_a_paid_order_page_links_the_statement_and_the_receipt(
    member: Member, member_client: Client, emoticon: Emoticon
) -> None:
    order = order_in_state(member.partner, emoticon.pk, "paid_card")

    html = page(member_client, order)

    assert f'href="/mypage/orders/{order.pk}/statement.pdf"' in html
    assert f'href="/mypage/orders/{order.pk}/receipt.pdf"' in html
    assert 'id="quote-link"' not in html


def test_an_unpaid_order_page_links_a_quote_and_no_paid_documents(
    member: Member, member_client: Client, emoticon: Emoticon
) -> None:
    order = order_in_state(member.partner, emoticon.pk, "pending_payment")

    html = page(member_client, order)

    assert f"/mypage/quote.pdf?emoticon_id={emoticon.pk}&amp;period_days=30&amp;quantity=100" in html
    assert "statement.pdf" not in html and "receipt.pdf" not in html


def test_the_portal_statement_and_receipt_are_the_orders(
    member: Member, member_client: Client, emoticon: Emoticon
) -> None:
    order = order_in_state(member.partner, emoticon.pk, "paid_card")

    statement = pdf_text(member_client.get(f"/mypage/orders/{order.pk}/statement.pdf"))
    receipt = pdf_text(member_client.get(f"/mypage/orders/{order.pk}/receipt.pdf"))

    for text in (statement, receipt):
        assert "176,000" in text and member.partner.formatted_brn in text and "214-88-01232" in text


def test_the_portal_quote_is_priced_like_an_order(member: Member, member_client: Client, emoticon: Emoticon) -> None:
    response = member_client.get(f"/mypage/quote.pdf?emoticon_id={emoticon.pk}&period_days=60&quantity=200")

    text = pdf_text(response)
    assert "견적서" in text and "550,000" in text and member.partner.formatted_brn in text


def test_a_portal_quote_for_a_bad_quantity_shows_the_order_error(member_client: Client, emoticon: Emoticon) -> None:
    response = member_client.get(f"/mypage/quote.pdf?emoticon_id={emoticon.pk}&period_days=30&quantity=5", follow=True)

    assert "구매 수량이 허용 범위를 벗어났습니다" in response.content.decode()


def test_the_statement_of_an_unpaid_order_is_refused_on_the_order_page(
    member: Member, member_client: Client, emoticon: Emoticon
) -> None:
    order = order_in_state(member.partner, emoticon.pk, "awaiting_deposit")

    response = member_client.get(f"/mypage/orders/{order.pk}/statement.pdf", follow=True)

    assert response.redirect_chain[-1][0] == f"/mypage/orders/{order.pk}/"
    assert "결제가 끝난 주문만" in response.content.decode()


@pytest.mark.parametrize("document", ["statement", "receipt"])
def test_another_partners_documents_are_not_found_in_the_portal(
    member: Member, emoticon: Emoticon, document: str
) -> None:
    order = order_in_state(member.partner, emoticon.pk, "paid_card")
    stranger = signed_in(MemberFactory())

    assert stranger.get(f"/mypage/orders/{order.pk}/{document}.pdf").status_code == 404


def test_the_order_page_shows_the_event_log_with_figures(
    member: Member, member_client: Client, emoticon: Emoticon, deposit: Callable[..., Response]
) -> None:
    order = order_in_state(member.partner, emoticon.pk, "expired")
    deposit(order)

    html = page(member_client, order)

    for line in (
        "주문 생성: 100개, 176,000원",
        "가상계좌 발급: 176,000원",
        "입금기한 만료",
        "운영자가 환불해 드립니다",
    ):
        assert line in html, line


def test_the_emoticon_page_offers_a_quote_for_the_chosen_period_and_quantity(db: None) -> None:

    from tests.factories import EmoticonFactory, MemberFactory

    emoticon = EmoticonFactory()
    client = signed_in(MemberFactory())

    page = client.get(f"/emoticons/{emoticon.pk}/").content.decode()
    quote = client.get("/mypage/quote.pdf", {"emoticon_id": emoticon.pk, "period_days": 30, "quantity": 100})

    assert 'formaction="/mypage/quote.pdf"' in page
    assert quote.status_code == 200
    assert quote.content.startswith(b"%PDF")
