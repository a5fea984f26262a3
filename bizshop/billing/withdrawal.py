"""Billing's answer to a partner's withdrawal (탈퇴): its blockers and its purge.

Purge: the purchase history goes (events, orders without codes, payments that never took
money); orders whose codes were handed out stay, stripped of their amounts, so the codes stay
registrable; every payment that took money stays as the tax record it is (its own copy of the
sale and the partner), for the month's invoice run and reconciliation.
"""

from __future__ import annotations

from django.db.models import F

from bizshop.billing.models import (
    DepositNotification,
    DepositRefundStatus,
    Order,
    OrderEvent,
    OrderStatus,
    Payment,
)
from bizshop.billing.selectors import order_list_for_partner
from bizshop.partners.models import Partner
from bizshop.partners.withdrawal import WithdrawalAnswer, id_batches


def _order_ids(partner: Partner) -> list[int]:
    return list(Order.objects.filter(partner=partner).order_by("pk").values_list("pk", flat=True))


def _lock(partner: Partner) -> None:
    # Every order transition locks its order row: holding them all, no deposit, payment,
    # issuance or refund can change the picture between the check and the purge.
    list(Order.objects.select_for_update().filter(partner=partner).order_by("pk").values_list("pk", flat=True))


def _ids(partner: Partner, *statuses: str, remaining_only: bool = False) -> list[int]:
    orders = Order.objects.filter(partner=partner, status__in=statuses)
    if remaining_only:
        orders = orders.filter(issued_quantity__lt=F("quantity"))
    return list(orders.order_by("pk").values_list("pk", flat=True))


def _blockers(partner: Partner) -> dict[str, list[int]]:
    # Money that arrived but could not pay its order (after expiry, a wrong amount, a second
    # deposit) is a refund in progress too, until an operator has sent it back.
    unreturned = (
        DepositNotification.objects.filter(refund_status=DepositRefundStatus.REQUIRED, payment__order__partner=partner)
        .order_by()
        .values_list("payment__order_id", flat=True)
    )
    return {
        "pending_deposit": _ids(partner, OrderStatus.AWAITING_DEPOSIT),
        "unissued_codes": _ids(partner, OrderStatus.PAID, OrderStatus.PARTIALLY_ISSUED, remaining_only=True),
        "refund_in_progress": sorted(set(_ids(partner, OrderStatus.REFUND_PENDING)) | set(unreturned)),
    }


def _purge(partner: Partner) -> dict[str, int]:
    order_ids = _order_ids(partner)
    # An order with units committed to issuance has codes pointing at it (issued_quantity is
    # billing's own count of them): it stays, zeroed, for the codes' sake.
    kept = set(Order.objects.filter(partner=partner, issued_quantity__gt=0).order_by().values_list("pk", flat=True))
    gone = [pk for pk in order_ids if pk not in kept]
    kept_payments = 0
    for ids in id_batches(order_ids):
        OrderEvent.objects.filter(order_id__in=ids).delete()
        Payment.objects.filter(order_id__in=ids, approved_at__isnull=True).delete()
        kept_payments += Payment.objects.filter(order_id__in=ids).update(order=None)
    for ids in id_batches(gone):
        Order.objects.filter(pk__in=ids).delete()
    for ids in id_batches(sorted(kept)):
        Order.objects.filter(pk__in=ids).update(
            unit_price=0, supply_amount=0, vat_amount=0, total_amount=0, refunded_at=None
        )
    return {"deleted_orders": len(gone), "kept_orders_with_codes": len(kept), "kept_payments": kept_payments}


def _orders(partner: Partner, order_ids: set[int]) -> dict[int, Order]:
    return order_list_for_partner(partner=partner).in_bulk(order_ids)


WITHDRAWAL_ANSWER = WithdrawalAnswer(
    app="billing", order=90, lock=_lock, blockers=_blockers, purge=_purge, orders=_orders
)
