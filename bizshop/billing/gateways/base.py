"""What a payment gateway (PG) must do for the shop; a real Korean PG adapter implements this.

The shop talks to its PG only through ``PaymentGateway``. The sandbox
(``bizshop.billing.gateways.sandbox.SandboxGateway``) is the default; a real adapter
(e.g. ``bizshop/billing/gateways/<pg>.py`` wrapping the PG's card approval, cancel and
virtual-account APIs) is a class with the same methods, selected by the dotted path in the
``PAYMENT_GATEWAY`` setting. Its deposit webhook posts to
``/api/v1/payments/deposit-notifications/`` and ``verify_deposit_notification`` turns the
PG's signed body into a ``DepositNotice``; everything after that (replays, amounts, late
deposits) is the shop's, in ``bizshop.billing.services``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


class PaymentDeclined(Exception):
    """The PG refused the card; ``reason`` is the PG's own text, safe to show."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class PaymentAmountMismatch(PaymentDeclined):
    """The PG's payment is not for the order's total in KRW (a tampered amount): the adapter has
    already asked the PG to cancel it; the order stays payable."""


class PaymentPending(Exception):
    """The PG did not say in time whether the payment went through (timeout, unreachable, still
    pending): the attempt is recorded as pending and the reconciliation task asks again."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class CancelFailed(Exception):
    """The PG did not cancel the card approval (환불 실패); ``reason`` is the PG's own text."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class InvalidNotification(Exception):
    """A deposit notification that must not be trusted (bad signature, unreadable body)."""


class IgnoredNotification(Exception):
    """A genuine notification that is not a deposit (a PG also reports card payments, cancels…):
    acknowledged. ``transaction_id`` names the PG payment it was about, if any: a card payment of
    the shop still pending is then settled at once rather than at the next reconciliation.
    ``order_reference`` names the order a card payment was made for (the PG's payment id carries
    it): a payment the shop holds no row of at all — the partner paid, then closed the page before
    it came back — is then recorded and settled, never lost."""

    def __init__(self, reason: str, *, transaction_id: str = "", order_reference: str = ""):
        super().__init__(reason)
        self.transaction_id = transaction_id
        self.order_reference = order_reference


@dataclass(frozen=True)
class CardApproval:
    transaction_id: str
    approved_at: datetime


@dataclass(frozen=True)
class VirtualAccount:
    transaction_id: str
    bank: str
    account_number: str
    due_at: datetime


@dataclass(frozen=True)
class DepositNotice:
    """A verified deposit notification: the PG says ``amount`` arrived on ``account_number``."""

    notification_id: str
    transaction_id: str
    account_number: str
    amount: int
    deposited_at: datetime


class PaymentGateway(Protocol):
    name: str

    def approve_card(self, *, amount: int, card_token: str, order_reference: str) -> CardApproval:
        """Charge a tokenised card at once (or, for a PG whose browser SDK already charged it,
        confirm that payment: ``card_token`` is then the PG's payment id); raise PaymentDeclined
        when the PG refuses, PaymentAmountMismatch when the payment is not for ``amount`` KRW,
        PaymentPending when the PG's answer is unknown. Asking again about the same token must be
        safe: the reconciliation does it for pending attempts."""
        ...

    def cancel_card(self, *, transaction_id: str, amount: int, reason: str = "") -> None:
        """Cancel an approval in full (환불); raise CancelFailed when the PG refuses or cannot be reached."""
        ...

    def open_virtual_account(self, *, amount: int, order_reference: str, due_at: datetime) -> VirtualAccount:
        """Open a one-off virtual account (가상계좌) expecting exactly ``amount`` by ``due_at``."""
        ...

    def close_virtual_account(self, *, transaction_id: str) -> None:
        """Close an account that must take no more money (order cancelled or expired)."""
        ...

    def verify_deposit_notification(
        self, *, body: bytes, signature: str, headers: Mapping[str, str] | None = None
    ) -> DepositNotice:
        """Check the PG's signature on a deposit notification and parse it; raise InvalidNotification,
        or IgnoredNotification for a genuine notification that is not a deposit. ``headers`` are
        the request's, for a PG that signs with several of them."""
        ...
