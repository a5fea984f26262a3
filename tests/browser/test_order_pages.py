"""The emoticon (order) page and an order's page in real headless Chromium: Enter submits the form it is
typed in, by POST; the buttons and the test cards say what they do; the price table lines up."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bizshop.billing import services as billing
from bizshop.billing.models import Order
from bizshop.codes.models import Issuance
from tests.factories import PASSWORD, EmoticonFactory, MemberFactory
from tests.helpers.browser import fits_phone_width

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from pytest_django.live_server_helper import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("이메일").fill(email)
    page.get_by_label("비밀번호").fill(PASSWORD)
    page.get_by_role("button", name="로그인").click()
    page.wait_for_url(re.compile(rf"^{base}/(?!accounts/login)"))


def requests_of(page: Page) -> list[str]:
    """Every URL the page asks for from now on, so a test can say what never went into one."""
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    return seen


def test_enter_in_the_quantity_field_places_the_order_by_post(live_server: LiveServer, page: Page) -> None:
    emoticon = EmoticonFactory(prices={30: 1_100, 60: 1_600})
    member = MemberFactory()
    sign_in(page, live_server.url, member.user.email)
    page.goto(f"{live_server.url}/emoticons/{emoticon.pk}/")
    seen = requests_of(page)

    page.get_by_label("30일").check()
    page.get_by_label("수량").fill("120")
    page.get_by_label("수량").press("Enter")

    page.wait_for_url(re.compile(rf"{live_server.url}/mypage/orders/\d+/$"))
    order = Order.objects.get(partner=member.partner)
    assert (order.quantity, order.period_days, order.total_amount) == (120, 30, 145_200)
    assert page.url == f"{live_server.url}/mypage/orders/{order.pk}/"
    assert not [url for url in seen if "csrfmiddlewaretoken" in url]


def test_the_quote_button_asks_for_the_pdf_by_get_without_the_csrf_token(live_server: LiveServer, page: Page) -> None:
    emoticon = EmoticonFactory(prices={30: 1_100, 60: 1_600})
    sign_in(page, live_server.url, MemberFactory().user.email)
    page.goto(f"{live_server.url}/emoticons/{emoticon.pk}/")
    seen = requests_of(page)

    page.get_by_label("60일").check()
    page.get_by_label("수량").fill("150")
    with page.expect_download() as download:
        page.get_by_role("button", name="견적서 (PDF)").click()

    assert download.value.suggested_filename.endswith(".pdf")
    [quote] = [url for url in seen if "/quote.pdf" in url]
    assert "quantity=150" in quote and "period_days=60" in quote
    assert "csrfmiddlewaretoken" not in quote


def test_enter_in_the_issue_quantity_field_issues_that_many_codes_by_post(live_server: LiveServer, page: Page) -> None:
    member = MemberFactory()
    order = billing.order_create(partner=member.partner, emoticon_id=EmoticonFactory().pk, period_days=30, quantity=100)
    billing.order_pay_by_card(order_id=order.pk, partner=member.partner, card_token="tok_sandbox_approve")
    sign_in(page, live_server.url, member.user.email)
    page.goto(f"{live_server.url}/mypage/orders/{order.pk}/")
    seen = requests_of(page)

    page.get_by_label("발급할 수량").fill("30")
    page.get_by_label("발급할 수량").press("Enter")

    page.get_by_text("일련번호 30개 발급을 요청했습니다.").wait_for()
    assert [issuance.quantity for issuance in Issuance.objects.filter(order=order)] == [30]
    assert page.url == f"{live_server.url}/mypage/orders/{order.pk}/"
    assert not [url for url in seen if "csrfmiddlewaretoken" in url]


def text_right_edge(page: Page, selector: str) -> float:
    """Where the text of the element ends on the screen (not its box: a cell's box is as wide as its column)."""
    return page.eval_on_selector(  # type: ignore[no-any-return]
        selector,
        """element => { const range = document.createRange(); range.selectNodeContents(element);
                        return range.getBoundingClientRect().right; }""",
    )


@pytest.mark.parametrize("width", [1280, 390])
def test_the_price_tables_header_lines_up_with_its_prices(
    live_server: LiveServer, page: Page, shoot: Callable[..., Path], width: int
) -> None:
    emoticon = EmoticonFactory(prices={30: 1_100, 60: 12_600})
    sign_in(page, live_server.url, MemberFactory().user.email)
    page.set_viewport_size({"width": width, "height": 900})

    page.goto(f"{live_server.url}/emoticons/{emoticon.pk}/")

    header = text_right_edge(page, ".price-table thead th:last-child")
    prices = [text_right_edge(page, f".price-table tbody tr:nth-child({row}) td") for row in (1, 2)]
    assert abs(prices[0] - prices[1]) < 1  # the prices are right-aligned…
    assert abs(header - prices[0]) < 1  # …and so is their header
    if width == 390:
        fits_phone_width(page)
    page.locator(".price-table").scroll_into_view_if_needed()
    shoot(f"emoticon-{width}", full_page=False)


@pytest.mark.parametrize("width", [1280, 390])
def test_an_orders_page_names_the_test_cards_and_each_issue_button_for_what_it_does(
    live_server: LiveServer, page: Page, shoot: Callable[..., Path], width: int
) -> None:
    member = MemberFactory()
    emoticon = EmoticonFactory()
    unpaid = billing.order_create(partner=member.partner, emoticon_id=emoticon.pk, period_days=30, quantity=100)
    paid = billing.order_create(partner=member.partner, emoticon_id=emoticon.pk, period_days=30, quantity=100)
    billing.order_pay_by_card(order_id=paid.pk, partner=member.partner, card_token="tok_sandbox_approve")
    sign_in(page, live_server.url, member.user.email)
    page.set_viewport_size({"width": width, "height": 900})

    page.goto(f"{live_server.url}/mypage/orders/{unpaid.pk}/")
    cards = page.get_by_label("테스트 카드").locator("option").all_inner_texts()
    assert cards == ["테스트 카드 (승인)", "테스트 카드 (거절)"]
    assert "tok_" not in page.inner_text("body")
    shoot(f"unpaid-{width}", full_page=False)

    page.goto(f"{live_server.url}/mypage/orders/{paid.pk}/")
    buttons = page.locator("form[action$='/issue/'] button").all_inner_texts()
    assert buttons == ["남은 100개 모두 발급", "입력한 수량만 발급"]
    if width == 390:
        fits_phone_width(page)
    page.locator("#actions-title").scroll_into_view_if_needed()
    shoot(f"paid-{width}", full_page=False)
