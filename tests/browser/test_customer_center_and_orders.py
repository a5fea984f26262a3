"""The customer center and 구매내역 as a partner member sees them on a phone: FAQ search, an inquiry
thread with a follow-up, and the order list searched by memo."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest

from bizshop.billing import services as billing
from bizshop.billing.models import Order
from bizshop.support.demo import support_demo_seed
from bizshop.support.models import Inquiry
from bizshop.support.services import inquiry_answer, inquiry_create
from tests.factories import PASSWORD, EmoticonFactory, MemberFactory, UserFactory
from tests.helpers.browser import fits_phone_width
from tests.helpers.uploads import png_bytes, upload

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from pytest_django.live_server_helper import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KST = ZoneInfo("Asia/Seoul")


def sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="로그인").click()
    page.wait_for_load_state()


def test_a_visitor_searches_the_faq_in_korean_and_is_offered_an_inquiry_when_nothing_matches(
    page: Page, live_server: LiveServer, shoot: Callable[..., Path]
) -> None:
    support_demo_seed()

    page.goto(f"{live_server.url}/support/")
    page.get_by_placeholder("궁금한 내용을 입력하세요 (예: 환불, 세금계산서)").fill("환불")
    page.get_by_role("button", name="검색", exact=True).click()
    page.wait_for_load_state()

    results = page.locator(".faq-results")
    assert page.get_by_role("status").inner_text() == "'환불' 검색 결과 2건"
    first = results.locator("details").first
    assert first.locator("summary").inner_text() == "Q\n결제/취소/환불 결제를 취소하거나 환불받을 수 있나요?"
    assert first.locator("mark").first.inner_text() == "환불"
    assert first.locator(".faq-answer").is_visible()  # the best hit opens by itself
    fits_phone_width(page)
    shoot("results")

    page.get_by_placeholder("궁금한 내용을 입력하세요 (예: 환불, 세금계산서)").fill("블록체인")
    page.get_by_role("button", name="검색", exact=True).click()
    page.wait_for_load_state()
    empty = page.locator(".faq-no-results")
    assert "'블록체인'에 맞는 질문을 찾지 못했습니다." in empty.inner_text()
    assert empty.get_by_role("link", name="1:1 문의하기").is_visible()
    fits_phone_width(page)
    shoot("no-results", full_page=False)


def test_a_member_reads_the_new_answer_follows_up_with_a_file_and_closes_the_inquiry(
    page: Page, live_server: LiveServer, shoot: Callable[..., Path], tmp_path: Path
) -> None:
    member = MemberFactory()
    operator = UserFactory(is_staff=True, is_superuser=True)
    inquiry = inquiry_create(
        partner=member.partner,
        user=member.user,
        category="payment",
        title="환불 문의",
        body="주문 #12 환불이 가능한가요?",
        files=[upload("주문화면.png", png_bytes())],
    )
    inquiry_answer(inquiry_id=inquiry.pk, operator=operator, answer="일련번호 발급 전이라 환불할 수 있습니다.")
    screenshot = tmp_path / "주문13.png"
    screenshot.write_bytes(png_bytes())
    sign_in(page, live_server.url, member.user.email)

    page.goto(f"{live_server.url}/support/inquiries/")
    row = page.locator("tbody tr").first
    assert row.locator(".status-new-answer").inner_text() == "새 답변"
    fits_phone_width(page)
    shoot("list-new-answer", full_page=False)

    row.get_by_role("link", name="환불 문의").click()
    page.wait_for_load_state()
    messages = page.locator(".thread-message")
    assert messages.nth(1).locator(".thread-meta").inner_text().startswith("이모티콘 비즈샵 고객센터")
    assert "일련번호 발급 전이라 환불할 수 있습니다." in messages.nth(1).inner_text()
    page.get_by_label("추가 문의 내용").fill("주문 #13도 환불할 수 있나요?")
    page.locator("#id_attachments").set_input_files(str(screenshot))
    page.get_by_role("button", name="추가 문의 등록").click()
    page.wait_for_load_state()
    assert "추가 문의를 남겼습니다." in page.content()
    assert messages.count() == 3
    assert "주문 #13도 환불할 수 있나요?" in messages.nth(2).inner_text()
    assert messages.nth(2).get_by_role("link", name="주문13.png").is_visible()
    assert page.locator("h1 + .status").inner_text() == "답변대기"
    fits_phone_width(page)
    shoot("thread-after-follow-up")

    page.get_by_role("button", name="문의 종료").click()
    page.wait_for_load_state()
    assert page.locator("h1 + .status").inner_text() == "종료"
    assert page.get_by_role("button", name="추가 문의 등록").count() == 0
    assert "종료된 문의입니다." in page.content()
    assert Inquiry.objects.get(pk=inquiry.pk).status == "closed"
    page.goto(f"{live_server.url}/support/inquiries/")
    assert page.locator("tbody tr").first.locator(".status-new-answer").count() == 0
    shoot("list-closed", full_page=False)


def test_a_member_notes_a_campaign_on_an_order_and_finds_it_in_the_order_list(
    page: Page, live_server: LiveServer, shoot: Callable[..., Path]
) -> None:
    member = MemberFactory()
    partner = member.partner
    spring = EmoticonFactory(title="춘식이의 하루", prices={30: 1_600, 60: 2_500})
    orders = [
        billing.order_create(partner=partner, emoticon_id=spring.pk, period_days=30, quantity=100) for _ in range(3)
    ]
    for order, day in zip(orders, (1, 2, 3), strict=True):
        Order.objects.filter(pk=order.pk).update(created_at=datetime(2026, 3, day, 10, 0, tzinfo=KST))
    Order.objects.filter(pk=orders[2].pk).update(memo="여름 준비")
    sign_in(page, live_server.url, member.user.email)

    page.goto(f"{live_server.url}/mypage/orders/{orders[0].pk}/")
    page.get_by_role("textbox", name="메모").fill("2026 봄 고객 감사 캠페인")
    page.get_by_role("button", name="메모 저장").click()
    page.wait_for_load_state()
    assert "메모를 저장했습니다." in page.content()
    assert page.get_by_role("textbox", name="메모").input_value() == "2026 봄 고객 감사 캠페인"
    page.locator("#memo").scroll_into_view_if_needed()
    fits_phone_width(page)
    shoot("order-memo", full_page=False)

    page.goto(f"{live_server.url}/mypage/orders/")
    page.get_by_label("메모·이모티콘 검색").fill("캠페인")
    page.get_by_role("button", name="조회").click()
    page.wait_for_load_state()
    rows = page.locator("tbody tr")
    assert rows.count() == 1
    memo = rows.first.locator(".order-memo")
    assert memo.is_visible() and memo.inner_text().endswith("2026 봄 고객 감사 캠페인")
    assert (
        page.get_by_role("link", name="CSV 내려받기").get_attribute("href")
        == "/mypage/orders/export.csv?q=%EC%BA%A0%ED%8E%98%EC%9D%B8&status=&ordered_from=&ordered_to="
    )
    fits_phone_width(page)
    shoot("order-list-memo-search")

    page.goto(f"{live_server.url}/mypage/orders/?ordered_from=2026-03-03&ordered_to=2026-03-01")
    error = page.locator("#id_ordered_to_error")
    assert error.locator("p").inner_text() == "시작일이 종료일보다 늦습니다. 기간을 확인해 주세요."
    assert error.inner_text().startswith("주문일 종료:")  # named for a screen reader announcing it alone
    assert page.locator("tbody tr").count() == 0
    fits_phone_width(page)
    shoot("order-list-bad-range", full_page=False)
