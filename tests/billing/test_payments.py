"""POST /api/v1/orders/{id}/payment/: card at once, virtual account on deposit; never twice."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from bizshop.billing.gateways.sandbox import SandboxGateway
from bizshop.billing.models import DepositNotification, Order, OrderStatus, Payment, PaymentStatus

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response
    from pytest_django import Settings

    from tests.helpers.api import ApiClient
    from tests.helpers.db import TableRows

APPROVE = {"method": "card", "card_token": "tok_sandbox_approve"}
DECLINE = {"method": "card", "card_token": "tok_sandbox_decline"}
VIRTUAL_ACCOUNT = {"method": "virtual_account"}


def pay(api: ApiClient, order: Order, body: dict[str, str]) -> Response:
    return api.post(f"/api/v1/orders/{order.pk}/payment/", body)


def test_an_approved_card_pays_the_order(api: ApiClient, make_order: Callable[..., Order]) -> None:
    order = make_order(api.partner)

    response = pay(api, order, APPROVE)

    assert (response.status_code, response.json()["status"]) == (200, "paid")
    payment = Payment.objects.get(order=order)
    assert (payment.method, payment.status, payment.amount) == ("card", "approved", 176_000)


def test_a_declined_card_is_payment_declined_and_changes_nothing(
    api: ApiClient, make_order: Callable[..., Order], db_rows: Callable[[], TableRows]
) -> None:
    order = make_order(api.partner)
    before = db_rows()

    response = pay(api, order, DECLINE)

    assert (response.status_code, response.json()["error"]["code"]) == (402, "payment_declined")
    assert db_rows() == before


def test_an_order_stays_payable_after_a_declined_card(api: ApiClient, make_order: Callable[..., Order]) -> None:
    order = make_order(api.partner)
    pay(api, order, DECLINE)

    response = pay(api, order, APPROVE)

    assert (response.status_code, response.json()["status"]) == (200, "paid")


def test_paying_a_paid_order_again_is_invalid_state(
    api: ApiClient, paid_order: Order, db_rows: Callable[[], TableRows]
) -> None:
    before = db_rows()

    response = pay(api, paid_order, APPROVE)

    assert (response.status_code, response.json()["error"]["code"]) == (409, "invalid_state")
    assert db_rows() == before


def test_opening_a_virtual_account_of_a_paid_order_is_invalid_state(
    api: ApiClient, paid_order: Order, db_rows: Callable[[], TableRows]
) -> None:
    before = db_rows()

    response = pay(api, paid_order, VIRTUAL_ACCOUNT)

    assert (response.status_code, response.json()["error"]["code"]) == (409, "invalid_state")
    assert db_rows() == before


def test_an_unknown_payment_method_is_invalid_payment_method(
    api: ApiClient, make_order: Callable[..., Order], db_rows: Callable[[], TableRows]
) -> None:
    order = make_order(api.partner)
    before = db_rows()

    response = pay(api, order, {"method": "bitcoin"})

    assert (response.status_code, response.json()["error"]["code"]) == (422, "invalid_payment_method")
    assert db_rows() == before


def test_a_payment_without_a_method_is_invalid_request(
    api: ApiClient, make_order: Callable[..., Order], db_rows: Callable[[], TableRows]
) -> None:
    order = make_order(api.partner)
    before = db_rows()

    response = pay(api, order, {"card_token": "tok_sandbox_approve"})

    assert (response.status_code, response.json()["error"]["code"]) == (422, "invalid_request")
    assert db_rows() == before


def test_a_virtual_account_awaits_the_deposit_of_the_total(
    api: ApiClient, make_order: Callable[..., Order], settings: Settings
) -> None:
    order = make_order(api.partner)

    response = pay(api, order, VIRTUAL_ACCOUNT)

    assert (response.status_code, response.json()["status"]) == (200, "awaiting_deposit")
    deposit = response.json()["deposit"]
    assert set(deposit) == {"bank", "account_number", "amount", "due_at"}
    assert deposit["bank"] and deposit["account_number"]
    assert deposit["amount"] == 176_000
    due_in = datetime.fromisoformat(deposit["due_at"]) - timezone.now()
    assert timedelta(days=settings.VIRTUAL_ACCOUNT_DUE_DAYS) - timedelta(minutes=1) < due_in
    assert due_in <= timedelta(days=settings.VIRTUAL_ACCOUNT_DUE_DAYS)


def test_a_card_payment_of_an_order_awaiting_deposit_is_invalid_state(
    api: ApiClient, make_order: Callable[..., Order], db_rows: Callable[[], TableRows]
) -> None:
    order = make_order(api.partner)
    pay(api, order, VIRTUAL_ACCOUNT)
    before = db_rows()

    response = pay(api, order, APPROVE)

    assert (response.status_code, response.json()["error"]["code"]) == (409, "invalid_state")
    assert db_rows() == before


def test_the_sandbox_deposit_pays_the_order(api: ApiClient, make_order: Callable[..., Order]) -> None:
    order = make_order(api.partner)
    pay(api, order, VIRTUAL_ACCOUNT)

    response = api.post("/api/v1/sandbox/deposits/", {"order_id": order.pk})

    assert (response.status_code, response.json()["status"]) == (200, "paid")
    assert Payment.objects.get(order=order).status == PaymentStatus.APPROVED


def test_a_sandbox_deposit_for_an_order_not_awaiting_one_is_invalid_state(
    api: ApiClient, paid_order: Order, db_rows: Callable[[], TableRows]
) -> None:
    before = db_rows()

    response = api.post("/api/v1/sandbox/deposits/", {"order_id": paid_order.pk})

    assert (response.status_code, response.json()["error"]["code"]) == (409, "invalid_state")
    assert db_rows() == before


def notify(body: bytes, signature: str) -> Response:
    from django.test import Client

    return Client().post(
        "/api/v1/payments/deposit-notifications/",
        data=body,
        content_type="application/json",
        HTTP_X_SIGNATURE=signature,
    )


def test_a_signed_deposit_notification_pays_the_order(api: ApiClient, make_order: Callable[..., Order]) -> None:
    order = make_order(api.partner)
    pay(api, order, VIRTUAL_ACCOUNT)
    payment = Payment.objects.get(order=order)
    body, signature = SandboxGateway().deposit_notification(
        transaction_id=payment.gateway_transaction_id, account_number=payment.account_number, amount=payment.amount
    )

    response = notify(body, signature)

    assert response.status_code == 200
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PAID


def test_a_deposit_notification_with_a_bad_signature_is_invalid_notification(
    api: ApiClient, make_order: Callable[..., Order], db_rows: Callable[[], TableRows]
) -> None:
    order = make_order(api.partner)
    pay(api, order, VIRTUAL_ACCOUNT)
    payment = Payment.objects.get(order=order)
    body, _ = SandboxGateway().deposit_notification(
        transaction_id=payment.gateway_transaction_id, account_number=payment.account_number, amount=payment.amount
    )
    before = db_rows()

    response = notify(body, "0" * 64)

    assert (response.status_code, response.json()["error"]["code"]) == (400, "invalid_notification")
    assert db_rows() == before


def test_a_deposit_of_the_wrong_amount_is_refused_and_kept_for_the_operator(
    api: ApiClient, make_order: Callable[..., Order]
) -> None:
    order = make_order(api.partner)
    pay(api, order, VIRTUAL_ACCOUNT)
    payment = Payment.objects.get(order=order)
    body, signature = SandboxGateway().deposit_notification(
        transaction_id=payment.gateway_transaction_id, account_number=payment.account_number, amount=1_000
    )

    response = notify(body, signature)

    assert (response.status_code, response.json()["error"]["code"]) == (400, "invalid_notification")
    assert Order.objects.get(pk=order.pk).status == OrderStatus.AWAITING_DEPOSIT
    notice = DepositNotification.objects.get()
    assert (notice.payment_id, notice.amount, notice.outcome) == (payment.pk, 1_000, "wrong_amount")


def test_a_deposit_for_an_unknown_account_is_invalid_notification(db_rows: Callable[[], TableRows], db: None) -> None:
    body, signature = SandboxGateway().deposit_notification(
        transaction_id="sbx_va_unknown", account_number="9999-0000-000000", amount=176_000
    )
    before = db_rows()

    response = notify(body, signature)

    assert (response.status_code, response.json()["error"]["code"]) == (400, "invalid_notification")
    assert db_rows() == before
    assert not DepositNotification.objects.exists()


def test_a_replayed_deposit_notification_is_applied_once(api: ApiClient, make_order: Callable[..., Order]) -> None:
    order = make_order(api.partner)
    pay(api, order, VIRTUAL_ACCOUNT)
    payment = Payment.objects.get(order=order)
    body, signature = SandboxGateway().deposit_notification(
        transaction_id=payment.gateway_transaction_id, account_number=payment.account_number, amount=payment.amount
    )
    notify(body, signature)

    response = notify(body, signature)

    assert response.status_code == 200
    assert DepositNotification.objects.count() == 1
    assert order.events.filter(kind="deposit_received").count() == 1
