"""The tax-record parts of the portal as a partner sees them on a phone: the order's payment id, the
refund account a transfer refund asks for (and what is wrong with a bad one), the merge deadline."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bizshop.billing import services as billing
from bizshop.billing.models import Order, OrderStatus, Payment
from bizshop.partners.models import Member
from tests.factories import PASSWORD, EmoticonFactory, MemberFactory
from tests.helpers.browser import fits_phone_width

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from pytest_django.live_server_helper import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="로그인").click()
    page.wait_for_load_state()


def test_a_transfer_refund_asks_for_the_account_and_the_merge_form_shows_its_deadline(
    page: Page, live_server: LiveServer, shoot: Callable[..., Path]
) -> None:
    member = MemberFactory(role=Member.Role.OWNER)
    partner = member.partner
    emoticon = EmoticonFactory(title="춘식이의 하루", prices={30: 1_600, 60: 2_500})
    order = billing.order_create(partner=partner, emoticon_id=emoticon.pk, period_days=30, quantity=100)
    billing.order_open_virtual_account(order_id=order.pk, partner=partner)
    billing.sandbox_deposit_send(order_id=order.pk, partner=partner)
    payment = Payment.objects.get(order=order)
    sign_in(page, live_server.url, member.user.email)

    page.goto(f"{live_server.url}/mypage/orders/{order.pk}/")
    assert page.locator("#payment-id").inner_text() == str(payment.pk)
    page.locator("#refund-form").scroll_into_view_if_needed()
    shoot("refund-account-form", full_page=False)
    fits_phone_width(page)
    page.select_option("#refund-bank", "004")
    page.fill("#refund-account-number", "12")
    page.fill("#refund-holder", "홍길동")
    page.locator("#refund-form button[type=submit]").click()
    page.wait_for_load_state()
    assert "계좌번호는 숫자 10~16자리입니다." in page.content()
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PAID

    page.select_option("#refund-bank", "088")
    page.fill("#refund-account-number", "110-123-456789")
    page.fill("#refund-holder", "홍길동")
    page.locator("#refund-form button[type=submit]").click()
    page.wait_for_load_state()
    assert "입력하신 계좌로 환불해 드립니다" in page.content()
    assert Order.objects.get(pk=order.pk).status == OrderStatus.REFUND_PENDING
    refund = Payment.objects.get(order=order)
    assert (refund.refund_bank, refund.refund_account_number) == ("088", "110123456789")

    paid = billing.order_create(partner=partner, emoticon_id=emoticon.pk, period_days=30, quantity=100)
    billing.order_pay_by_card(order_id=paid.pk, partner=partner, card_token="tok_sandbox_approve")
    page.goto(f"{live_server.url}/mypage/invoices/merge/")
    deadline = page.locator("#merge-deadlines").inner_text()
    shoot("merge-deadline")
    fits_phone_width(page)
    assert "결제분 신청 마감" in deadline and "00:05" in deadline
