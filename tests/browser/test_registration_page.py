"""An end user registers a code on /register/ in a real browser, as a customer with an SMS would."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bizshop.billing import services as billing
from bizshop.codes import format as code_format
from bizshop.codes.crypto import get_keyring
from bizshop.codes.models import SerialCode
from bizshop.codes.services import issuance_run, issuance_start
from tests.factories import PASSWORD, EmoticonFactory, MemberFactory, UserFactory

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from pytest_django.live_server_helper import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def issued_code() -> str:
    member = MemberFactory()
    emoticon = EmoticonFactory(title="춘식이의 하루")
    order = billing.order_create(partner=member.partner, emoticon_id=emoticon.pk, period_days=60, quantity=100)
    billing.order_pay_by_card(order_id=order.pk, partner=member.partner, card_token="tok_sandbox_approve")
    issuance = issuance_start(order_id=order.pk, partner=member.partner, quantity=2)
    issuance_run(issuance_id=issuance.pk)
    code = SerialCode.objects.filter(order=order).first()
    assert code is not None
    return get_keyring().decrypt(code.key_id, code.ciphertext)


def sign_in(page: Page, live_server: LiveServer, email: str) -> None:
    page.goto(f"{live_server.url}/register/")
    page.get_by_role("button", name="로그인하고 등록하기").click()  # open to visitors: sign in, then back
    page.wait_for_url("**/accounts/login/**")
    page.get_by_label("이메일").fill(email)
    page.get_by_label("비밀번호").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/register/")


def test_a_customer_registers_a_code_typed_in_lower_case_with_spaces(
    page: Page, live_server: LiveServer, issued_code: str, shoot: Callable[..., Path]
) -> None:
    user = UserFactory()
    sign_in(page, live_server, user.email)
    shoot("1-register-page")
    typed = " ".join(code_format.display(issued_code).lower().split("-"))

    page.get_by_label("일련번호").fill(typed)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    shoot("2-registered")

    body = page.locator("main").inner_text()
    assert "등록" in body and "춘식이의 하루" in body
    assert SerialCode.objects.get(blind_index=get_keyring().blind_index(issued_code)).status == "registered"
    page.goto(f"{live_server.url}/me/emoticons/")
    shoot("3-my-emoticons")
    assert "춘식이의 하루" in page.locator("main").inner_text()


def test_a_mistyped_code_shows_the_korean_check_symbol_message_next_to_the_field(
    page: Page, live_server: LiveServer, issued_code: str, shoot: Callable[..., Path]
) -> None:
    user = UserFactory()
    sign_in(page, live_server, user.email)
    last = issued_code[-1]
    mistyped = issued_code[:-1] + ("0" if last != "0" else "1")

    page.get_by_label("일련번호").fill(mistyped)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    shoot("wrong-check-symbol")

    alert = page.get_by_role("alert")
    assert "잘못 입력한 글자" in alert.inner_text()
    field = page.get_by_label("일련번호")
    assert field.get_attribute("aria-invalid") == "true"
    assert SerialCode.objects.filter(status="registered").count() == 0


def test_a_code_registered_already_says_so(
    page: Page, live_server: LiveServer, issued_code: str, shoot: Callable[..., Path]
) -> None:
    from bizshop.codes.services import code_register

    code_register(user=UserFactory(), raw_code=issued_code)
    sign_in(page, live_server, UserFactory().email)

    page.get_by_label("일련번호").fill(code_format.display(issued_code))
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    shoot("already-registered")

    assert "이미 등록된 일련번호입니다" in page.get_by_role("alert").inner_text()
