"""Invoice helpers: moments in Seoul time, and what a refund does to a payment."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bizshop.billing.models import Order, OrderStatus, Payment

KST = ZoneInfo("Asia/Seoul")


def kst(*args: int) -> datetime:
    return datetime(*args, tzinfo=KST)  # type: ignore[arg-type,misc]


def cancel(payment: Payment, at: datetime) -> None:
    """What the billing refund does to a payment (the test marks it, then calls the amendment)."""
    Payment.objects.filter(pk=payment.pk).update(status="cancelled", cancelled_at=at)
    Order.objects.filter(payments=payment).update(status=OrderStatus.REFUNDED, refunded_at=at)
