"""Refund (취소/환불) until the first code is issued; cancel only while unpaid."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from bizshop.billing.models import Order, OrderStatus, Payment, PaymentStatus
from bizshop.billing.services import order_refund_complete
from tests.factories import REFUND_ACCOUNT, UserFactory

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

    from tests.helpers.api import ApiClient
    from tests.helpers.db import TableRows


def refund(api: ApiClient, order: Order) -> Response:
    return api.post(f"/api/v1/orders/{order.pk}/refund/", {"refund_account": REFUND_ACCOUNT})


def cancel(api: ApiClient, order: Order) -> Response:
    return api.post(f"/api/v1/orders/{order.pk}/cancel/")


def test_a_card_order_is_refunded_at_once(api: ApiClient, paid_order: Order) -> None:
    response = refund(api, paid_order)

    assert (response.status_code, response.json()["status"]) == (200, "refunded")
    assert Payment.objects.get(order=paid_order).status == PaymentStatus.CANCELLED


def test_a_virtual_account_order_waits_for_the_refund_transfer(
    api: ApiClient, make_order: Callable[..., Order]
) -> None:
    order = make_order(api.partner)
    api.post(f"/api/v1/orders/{order.pk}/payment/", {"method": "virtual_account"})
    api.post("/api/v1/sandbox/deposits/", {"order_id": order.pk})

    response = refund(api, order)

    assert (response.status_code, response.json()["status"]) == (200, "refund_pending")
    operator = UserFactory(is_staff=True, is_superuser=True)
    assert order_refund_complete(order_id=order.pk, operator=operator).status == OrderStatus.REFUNDED


def test_refund_is_refused_once_a_code_is_issued(
    api: ApiClient, paid_order: Order, issue_codes: Callable[..., list[str]], db_rows: Callable[[], TableRows]
) -> None:
    issue_codes(paid_order, quantity=1)
    before = db_rows()

    response = refund(api, paid_order)

    assert (response.status_code, response.json()["error"]["code"]) == (409, "codes_already_issued")
    assert db_rows() == before


def test_refund_of_an_unpaid_order_is_invalid_state(
    api: ApiClient, make_order: Callable[..., Order], db_rows: Callable[[], TableRows]
) -> None:
    order = make_order(api.partner)
    before = db_rows()

    response = refund(api, order)

    assert (response.status_code, response.json()["error"]["code"]) == (409, "invalid_state")
    assert db_rows() == before


def test_refund_of_an_order_awaiting_deposit_is_invalid_state(
    api: ApiClient, make_order: Callable[..., Order], db_rows: Callable[[], TableRows]
) -> None:
    order = make_order(api.partner)
    api.post(f"/api/v1/orders/{order.pk}/payment/", {"method": "virtual_account"})
    before = db_rows()

    response = refund(api, order)

    assert (response.status_code, response.json()["error"]["code"]) == (409, "invalid_state")
    assert db_rows() == before


def test_refunding_twice_is_invalid_state(api: ApiClient, paid_order: Order, db_rows: Callable[[], TableRows]) -> None:
    refund(api, paid_order)
    before = db_rows()

    response = refund(api, paid_order)

    assert (response.status_code, response.json()["error"]["code"]) == (409, "invalid_state")
    assert db_rows() == before


def test_an_unpaid_order_is_cancelled(api: ApiClient, make_order: Callable[..., Order]) -> None:
    order = make_order(api.partner)

    response = cancel(api, order)

    assert (response.status_code, response.json()["status"]) == (200, "cancelled")


def test_cancelling_an_order_awaiting_deposit_closes_its_virtual_account(
    api: ApiClient, make_order: Callable[..., Order]
) -> None:
    order = make_order(api.partner)
    api.post(f"/api/v1/orders/{order.pk}/payment/", {"method": "virtual_account"})

    response = cancel(api, order)

    assert (response.status_code, response.json()["status"]) == (200, "cancelled")
    assert Payment.objects.get(order=order).status == PaymentStatus.CANCELLED


def test_cancel_of_a_paid_order_is_invalid_state(
    api: ApiClient, paid_order: Order, db_rows: Callable[[], TableRows]
) -> None:
    before = db_rows()

    response = cancel(api, paid_order)

    assert (response.status_code, response.json()["error"]["code"]) == (409, "invalid_state")
    assert db_rows() == before


def test_a_cancelled_order_cannot_be_paid(
    api: ApiClient, make_order: Callable[..., Order], db_rows: Callable[[], TableRows]
) -> None:
    order = make_order(api.partner)
    cancel(api, order)
    before = db_rows()

    response = api.post(f"/api/v1/orders/{order.pk}/payment/", {"method": "card", "card_token": "tok_sandbox_approve"})

    assert (response.status_code, response.json()["error"]["code"]) == (409, "invalid_state")
    assert db_rows() == before


def test_a_deposit_after_cancel_does_not_pay_the_order(api: ApiClient, make_order: Callable[..., Order]) -> None:
    order = make_order(api.partner)
    api.post(f"/api/v1/orders/{order.pk}/payment/", {"method": "virtual_account"})
    cancel(api, order)

    response = api.post("/api/v1/sandbox/deposits/", {"order_id": order.pk})

    assert (response.status_code, response.json()["error"]["code"]) == (409, "invalid_state")
    assert Order.objects.get(pk=order.pk).status == OrderStatus.CANCELLED


def test_the_refusal_to_refund_an_issued_order_says_why_in_korean(
    api: ApiClient, paid_order: Order, issue_codes: Callable[..., list[str]]
) -> None:
    issue_codes(paid_order, quantity=1)

    error = refund(api, paid_order).json()["error"]

    assert error["message"] == "일련번호가 이미 발급된 주문은 취소/환불할 수 없습니다."
    assert error["details"] == {"issued_quantity": 1}
