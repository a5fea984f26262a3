"""One-tap registration in a real browser: a code link (/register/#code=…) fills the form, and the
code survives sign-up, e-mail verification and log-in without ever being in a requested URL."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

import pytest
from django.core import mail
from django.core.signals import request_started

from bizshop.accounts.models import User
from bizshop.billing import services as billing
from bizshop.codes import format as code_format
from bizshop.codes.crypto import get_keyring
from bizshop.codes.export import code_registration_url
from bizshop.codes.models import Registration, SerialCode
from bizshop.codes.services import issuance_run, issuance_start
from tests.factories import PASSWORD, EmoticonFactory, MemberFactory, UserFactory
from tests.helpers.browser import fits_phone_width

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page, Request
    from pytest_django.live_server_helper import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "춘식이의 하루"
NEW_PASSWORD = "Qz!8vN2mWt"


@pytest.fixture
def issued_code() -> str:
    member = MemberFactory()
    emoticon = EmoticonFactory(title=TITLE)
    order = billing.order_create(partner=member.partner, emoticon_id=emoticon.pk, period_days=60, quantity=100)
    billing.order_pay_by_card(order_id=order.pk, partner=member.partner, card_token="tok_sandbox_approve")
    issuance = issuance_start(order_id=order.pk, partner=member.partner, quantity=1)
    issuance_run(issuance_id=issuance.pk)
    code = SerialCode.objects.get(order=order)
    return get_keyring().decrypt(code.key_id, code.ciphertext)


@pytest.fixture
def server_requests() -> Iterator[list[str]]:
    """What the server was asked, as its access log would say it: path, query and Referer of each
    request (Django's request_started carries the WSGI environ, in the live server's thread too)."""
    seen: list[str] = []

    def record(sender: Any, environ: dict[str, Any] | None = None, **kwargs: Any) -> None:
        if environ is not None:
            seen.append(
                f"{environ.get('PATH_INFO', '')}?{environ.get('QUERY_STRING', '')} "
                f"referer={environ.get('HTTP_REFERER', '')}"
            )

    request_started.connect(record, dispatch_uid="test-registration-by-link")
    yield seen
    request_started.disconnect(dispatch_uid="test-registration-by-link")


@pytest.fixture
def browser_requests(page: Page) -> list[str]:
    """Every request the browser made: its path and query (the fragment is not sent) and its Referer."""
    made: list[str] = []

    def record(request: Request) -> None:
        url = urlsplit(request.url)
        made.append(f"{url.path}?{url.query} referer={request.headers.get('referer', '')}")

    page.on("request", record)
    return made


def assert_code_never_requested(code: str, requests: list[str]) -> None:
    assert requests, "nothing was recorded"
    forms = {code, code_format.display(code), code[:5], code[-5:]}
    for line in requests:
        plain = unquote(line).upper().replace("-", "")
        for form in forms:
            assert form.replace("-", "") not in plain, f"{form} in {line}"


def code_field(page: Page) -> Locator:
    return page.get_by_label("일련번호")


def test_a_code_link_fills_the_form_and_the_code_leaves_the_address_bar(
    page: Page, live_server: LiveServer, issued_code: str, shoot: Callable[..., Path]
) -> None:
    display = code_format.display(issued_code)

    page.goto(f"{live_server.url}/register/#code={display}")
    page.wait_for_load_state("networkidle")
    shoot("visitor")

    assert code_field(page).input_value() == display
    assert "#" not in page.url and display not in page.url
    assert page.get_by_role("link", name="회원가입하고 등록하기").is_visible()
    fits_phone_width(page)


def test_a_visitor_signs_up_verifies_the_email_and_registers_the_linked_code_typing_it_never(
    page: Page,
    live_server: LiveServer,
    issued_code: str,
    shoot: Callable[..., Path],
    server_requests: list[str],
    browser_requests: list[str],
) -> None:
    link = code_registration_url(code_format.display(issued_code), page_url=f"{live_server.url}/register/")

    page.goto(link)
    page.get_by_role("link", name="회원가입하고 등록하기").click()
    page.wait_for_url("**/accounts/signup/**")
    page.locator("#id_email").fill("visitor@example.kr")
    page.locator("#id_password1").fill(NEW_PASSWORD)
    page.locator("#id_password2").fill(NEW_PASSWORD)
    page.locator("#id_agree_terms").check()
    page.locator("#id_agree_privacy").check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/register/")
    page.wait_for_load_state("networkidle")
    shoot("1-signed-up-waiting-for-verification")
    assert "이메일 인증이 필요합니다" in page.locator("main").inner_text()
    assert code_field(page).input_value() == code_format.display(issued_code)

    [message] = mail.outbox
    verify_path = re.search(r"https?://[^/\s]+(/accounts/verify-email/\S+/)", message.body)
    assert verify_path is not None
    page.goto(f"{live_server.url}{verify_path.group(1)}")
    page.wait_for_url(f"{live_server.url}/register/")
    preview = page.locator("#code-preview")
    preview.wait_for(state="visible")
    shoot("2-verified-emoticon-shown")
    assert TITLE in preview.inner_text() and "60일" in preview.inner_text()
    assert code_field(page).input_value() == code_format.display(issued_code)

    page.get_by_role("button", name="등록하기").click()
    page.wait_for_load_state()
    shoot("3-registered")

    assert TITLE in page.locator(".success-card").inner_text()
    registration = Registration.objects.get()
    assert registration.user == User.objects.get(email="visitor@example.kr")
    assert page.evaluate("() => localStorage.getItem('bizshop.pendingCode')") is None
    assert_code_never_requested(issued_code, server_requests)
    assert_code_never_requested(issued_code, browser_requests)


def test_a_visitor_with_an_account_logs_in_from_a_code_link_and_registers_it(
    page: Page,
    live_server: LiveServer,
    issued_code: str,
    shoot: Callable[..., Path],
    server_requests: list[str],
    browser_requests: list[str],
) -> None:
    user = UserFactory()
    page.goto(f"{live_server.url}/register/#code={issued_code.lower()}")

    page.get_by_role("button", name="로그인하고 등록하기").click()
    page.wait_for_url("**/accounts/login/**")
    page.get_by_label("이메일").fill(user.email)
    page.get_by_label("비밀번호").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/register/")
    page.locator("#code-preview").wait_for(state="visible")
    shoot("logged-in-emoticon-shown")
    page.get_by_role("button", name="등록하기").click()
    page.wait_for_load_state()

    assert TITLE in page.locator(".success-card").inner_text()
    assert Registration.objects.get().user == user
    assert_code_never_requested(issued_code, server_requests)
    assert_code_never_requested(issued_code, browser_requests)


def test_after_a_password_reset_the_log_in_goes_back_to_the_kept_code(
    page: Page, live_server: LiveServer, issued_code: str, shoot: Callable[..., Path], browser_requests: list[str]
) -> None:
    user = UserFactory()
    page.goto(f"{live_server.url}/register/#code={issued_code}")
    page.wait_for_load_state("networkidle")

    page.goto(f"{live_server.url}/accounts/password-reset/")
    page.get_by_label("이메일").fill(user.email)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/password-reset/sent/")
    reset_path = re.search(r"https?://[^/\s]+(/accounts/password-reset/\S+/)", mail.outbox[0].body)
    assert reset_path is not None
    page.goto(f"{live_server.url}{reset_path.group(1)}")
    page.locator("#id_new_password1").fill(NEW_PASSWORD)
    page.locator("#id_new_password2").fill(NEW_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.get_by_role("link", name="로그인").last.click()
    page.wait_for_url("**/accounts/login/")
    page.get_by_label("이메일").fill(user.email)
    page.get_by_label("비밀번호").fill(NEW_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/register/")
    page.locator("#code-preview").wait_for(state="visible")
    shoot("after-reset")

    assert code_field(page).input_value() == issued_code
    assert_code_never_requested(issued_code, browser_requests)
