"""Order reads."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bizshop.billing import errors
from bizshop.billing.models import (
    DepositOutcome,
    Order,
    OrderEvent,
    OrderStatus,
    Payment,
    PaymentMethod,
    PaymentStatus,
)
from bizshop.catalog.models import Emoticon
from bizshop.catalog.selectors import emoticon_price_for_sale
from bizshop.core.errors import ApplicationError
from bizshop.core.money import Amounts, amounts_for
from bizshop.partners.models import Partner

# Order dates a partner filters by are the shop's calendar days, whatever the visitor's time zone.
SHOP_TIME_ZONE = "Asia/Seoul"


@dataclass(frozen=True)
class OrderPrice:
    """What an order of this emoticon, period and quantity would cost now (견적)."""

    emoticon: Emoticon
    period_days: int
    quantity: int
    unit_price: int
    amounts: Amounts


def order_price(*, emoticon_id: int, period_days: int, quantity: int) -> OrderPrice:
    """Price an order, refusing exactly what order creation refuses (the quote uses it too)."""
    price = emoticon_price_for_sale(emoticon_id=emoticon_id, period_days=period_days)
    emoticon = price.emoticon
    if not emoticon.min_quantity <= quantity <= emoticon.max_quantity:
        raise errors.QUANTITY_OUT_OF_RANGE(
            min_quantity=emoticon.min_quantity, max_quantity=emoticon.max_quantity, quantity=quantity
        )
    return OrderPrice(
        emoticon=emoticon,
        period_days=period_days,
        quantity=quantity,
        unit_price=price.unit_price,
        amounts=amounts_for(unit_price=price.unit_price, quantity=quantity),
    )


REFUNDABLE = frozenset({OrderStatus.PAID})
ISSUABLE = frozenset({OrderStatus.PAID, OrderStatus.PARTIALLY_ISSUED, OrderStatus.ISSUED})
UNPAID = frozenset({OrderStatus.PENDING_PAYMENT, OrderStatus.AWAITING_DEPOSIT})


class OrderAction(StrEnum):
    """What a partner may ask of an order; the values are the portal's action names."""

    PAY_CARD = "pay_card"
    PAY_VIRTUAL_ACCOUNT = "pay_virtual_account"
    # The sandbox PG sends the deposit of the open virtual account (the gateway must be the sandbox too).
    SANDBOX_DEPOSIT = "sandbox_deposit"
    CANCEL = "cancel"
    REFUND = "refund"
    ISSUE = "issue"
    # 합산 세금계산서 요청: only for an order whose every code is issued.
    REQUEST_MERGED_INVOICE = "request_merged_invoice"


# The ``action`` an invalid_state refusal names, as the API has always given it.
_STATE_ACTION_NAMES = {
    OrderAction.PAY_CARD: "pay",
    OrderAction.PAY_VIRTUAL_ACCOUNT: "pay",
    OrderAction.SANDBOX_DEPOSIT: "deposit",
    OrderAction.CANCEL: "cancel",
    OrderAction.REFUND: "refund",
    OrderAction.ISSUE: "issue",
    OrderAction.REQUEST_MERGED_INVOICE: "request_merged_invoice",
}


def order_action_refusal(order: Order, action: OrderAction) -> ApplicationError | None:
    """Why ``action`` may not be done to the order as it stands, or ``None`` if it may.

    The one statement of the order's rules: the portal shows its buttons from it and each
    service refuses with it (under the order's row lock, so the answer is the current one).
    """
    status = order.status
    if action in (OrderAction.PAY_CARD, OrderAction.PAY_VIRTUAL_ACCOUNT):
        allowed = status == OrderStatus.PENDING_PAYMENT
    elif action == OrderAction.SANDBOX_DEPOSIT:
        allowed = status == OrderStatus.AWAITING_DEPOSIT
    elif action == OrderAction.CANCEL:
        allowed = status in UNPAID
    elif action == OrderAction.REFUND:
        # Once a code is out, the money stays: that is said before the state.
        if order.issued_quantity > 0:
            return errors.CODES_ALREADY_ISSUED(issued_quantity=order.issued_quantity)
        allowed = status in REFUNDABLE
    elif action == OrderAction.ISSUE:
        if status in ISSUABLE and order.remaining_quantity < 1:
            return errors.QUANTITY_EXCEEDS_REMAINING(remaining=0)
        allowed = status in ISSUABLE
    else:
        allowed = status == OrderStatus.ISSUED
    return None if allowed else errors.INVALID_STATE(status=status, action=_STATE_ACTION_NAMES[action])


def order_available_actions(order: Order) -> frozenset[OrderAction]:
    """What may be done to the order now (각 상태에서 가능한 요청)."""
    return frozenset(action for action in OrderAction if order_action_refusal(order, action) is None)


def order_action_guard(order: Order, action: OrderAction) -> None:
    """Raise the refusal of ``action`` if the order does not allow it now."""
    refusal = order_action_refusal(order, action)
    if refusal is not None:
        raise refusal


def order_list_for_partner(*, partner: Partner) -> QuerySet[Order]:
    """The partner's orders, each with ``registered_quantity``: its codes end users have registered."""
    from bizshop.codes.models import CodeStatus, SerialCode

    registered = (
        SerialCode.objects.filter(order=OuterRef("pk"), status=CodeStatus.REGISTERED)
        .order_by()
        .values("order")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        Order.objects.filter(partner=partner)
        .prefetch_related("payments")
        .annotate(registered_quantity=Coalesce(Subquery(registered), 0))
    )


