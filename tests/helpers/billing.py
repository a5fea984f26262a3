"""Billing helpers: orders brought to each state through the services, the PG's deposit notification,
and the admin's changelist actions."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.test import Client
from django.utils import timezone

from bizshop.billing import services as billing
from bizshop.billing.gateways.sandbox import APPROVE_TOKEN, SandboxGateway
from bizshop.billing.models import Order, Payment, PaymentMethod
from tests.factories import REFUND_ACCOUNT

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

    from bizshop.partners.models import Partner

NOTIFICATION_PATH = "/api/v1/payments/deposit-notifications/"


def post_notification(body: bytes, signature: str) -> Response:
    return Client().post(NOTIFICATION_PATH, data=body, content_type="application/json", HTTP_X_SIGNATURE=signature)


def virtual_account_of(order: Order) -> Payment:
    return Payment.objects.filter(order=order, method=PaymentMethod.VIRTUAL_ACCOUNT).latest("pk")


def signed_deposit(
    order: Order,
    *,
    amount: int | None = None,
    notification_id: str | None = None,
    deposited_at: datetime | None = None,
) -> tuple[bytes, str]:
    """The sandbox PG's signed notification that money arrived on the order's virtual account."""
    payment = virtual_account_of(order)
    return SandboxGateway().deposit_notification(
        transaction_id=payment.gateway_transaction_id,
        account_number=payment.account_number,
        amount=payment.amount if amount is None else amount,
        notification_id=notification_id,
        deposited_at=deposited_at,
    )


def order_in_state(partner: Partner, emoticon_id: int, state: str) -> Order:
    """An order of 100 units brought to ``state`` by the services alone (paid_card / paid_va say how)."""
    order = billing.order_create(partner=partner, emoticon_id=emoticon_id, period_days=30, quantity=100)
    if state == "pending_payment":
        return order
    if state in {"paid_card", "partially_issued", "issued", "refunded"}:
        billing.order_pay_by_card(order_id=order.pk, partner=partner, card_token=APPROVE_TOKEN)
        if state in {"partially_issued", "issued"}:
            with transaction.atomic():
                billing.order_reserve_issuance(
                    order_id=order.pk, partner=partner, quantity=10 if state == "partially_issued" else None
                )
                if state == "issued":  # as codes reports once the last code is written
                    billing.order_mark_issued(order_id=order.pk, every_code_written=lambda: True)
        if state == "refunded":
            billing.order_refund(order_id=order.pk, partner=partner)
        return Order.objects.get(pk=order.pk)
    billing.order_open_virtual_account(order_id=order.pk, partner=partner)
    if state == "cancelled":
        billing.order_cancel(order_id=order.pk, partner=partner)
    elif state == "expired":
        billing.order_expire_overdue(now=timezone.now() + timedelta(days=30))
    elif state in {"paid_va", "refund_pending"}:
        billing.payment_deposit_receive(body=(signed := signed_deposit(order))[0], signature=signed[1])
        if state == "refund_pending":
            billing.order_refund(order_id=order.pk, partner=partner, refund_account=REFUND_ACCOUNT)
    return Order.objects.get(pk=order.pk)


def run_action(client: Client, model: str, action: str, pks: list[int]) -> Response:
    """An admin changelist action of the billing app on the selected rows, following its redirect."""
    return client.post(
        f"/admin/billing/{model}/",
        {"action": action, "_selected_action": [str(pk) for pk in pks], "index": "0"},
        follow=True,
    )
