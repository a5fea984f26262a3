"""마이페이지: 구매내역, an order's page and its actions (pay, deposit, issue, refund, cancel)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from bizshop.billing import errors
from bizshop.billing.models import Order, OrderStatus
from bizshop.billing.views import ORDER_ACTIONS
from bizshop.codes.format import normalize
from bizshop.partners.models import Member

if TYPE_CHECKING:
    from pytest_django import DjangoCaptureOnCommitCallbacks

    from bizshop.accounts.models import User

pytestmark = pytest.mark.django_db

DISPLAYED_CODE = re.compile(r"\b[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}\b")


def _action(order: Order, action: str) -> str:
    return reverse("billing:order-action", args=[order.pk, action])


def _detail(order: Order) -> str:
    return reverse("billing:order-detail", args=[order.pk])


def _status_badge(response: Any) -> str:
    match = re.search(r'id="order-status">([^<]+)<', response.content.decode())
    assert match, "the order page shows its status"
    return match.group(1)


# 구매내역


def test_order_list_shows_the_partners_orders_with_korean_status_amount_and_kst_time(
    member: Member, member_client: Client, make_order: Callable[..., Order]
) -> None:
    paid = make_order(member.partner, paid=True)
    Order.objects.filter(pk=paid.pk).update(created_at=datetime(2025, 3, 2, 0, 30, tzinfo=ZoneInfo("UTC")))

    response = member_client.get(reverse("billing:order-list"))

    assertContains(response, f'href="{_detail(paid)}"')
    assertContains(response, "176,000원")
    assertContains(response, '<span class="status status-paid">결제완료</span>', html=True)
    assertContains(response, "2025-03-02 09:30")  # 00:30 UTC is 09:30 KST


def test_order_list_filters_by_status(member: Member, member_client: Client, make_order: Callable[..., Order]) -> None:
    paid = make_order(member.partner, paid=True)
    unpaid = make_order(member.partner)

    response = member_client.get(reverse("billing:order-list"), {"status": OrderStatus.PENDING_PAYMENT})

    assertContains(response, f'href="{_detail(unpaid)}"')
    assertNotContains(response, f'href="{_detail(paid)}"')


def test_order_list_never_shows_another_partners_orders(
    other_member_client: Client, member: Member, make_order: Callable[..., Order]
) -> None:
    order = make_order(member.partner)

    response = other_member_client.get(reverse("billing:order-list"))

    assertNotContains(response, f'href="{_detail(order)}"')
    assertContains(response, "주문 내역이 없습니다.")


def test_order_list_sends_visitors_to_login_and_refuses_end_users(end_user_client: Client) -> None:
    url = reverse("billing:order-list")

    anonymous = Client().get(url)

    assertRedirects(anonymous, f"{reverse('accounts:login')}?next={url}")
    assert end_user_client.get(url).status_code == 404


# Paying


def test_member_pays_by_card_and_sees_the_order_paid(
    member: Member, member_client: Client, make_order: Callable[..., Order]
) -> None:
    order = make_order(member.partner)

    response = member_client.post(_action(order, "pay_card"), {"card_token": "tok_sandbox_approve"}, follow=True)

    assertRedirects(response, _detail(order))
    assert _status_badge(response) == "결제완료"
    assertContains(response, "카드 결제가 완료되었습니다.")
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID


def test_declined_card_shows_the_decline_message_and_the_order_stays_unpaid(
    member: Member, member_client: Client, make_order: Callable[..., Order]
) -> None:
    order = make_order(member.partner)

    response = member_client.post(_action(order, "pay_card"), {"card_token": "tok_sandbox_decline"}, follow=True)

    assertContains(response, str(errors.PAYMENT_DECLINED.message))
    assert _status_badge(response) == "결제대기"
    assertContains(response, _action(order, "pay_card"))  # still payable
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT


def test_virtual_account_shows_the_account_and_the_sandbox_deposit_pays_the_order(
    member: Member, member_client: Client, make_order: Callable[..., Order]
) -> None:
    order = make_order(member.partner)

    opened = member_client.post(_action(order, "pay_virtual_account"), follow=True)

    payment = order.payments.get()
    assert _status_badge(opened) == "입금대기"
    assertContains(opened, payment.account_number)
    assertContains(opened, payment.bank)
    assertContains(opened, "176,000원")
    assertContains(opened, _action(order, "sandbox_deposit"))
    assertNotContains(opened, _action(order, "pay_card"))

    deposited = member_client.post(_action(order, "sandbox_deposit"), follow=True)

    assert _status_badge(deposited) == "결제완료"
    assertNotContains(deposited, _action(order, "sandbox_deposit"))
    assertNotContains(deposited, 'id="virtual-account"')
    assertContains(deposited, "입금 확인")  # the order event
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID


def test_sandbox_deposit_is_offered_only_while_awaiting_deposit(
    member: Member, member_client: Client, make_order: Callable[..., Order]
) -> None:
    order = make_order(member.partner)

    response = member_client.get(_detail(order))

    assertNotContains(response, _action(order, "sandbox_deposit"))
    assertContains(response, _action(order, "pay_virtual_account"))


# Cancelling and refunding


def test_unpaid_order_can_be_cancelled(member: Member, member_client: Client, make_order: Callable[..., Order]) -> None:
    order = make_order(member.partner)

    response = member_client.post(_action(order, "cancel"), follow=True)

    assert _status_badge(response) == "주문취소"
    assertNotContains(response, _action(order, "cancel"))
    assertNotContains(response, _action(order, "pay_card"))


def test_paid_order_without_codes_is_refunded(
    member: Member, member_client: Client, make_order: Callable[..., Order]
) -> None:
    order = make_order(member.partner, paid=True)
    assertContains(member_client.get(_detail(order)), _action(order, "refund"))

    response = member_client.post(_action(order, "refund"), follow=True)

    assert _status_badge(response) == "환불완료"
    assertContains(response, "환불이 완료되었습니다.")
    assertNotContains(response, _action(order, "refund"))


def test_refused_action_shows_the_services_message_and_changes_nothing(
    member: Member, member_client: Client, make_order: Callable[..., Order]
) -> None:
    order = make_order(member.partner, paid=True)

    response = member_client.post(_action(order, "cancel"), follow=True)

    assertContains(response, str(errors.INVALID_STATE.message))
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID


# Issuing codes


def test_issuing_10_codes_shows_them_and_replaces_the_refund_button_by_the_reason(
    member: Member,
    member_client: Client,
    make_order: Callable[..., Order],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    order = make_order(member.partner, paid=True)

    with django_capture_on_commit_callbacks(execute=True):
        issued = member_client.post(_action(order, "issue"), {"quantity": "10"})
    response = member_client.get(_detail(order))

    assertRedirects(issued, _detail(order))
    codes = DISPLAYED_CODE.findall(response.content.decode())
    assert len(set(codes)) == 10
    assert all(normalize(code) for code in codes)  # each shown code carries a valid check symbol
    assertContains(response, "10/10")
    assertContains(response, "발급된 일련번호 10개 · 등록 0개")
    assert _status_badge(response) == "부분발급"
    assertNotContains(response, _action(order, "refund"))
    assertContains(response, str(errors.CODES_ALREADY_ISSUED.message))
    assertContains(response, _action(order, "issue"))  # 90 units remain


def test_issuing_all_remaining_units_finishes_the_order(
    member: Member,
    member_client: Client,
    make_order: Callable[..., Order],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    order = make_order(member.partner, paid=True)

    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(_action(order, "issue"), {"quantity": ""})
    response = member_client.get(_detail(order))

    assert _status_badge(response) == "발급완료"
    assertContains(response, "100/100")
    assertContains(response, "(처음 50개만 표시)")
    assert len(set(DISPLAYED_CODE.findall(response.content.decode()))) == 50
    assertNotContains(response, _action(order, "issue"))


def test_issuing_more_than_remains_shows_the_services_message(
    member: Member, member_client: Client, make_order: Callable[..., Order]
) -> None:
    order = make_order(member.partner, paid=True)

    response = member_client.post(_action(order, "issue"), {"quantity": "101"}, follow=True)

    assertContains(response, "발급 요청 수량이 남은 수량을 초과합니다.")
    order.refresh_from_db()
    assert order.issued_quantity == 0


def test_registered_codes_are_counted_on_the_order_page(
    member: Member,
    member_client: Client,
    make_order: Callable[..., Order],
    issue_and_decrypt: Callable[[Order, int], list[str]],
    end_user: User,
) -> None:
    from bizshop.codes.services import code_register

    order = make_order(member.partner, paid=True)
    codes = issue_and_decrypt(order, 3)
    code_register(user=end_user, raw_code=codes[0])

    response = member_client.get(_detail(order))

    assertContains(response, "발급된 일련번호 3개 · 등록 1개")
    assertContains(response, "등록완료")


# Another partner's order


def test_another_partners_member_gets_404_on_the_order_page(
    other_member_client: Client, member: Member, make_order: Callable[..., Order]
) -> None:
    order = make_order(member.partner)

    assert other_member_client.get(_detail(order)).status_code == 404


@pytest.mark.parametrize("action", sorted(ORDER_ACTIONS))
def test_another_partners_member_gets_404_on_every_order_action(
    action: str, other_member_client: Client, member: Member, make_order: Callable[..., Order]
) -> None:
    order = make_order(member.partner, paid=action in {"issue", "refund"})
    before = Order.objects.values("status", "issued_quantity").get(pk=order.pk)

    response = other_member_client.post(_action(order, action), {"card_token": "tok_sandbox_approve", "quantity": "1"})

    assert response.status_code == 404
    assert Order.objects.values("status", "issued_quantity").get(pk=order.pk) == before


def test_order_actions_accept_post_only(
    member: Member, member_client: Client, make_order: Callable[..., Order]
) -> None:
    order = make_order(member.partner)

    assert member_client.get(_action(order, "cancel")).status_code == 405
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT


def test_unknown_order_action_is_not_found(
    member: Member, member_client: Client, make_order: Callable[..., Order]
) -> None:
    order = make_order(member.partner)

    assert member_client.post(_action(order, "delete")).status_code == 404
