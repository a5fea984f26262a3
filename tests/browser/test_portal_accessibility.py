"""Keyboard and screen-reader behaviour of the portal in Chromium: the phone menu (with and without
JavaScript), focus on a refused form's error summary, the refused order landing on the order form,
and focus never hidden under the sticky header."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bizshop.partners.models import Member
from tests.factories import EmoticonFactory, MemberFactory
from tests.helpers.sessions import sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page
    from pytest_django.live_server_helper import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Where the sticky header ends and where the focused element (with its 3 px ring 2 px out) begins.
HEADER_BOTTOM_JS = "() => document.querySelector('.site-header').getBoundingClientRect().bottom"
FOCUSED_TOP_JS = "() => document.activeElement.getBoundingClientRect().top - 5"


def focused_id(page: Page) -> str:
    return str(page.evaluate("() => document.activeElement.id"))


def test_on_a_phone_the_menu_button_opens_the_menu_with_the_login_link(
    page: Page, live_server: LiveServer, shoot: Callable[..., Path]
) -> None:
    page.goto(f"{live_server.url}/")
    login = page.get_by_role("link", name="로그인", exact=True)
    menu = page.get_by_role("button", name="메뉴")
    assert not login.is_visible()
    assert menu.get_attribute("aria-expanded") == "false"

    menu.click()

    assert menu.get_attribute("aria-expanded") == "true"
    assert login.is_visible()
    assert page.get_by_role("button", name="English").is_visible()
    shoot("menu-open", full_page=False)
    page.keyboard.press("Escape")
    assert menu.get_attribute("aria-expanded") == "false"
    assert not login.is_visible()
    assert page.evaluate("() => document.activeElement.hasAttribute('data-menu-button')")


def test_without_javascript_the_menu_link_still_opens_the_menu(browser: Browser, live_server: LiveServer) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ko-KR", java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/")
        login = page.get_by_role("link", name="로그인", exact=True)
        assert not login.is_visible()

        page.get_by_role("link", name="메뉴").click()

        assert page.url.endswith("#site-menu")
        assert login.is_visible()
    finally:
        context.close()


def test_a_refused_form_puts_focus_on_its_error_summary(
    page: Page, live_server: LiveServer, shoot: Callable[..., Path]
) -> None:
    page.goto(f"{live_server.url}/accounts/signup/")

    page.get_by_role("button", name="가입하기").click()
    page.wait_for_load_state()

    assert focused_id(page) == "error-summary"
    assert page.title().startswith("오류: ")
    summary = page.locator("#error-summary")
    assert "이메일: " in summary.inner_text()
    shoot("signup-refused", full_page=False)
    summary.get_by_role("link", name="비밀번호:").first.click()
    assert focused_id(page) == "id_password1"
    assert page.evaluate(FOCUSED_TOP_JS) >= page.evaluate(HEADER_BOTTOM_JS)


def test_a_refused_order_lands_on_the_order_form_not_the_top(
    page: Page, live_server: LiveServer, shoot: Callable[..., Path]
) -> None:
    member = MemberFactory(role=Member.Role.MEMBER)
    emoticon = EmoticonFactory(title="춘식이의 하루", prices={30: 1_600, 60: 2_500})
    sign_in(page.context, member.user, live_server.url)
    page.goto(f"{live_server.url}/emoticons/{emoticon.pk}/")
    page.get_by_label("수량").fill("7")

    page.get_by_role("button", name="주문하기", exact=True).click()
    page.wait_for_load_state()

    assert page.url.endswith("/mypage/orders/new/")
    assert focused_id(page) == "error-summary"
    assert page.evaluate("() => document.activeElement.closest('#order-form') !== null")
    assert page.evaluate("() => window.scrollY") > 0
    assert page.evaluate(FOCUSED_TOP_JS) >= page.evaluate(HEADER_BOTTOM_JS)
    shoot("order-refused", full_page=False)
    assert page.get_by_label("수량").get_attribute("aria-invalid") == "true"


def test_tabbing_back_up_a_page_never_hides_the_focus_under_the_sticky_header(
    page: Page, live_server: LiveServer
) -> None:
    for number in range(8):
        EmoticonFactory(title=f"이모티콘 {number}")
    page.set_viewport_size({"width": 390, "height": 600})
    page.goto(f"{live_server.url}/")
    page.locator("footer").scroll_into_view_if_needed()
    page.locator("a, button, input, select").last.focus()

    hidden = []
    for _ in range(20):
        page.keyboard.press("Shift+Tab")
        if page.evaluate("() => document.activeElement.closest('.site-header') !== null"):
            break
        if page.evaluate(FOCUSED_TOP_JS) < page.evaluate(HEADER_BOTTOM_JS):
            hidden.append(page.evaluate("() => document.activeElement.outerHTML.slice(0, 80)"))
    assert not hidden, f"focused under the header: {hidden}"
