"""What other apps do inside billing's transactions, without billing importing them.

Tax invoices (세금계산서) register here in ``InvoicesConfig.ready``: when money of an approved
payment goes back, the amendment is written in the refund's own transaction, so a refund
never commits without it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class PaymentRefundedHandler(Protocol):
    def __call__(self, *, payment_id: int, refunded_at: datetime) -> object: ...


_payment_refunded: list[PaymentRefundedHandler] = []


def on_payment_refunded(handler: PaymentRefundedHandler) -> PaymentRefundedHandler:
    """Register ``handler`` to run in the refund's transaction after the payment is cancelled."""
    if handler not in _payment_refunded:
        _payment_refunded.append(handler)
    return handler


def payment_refunded(*, payment_id: int, refunded_at: datetime) -> None:
    for handler in _payment_refunded:
        handler(payment_id=payment_id, refunded_at=refunded_at)
