"""Operator actions on money, each audited in OperatorAction: confirming a bank deposit by hand,
completing a transfer refund, marking an unapplied deposit returned."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from django.test import Client

from bizshop.backoffice.management.commands.setup_operator_groups import BILLING, SUPPORT
from bizshop.backoffice.models import OperatorAction
from bizshop.billing import services as billing
from bizshop.billing.models import DepositNotification, Order, OrderStatus, PaymentStatus
from bizshop.core.errors import ApplicationError
from tests.factories import UserFactory
from tests.helpers.billing import order_in_state, run_action, signed_deposit, virtual_account_of
from tests.helpers.sessions import signed_in

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

    from bizshop.accounts.models import User
    from bizshop.catalog.models import Emoticon
    from tests.helpers.api import ApiClient


@pytest.fixture
def billing_staff(make_operator: Callable[..., User]) -> User:
    return make_operator(BILLING)


@pytest.fixture
def billing_client(billing_staff: User) -> Client:
    return signed_in(billing_staff)


def test_confirming_a_deposit_by_hand_makes_the_order_paid(
    api: ApiClient, emoticon: Emoticon, billing_staff: User, billing_client: Client
) -> None:
    order = order_in_state(api.partner, emoticon.pk, "awaiting_deposit")

    response = run_action(billing_client, "order", "confirm_deposit", [order.pk])

    assert response.status_code == 200
    order.refresh_from_db()
    payment = virtual_account_of(order)
    assert (order.status, payment.status) == (OrderStatus.PAID, PaymentStatus.APPROVED)
    assert order.paid_at is not None and payment.approved_at == order.paid_at
    event = order.events.get(kind="deposit_received")
    assert (event.actor, event.data) == (
        billing_staff,
        {"amount": 176_000, "payment_id": payment.pk, "confirmed_by_operator": True},
    )
    assert "1건의 입금을 확인 처리했습니다" in response.content.decode()


def test_a_deposit_confirmed_by_hand_is_in_the_operator_audit_log(
    api: ApiClient, emoticon: Emoticon, billing_staff: User, billing_client: Client
) -> None:
    order = order_in_state(api.partner, emoticon.pk, "awaiting_deposit")

    run_action(billing_client, "order", "confirm_deposit", [order.pk])

    action = OperatorAction.objects.get()
    assert (action.operator, action.kind, action.target_type, action.target_id) == (
        billing_staff,
        OperatorAction.Kind.DEPOSIT_CONFIRMED,
        "billing.order",
        str(order.pk),
    )
    assert action.data["amount"] == 176_000 and action.data["partner_id"] == api.partner.pk


def test_the_partner_reads_the_confirmation_in_the_order_history(
    api: ApiClient, emoticon: Emoticon, billing_staff: User
) -> None:
    order = order_in_state(api.partner, emoticon.pk, "awaiting_deposit")
    billing.order_deposit_confirm(order_id=order.pk, operator=billing_staff)

    texts = [event["text"] for event in api.get(f"/api/v1/orders/{order.pk}/events/").json()["results"]]

    assert texts[-1] == "입금 확인: 176,000원 (운영자 확인)"


def test_only_an_order_awaiting_its_deposit_can_be_confirmed(
    api: ApiClient, emoticon: Emoticon, billing_client: Client, paid_order: Order
) -> None:
    expired = order_in_state(api.partner, emoticon.pk, "expired")

    response = run_action(billing_client, "order", "confirm_deposit", [expired.pk, paid_order.pk])

    assert "입금대기 중인 주문이 아닙니다" in response.content.decode()
    assert Order.objects.get(pk=expired.pk).status == OrderStatus.EXPIRED
    assert not OperatorAction.objects.exists()


def test_the_service_refuses_an_order_no_longer_awaiting_with_invalid_state(
    api: ApiClient, emoticon: Emoticon, billing_staff: User
) -> None:
    cancelled = order_in_state(api.partner, emoticon.pk, "cancelled")

    with pytest.raises(ApplicationError) as refused:
        billing.order_deposit_confirm(order_id=cancelled.pk, operator=billing_staff)

    assert refused.value.code == "invalid_state"
    assert not OperatorAction.objects.exists()


def test_staff_without_the_permission_cannot_confirm_a_deposit(
    api: ApiClient, emoticon: Emoticon, make_operator: Callable[..., User]
) -> None:
    support = make_operator(SUPPORT)
    order = order_in_state(api.partner, emoticon.pk, "awaiting_deposit")

    run_action(signed_in(support), "order", "confirm_deposit", [order.pk])
    with pytest.raises(ApplicationError) as refused:
        billing.order_deposit_confirm(order_id=order.pk, operator=support)

    assert refused.value.code == "permission_denied"
    assert Order.objects.get(pk=order.pk).status == OrderStatus.AWAITING_DEPOSIT


def test_the_pg_notification_arriving_after_a_manual_confirmation_is_flagged_not_kept(
    api: ApiClient, emoticon: Emoticon, billing_staff: User
) -> None:
    order = order_in_state(api.partner, emoticon.pk, "awaiting_deposit")
    body, signature = signed_deposit(order)
    billing.order_deposit_confirm(order_id=order.pk, operator=billing_staff)

    notice = billing.payment_deposit_receive(body=body, signature=signature)

    assert (notice.outcome, notice.refund_status) == ("not_awaiting", "required")
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PAID


def test_completing_a_transfer_refund_is_in_the_operator_audit_log(
    api: ApiClient, emoticon: Emoticon, billing_staff: User, billing_client: Client
) -> None:
    order = order_in_state(api.partner, emoticon.pk, "refund_pending")

    run_action(billing_client, "order", "complete_refund", [order.pk])

    action = OperatorAction.objects.get()
    assert (action.operator, action.kind, action.target_id) == (
        billing_staff,
        OperatorAction.Kind.REFUND_COMPLETED,
        str(order.pk),
    )
    assert action.data["amount"] == 176_000


def test_billing_staff_mark_an_unapplied_deposit_returned_and_it_is_audited(
    api: ApiClient, emoticon: Emoticon, deposit: Callable[..., Response], billing_staff: User, billing_client: Client
) -> None:
    order = order_in_state(api.partner, emoticon.pk, "expired")
    deposit(order, notification_id="ntf-late")
    notice = DepositNotification.objects.get()

    run_action(billing_client, "depositnotification", "complete_deposit_refund", [notice.pk])

    assert DepositNotification.objects.get().refund_status == "completed"
    action = OperatorAction.objects.get()
    assert (action.kind, action.target_type, action.target_id) == (
        OperatorAction.Kind.DEPOSIT_REFUNDED,
        "billing.depositnotification",
        str(notice.pk),
    )
    assert action.data == {"order_id": order.pk, "amount": 176_000, "outcome": "not_awaiting"}


def test_a_refund_completion_by_someone_without_the_permission_is_refused(
    api: ApiClient, emoticon: Emoticon, db: None
) -> None:
    order = order_in_state(api.partner, emoticon.pk, "refund_pending")

    with pytest.raises(ApplicationError) as refused:
        billing.order_refund_complete(order_id=order.pk, operator=UserFactory(is_staff=True))

    assert refused.value.code == "permission_denied"
    assert Order.objects.get(pk=order.pk).status == OrderStatus.REFUND_PENDING