def order_list_filtered(
    *,
    partner: Partner,
    status: str = "",
    search: str = "",
    ordered_from: date | None = None,
    ordered_to: date | None = None,
) -> QuerySet[Order]:
    """구매내역 as filtered on the page and in its CSV: status, a word of the memo or the emoticon's name,
    and the order date (Asia/Seoul calendar days, both ends included), newest first."""
    if ordered_from and ordered_to and ordered_from > ordered_to:
        raise errors.INVALID_DATE_RANGE(ordered_from=ordered_from.isoformat(), ordered_to=ordered_to.isoformat())
    orders = order_list_for_partner(partner=partner)
    if status:
        orders = orders.filter(status=status)
    for word in search.split():
        orders = orders.filter(Q(memo__icontains=word) | Q(emoticon_title__icontains=word))
    # A range on the column itself (not created_at::date), so the partner's index still serves it.
    if ordered_from:
        orders = orders.filter(created_at__gte=_seoul_midnight(ordered_from))
    if ordered_to:
        orders = orders.filter(created_at__lt=_seoul_midnight(ordered_to + timedelta(days=1)))
    return orders.order_by("-id")


def _seoul_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), zoneinfo.ZoneInfo(SHOP_TIME_ZONE))


def order_get_for_partner(*, partner: Partner, order_id: int) -> Order:
    order = order_list_for_partner(partner=partner).filter(pk=order_id).first()
    if order is None:
        raise errors.ORDER_NOT_FOUND()
    return order


def order_payment(*, order: Order) -> Payment | None:
    """The order's payment that took money (approved, or approved then refunded), from the
    prefetch when there is one: its id is what a merge request (병합 발행 신청) names."""
    paid = [p for p in order.payments.all() if p.approved_at is not None]
    return max(paid, key=lambda p: p.pk) if paid else None


def order_virtual_account(*, order: Order) -> Payment | None:
    """The order's virtual-account payment (from the prefetch when there is one)."""
    accounts = [p for p in order.payments.all() if p.method == PaymentMethod.VIRTUAL_ACCOUNT]
    return max(accounts, key=lambda p: p.pk) if accounts else None


def order_events(*, order: Order) -> QuerySet[OrderEvent]:
    return order.events.order_by("id")


def order_approved_payment(*, order: Order) -> Payment | None:
    """The payment that paid the order (still approved, or cancelled by a refund since)."""
    if order.paid_at is None:
        return None
    paid = order.payments.filter(approved_at__isnull=False).order_by("-id")
    return paid.filter(status=PaymentStatus.APPROVED).first() or paid.first()


_UNAPPLIED_REASONS = {
    DepositOutcome.WRONG_AMOUNT: gettext_lazy("입금액이 주문 금액과 달라 반영하지 않았습니다"),
    DepositOutcome.NOT_AWAITING: gettext_lazy("입금기한 만료·취소·결제 완료 후에 들어온 입금이라 반영하지 않았습니다"),
}


def order_event_text(event: OrderEvent) -> str:
    """One line a partner reads in the order history: the event and its figures."""
    data: dict[str, Any] = event.data or {}
    label = event.get_kind_display()
    kind = event.kind
    if kind == OrderEvent.Kind.ISSUANCE_REQUESTED and "quantity" in data:
        return _("일련번호 %(count)s개 발급") % {"count": f"{data['quantity']:,}"}
    if kind == OrderEvent.Kind.UNAPPLIED_DEPOSIT:
        reason = _UNAPPLIED_REASONS.get(data.get("outcome", ""), "")
        return _("%(label)s: %(amount)s원 — %(reason)s. 운영자가 환불해 드립니다.") % {
            "label": label,
            "amount": f"{data.get('amount', 0):,}",
            "reason": str(reason),
        }
    if kind == OrderEvent.Kind.CREATED and "total_amount" in data:
        return _("%(label)s: %(quantity)s개, %(amount)s원") % {
            "label": label,
            "quantity": f"{data.get('quantity', 0):,}",
            "amount": f"{data['total_amount']:,}",
        }
    if kind == OrderEvent.Kind.DEPOSIT_RECEIVED and data.get("confirmed_by_operator"):
        return _("%(label)s: %(amount)s원 (운영자 확인)") % {"label": label, "amount": f"{data.get('amount', 0):,}"}
    if "amount" in data:
        return _("%(label)s: %(amount)s원") % {"label": label, "amount": f"{data['amount']:,}"}
    return str(label)


@dataclass(frozen=True)
class OrderEventView:
    id: int
    kind: str
    label: str
    text: str
    data: dict[str, Any]
    created_at: datetime


def order_event_view(event: OrderEvent) -> OrderEventView:
    """An event as the partner sees it (API and portal): the operator who acted is not shown."""
    return OrderEventView(
        id=event.pk,
        kind=event.kind,
        label=str(event.get_kind_display()),
        text=order_event_text(event),
        data=event.data or {},
        created_at=event.created_at,
    )


def order_event_list(*, order: Order) -> list[OrderEventView]:
    """The order's history, oldest first."""
    return [order_event_view(event) for event in order_events(order=order)]
