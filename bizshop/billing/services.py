"""Order state machine: every transition is one function here, under a row lock.

pending_payment → awaiting_deposit → paid → partially_issued → issued,
plus cancelled (unpaid), expired (deposit never came), refund_pending → refunded.
Transitions lock the order row (``select_for_update``) so that two of them racing on one
order run one after the other and the second sees the first's result; check constraints
on the table back the rules that must never break. Rows are always locked in the same
order: order, then its payment, then a deposit notification.

Money that arrives but cannot pay its order (wrong amount, after expiry or cancel, a second
deposit) is recorded as a ``DepositNotification`` with ``refund_status=required`` and an
order event; an operator returns it and marks it done (``deposit_refund_complete``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bizshop.accounts.models import User
from bizshop.billing import errors, hooks
from bizshop.billing.banks import BANK_NAMES
from bizshop.billing.gateways import get_gateway
from bizshop.billing.gateways.base import (
    CancelFailed,
    CardApproval,
    DepositNotice,
    IgnoredNotification,
    InvalidNotification,
    PaymentAmountMismatch,
    PaymentDeclined,
    PaymentPending,
)
from bizshop.billing.gateways.sandbox import SandboxGateway
from bizshop.billing.models import (
    DepositNotification,
    DepositOutcome,
    DepositRefundStatus,
    Order,
    OrderEvent,
    OrderStatus,
    Payment,
    PaymentMethod,
    PaymentStatus,
)
from bizshop.billing.selectors import (
    OrderAction,
    order_action_guard,
    order_price,
)
from bizshop.core.models import IdempotencyRecord
from bizshop.partners.models import Partner
from bizshop.webhooks.models import WebhookEvent
from bizshop.webhooks.services import webhook_emit

logger = logging.getLogger(__name__)

# The order events partners can also receive as webhooks (sent after the transaction commits).
WEBHOOK_FOR_EVENT = {
    OrderEvent.Kind.PAYMENT_APPROVED: WebhookEvent.ORDER_PAID,
    OrderEvent.Kind.DEPOSIT_RECEIVED: WebhookEvent.ORDER_PAID,
    OrderEvent.Kind.REFUND_COMPLETED: WebhookEvent.REFUND_COMPLETED,
}
# API.md: an Idempotency-Key is remembered this long.
IDEMPOTENCY_KEY_TTL = timedelta(hours=24)


def _event(order: Order, kind: OrderEvent.Kind, *, actor: Any = None, **data: Any) -> None:
    OrderEvent.objects.create(order=order, kind=kind, data=data, actor=actor)
    webhook = WEBHOOK_FOR_EVENT.get(kind)
    if webhook is not None:
        webhook_emit(
            partner_id=order.partner_id,
            event=webhook,
            data={"order_id": order.pk, "status": order.status, "total_amount": order.total_amount, **data},
        )


def _lock_order(*, order_id: int, partner: Partner | None) -> Order:
    """The order row, locked for this transaction; 404 when it is not the partner's."""
    queryset = Order.objects.select_for_update()
    if partner is not None:
        queryset = queryset.filter(partner=partner)
    order = queryset.filter(pk=order_id).first()
    if order is None:
        raise errors.ORDER_NOT_FOUND()
    return order


def _refuse(order: Order, action: str) -> None:
    raise errors.INVALID_STATE(status=order.status, action=action)


def _sale(order: Order) -> dict[str, Any]:
    """What the payment is for, copied onto it: the tax record outlives the order (withdrawal)."""
    return {
        "partner_id": order.partner_id,
        "order_number": order.pk,
        "item": order.emoticon_title,
        "period_days": order.period_days,
        "quantity": order.quantity,
        "unit_price": order.unit_price,
        "supply_amount": order.supply_amount,
        "vat_amount": order.vat_amount,
    }


@transaction.atomic
def order_create(*, partner: Partner, emoticon_id: int, period_days: int, quantity: int) -> Order:
    price = order_price(emoticon_id=emoticon_id, period_days=period_days, quantity=quantity)
    order = Order.objects.create(
        partner=partner,
        emoticon=price.emoticon,
        emoticon_title=price.emoticon.title,
        period_days=period_days,
        quantity=quantity,
        unit_price=price.unit_price,
        supply_amount=price.amounts.supply,
        vat_amount=price.amounts.vat,
        total_amount=price.amounts.total,
    )
    _event(order, OrderEvent.Kind.CREATED, quantity=quantity, total_amount=price.amounts.total)
    return order


def _has_pending_payment(order: Order) -> bool:
    return order.payments.filter(status=PaymentStatus.PENDING).exists()


def _refuse_while_pending(order: Order) -> None:
    """A card payment of the order is still being confirmed with the PG: paying again could charge
    twice, cancelling could lose the money; the reconciliation settles it first."""
    if _has_pending_payment(order):
        raise errors.PAYMENT_PENDING()


def _pending_payment_record(order: Order, *, gateway_name: str, transaction_id: str) -> Payment:
    """Record a card payment the PG has not (yet) confirmed to the shop as ``pending``."""
    payment = Payment.objects.create(
        order=order,
        method=PaymentMethod.CARD,
        status=PaymentStatus.PENDING,
        amount=order.total_amount,
        gateway=gateway_name,
        gateway_transaction_id=transaction_id,
        **_sale(order),
    )
    _event(order, OrderEvent.Kind.PAYMENT_PENDING, amount=order.total_amount, payment_id=payment.pk)
    return payment


def order_pay_by_card(*, order_id: int, partner: Partner, card_token: str) -> Order:
    """카드 결제: charge (sandbox) or confirm (PortOne: ``card_token`` is the PortOne payment id)
    the order's card payment. A PG that cannot say in time leaves the attempt ``pending`` —
    committed, the order unpaid and refusing another attempt — and raises ``payment_pending``;
    ``payment_reconcile_pending`` settles it later, exactly once."""
    pending: PaymentPending | None = None
    with transaction.atomic():
        # The lock is held across the PG call on purpose: a second payment of the same order
        # waits and then finds it paid, so a card is never charged twice for one order.
        order = _lock_order(order_id=order_id, partner=partner)
        order_action_guard(order, OrderAction.PAY_CARD)
        _refuse_while_pending(order)
        if card_token and Payment.objects.filter(gateway_transaction_id=card_token).exists():
            raise errors.PAYMENT_DECLINED(reason="payment already used")
        gateway = get_gateway()
        try:
            approval = gateway.approve_card(
                amount=order.total_amount, card_token=card_token, order_reference=str(order.pk)
            )
        except PaymentAmountMismatch as exc:
            logger.warning("card payment of a wrong amount for order %s: %s", order.pk, exc.reason)
            raise errors.PAYMENT_AMOUNT_MISMATCH(reason=exc.reason) from exc
        except PaymentDeclined as exc:
            logger.info("card declined for order %s: %s", order.pk, exc.reason)
            raise errors.PAYMENT_DECLINED(reason=exc.reason) from exc
        except PaymentPending as exc:
            logger.warning("card payment of order %s left pending: %s", order.pk, exc.reason)
            pending = exc
            _pending_payment_record(order, gateway_name=gateway.name, transaction_id=card_token)
        else:
            _card_approved(order, gateway_name=gateway.name, approval=approval)
    if pending is not None:
        # Raised after the commit: the pending attempt must stay recorded.
        raise errors.PAYMENT_PENDING(reason=pending.reason)
    return order


def _card_approved(order: Order, *, gateway_name: str, approval: CardApproval, payment: Payment | None = None) -> None:
    """The order (locked) is paid by this card approval; ``payment`` is its pending attempt, if any."""
    if payment is None:
        payment = Payment.objects.create(
            order=order,
            method=PaymentMethod.CARD,
            status=PaymentStatus.APPROVED,
            amount=order.total_amount,
            gateway=gateway_name,
            gateway_transaction_id=approval.transaction_id,
            approved_at=approval.approved_at,
            **_sale(order),
        )
    else:
        payment.status = PaymentStatus.APPROVED
        payment.approved_at = approval.approved_at
        payment.save(update_fields=["status", "approved_at"])
    order.status = OrderStatus.PAID
    order.paid_at = approval.approved_at
    order.save(update_fields=["status", "paid_at"])
    _event(order, OrderEvent.Kind.PAYMENT_APPROVED, amount=order.total_amount, payment_id=payment.pk)


def payment_reconcile_pending(*, now: datetime | None = None) -> int:
    """Settle card payments left pending by a PG that did not answer: ask the PG again (the same
    confirmation as at payment) and mark the order paid, or the attempt failed (the order payable
    again). A payment the PG took for an order that can no longer be paid is cancelled at the PG.
    One transaction per payment, under the order's lock: safe to run twice or concurrently, and
    each attempt is settled once. Returns how many were settled."""
    cutoff = (now or timezone.now()) - timedelta(seconds=settings.PORTONE_RECONCILE_AFTER_SECONDS)
    waiting = list(
        Payment.objects.filter(status=PaymentStatus.PENDING, created_at__lt=cutoff)
        .order_by("order_id", "id")
        .values_list("pk", "order_id")
    )
    settled = sum(_pending_settle_locked(payment_id, order_id) for payment_id, order_id in waiting)
    if settled:
        logger.info("settled %s pending card payments", settled)
    return settled


def _pending_settle_now(transaction_id: str, *, order_reference: str = "") -> None:
    """The PG reported on a payment (e.g. PortOne's Transaction.Paid webhook of a card payment): if it
    is one of ours still pending, settle it now, exactly as the reconciliation would. A card payment
    for one of our orders that the shop holds no row of (the partner paid and closed the page before
    it came back; the confirmation's commit failed) is recorded and settled the same way."""
    found = (
        Payment.objects.filter(status=PaymentStatus.PENDING, gateway_transaction_id=transaction_id)
        .values_list("pk", "order_id")
        .first()
    )
    if found is None:
        if order_reference.isdigit():
            _unrecorded_card_payment_settle(transaction_id, order_id=int(order_reference))
        return
    _pending_settle_locked(*found)


def _pending_settle_locked(payment_id: int, order_id: int | None) -> bool:
    """``_pending_settle`` in a transaction of its own, the order locked first (the lock every payment
    of it takes), the payment read again: one settled meanwhile is left alone (False)."""
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(pk=order_id).first() if order_id else None
        payment = Payment.objects.select_for_update().filter(pk=payment_id, status=PaymentStatus.PENDING).first()
        return payment is not None and _pending_settle(order, payment)


def _unrecorded_card_payment_settle(transaction_id: str, *, order_id: int) -> None:
    """Record a card payment the PG took for the order as a pending attempt and settle it: the order
    paid if it still awaits payment, otherwise the money sent back. Checked under the order's lock,
    which the page's own confirmation (``order_pay_by_card``) takes too: of the two, one records it."""
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(pk=order_id).first()
        if order is None or Payment.objects.filter(gateway_transaction_id=transaction_id).exists():
            return
        if order.status != OrderStatus.PENDING_PAYMENT or _has_pending_payment(order):
            _second_card_payment_return(order, transaction_id)
            return
        logger.warning("card payment %s of order %s known only by the PG's webhook", transaction_id, order_id)
        payment = _pending_payment_record(order, gateway_name=get_gateway().name, transaction_id=transaction_id)
        _pending_settle(order, payment)


def _second_card_payment_return(order: Order, transaction_id: str) -> None:
    """A card payment the PG took for an order already paid (or being paid) another way: confirmed
    with the PG like any, then cancelled there, and kept as a cancelled payment for the records."""
    gateway = get_gateway()
    try:
        approval = gateway.approve_card(
            amount=order.total_amount, card_token=transaction_id, order_reference=str(order.pk)
        )
    except (PaymentPending, PaymentDeclined) as exc:  # not paid after all, or refused (and cancelled) by the check
        logger.warning("second card payment %s of order %s not taken: %s", transaction_id, order.pk, exc.reason)
        return
    reason = "이미 결제된 주문의 중복 결제라 자동 취소"
    try:
        gateway.cancel_card(transaction_id=transaction_id, amount=order.total_amount, reason=reason)
    except CancelFailed as exc:
        logger.error("second card payment %s of order %s not cancellable: %s", transaction_id, order.pk, exc.reason)
        return
    payment = Payment.objects.create(
        order=order,
        method=PaymentMethod.CARD,
        status=PaymentStatus.CANCELLED,
        amount=order.total_amount,
        gateway=gateway.name,
        gateway_transaction_id=transaction_id,
        approved_at=approval.approved_at,
        cancelled_at=timezone.now(),
        **_sale(order),
    )
    _event(order, OrderEvent.Kind.PAYMENT_FAILED, amount=payment.amount, payment_id=payment.pk, reason="cancelled")


def _pending_settle(order: Order | None, payment: Payment) -> bool:
    gateway = get_gateway()
    try:
        approval = gateway.approve_card(
            amount=payment.amount, card_token=payment.gateway_transaction_id, order_reference=str(payment.order_number)
        )
    except PaymentPending as exc:
        logger.warning("pending card payment %s still unknown at the PG: %s", payment.pk, exc.reason)
        return False
    except PaymentDeclined as exc:
        payment.status = PaymentStatus.FAILED
        payment.cancelled_at = timezone.now()
        payment.save(update_fields=["status", "cancelled_at"])
        if order is not None:
            _event(
                order, OrderEvent.Kind.PAYMENT_FAILED, amount=payment.amount, payment_id=payment.pk, reason=exc.reason
            )
        return True
    if order is not None and order.status == OrderStatus.PENDING_PAYMENT:
        _card_approved(order, gateway_name=payment.gateway, approval=approval, payment=payment)
        return True
    # Paid at the PG, but the order is gone or no longer takes money: the money goes back.
    try:
        gateway.cancel_card(
            transaction_id=payment.gateway_transaction_id,
            amount=payment.amount,
            reason="주문이 결제를 받을 수 없는 상태라 자동 취소",
        )
    except CancelFailed as exc:
        logger.error("pending card payment %s paid but not cancellable: %s", payment.pk, exc.reason)
        return False
    payment.status = PaymentStatus.CANCELLED
    payment.cancelled_at = timezone.now()
    payment.save(update_fields=["status", "cancelled_at"])
    if order is not None:
        _event(order, OrderEvent.Kind.PAYMENT_FAILED, amount=payment.amount, payment_id=payment.pk, reason="cancelled")
    return True


@transaction.atomic
def order_open_virtual_account(*, order_id: int, partner: Partner) -> Order:
    order = _lock_order(order_id=order_id, partner=partner)
    order_action_guard(order, OrderAction.PAY_VIRTUAL_ACCOUNT)
    _refuse_while_pending(order)
    gateway = get_gateway()
    due_at = timezone.now() + timedelta(days=settings.VIRTUAL_ACCOUNT_DUE_DAYS)
    try:
        account = gateway.open_virtual_account(amount=order.total_amount, order_reference=str(order.pk), due_at=due_at)
    except PaymentDeclined as exc:
        logger.warning("virtual account refused for order %s: %s", order.pk, exc.reason)
        raise errors.VIRTUAL_ACCOUNT_FAILED(reason=exc.reason) from exc
    except PaymentPending as exc:
        # No account number was shown, so no money can arrive on it; the order stays payable.
        logger.warning("virtual account for order %s unknown: %s", order.pk, exc.reason)
        raise errors.PG_UNAVAILABLE() from exc
    Payment.objects.create(
        order=order,
        method=PaymentMethod.VIRTUAL_ACCOUNT,
        status=PaymentStatus.AWAITING_DEPOSIT,
        amount=order.total_amount,
        gateway=gateway.name,
        gateway_transaction_id=account.transaction_id,
        bank=account.bank,
        account_number=account.account_number,
        due_at=account.due_at,
        **_sale(order),
    )
    order.status = OrderStatus.AWAITING_DEPOSIT
    order.save(update_fields=["status"])
    _event(
        order,
        OrderEvent.Kind.VIRTUAL_ACCOUNT_OPENED,
        amount=order.total_amount,
        bank=account.bank,
        due_at=account.due_at.isoformat(),
    )
    return order


def payment_deposit_receive(
    *, body: bytes, signature: str, headers: Mapping[str, str] | None = None
) -> DepositNotification | None:
    """A deposit notification (입금 통지) from the PG: verified, recorded once, applied if it can be.

    Refused (``invalid_notification``, nothing written): a bad signature, an unreadable body,
    an account the shop never opened. Recorded, then refused: a wrong amount (the account
    was opened for exactly the order's total). Recorded and acknowledged: the deposit that
    pays the order, and money for an account that no longer awaits it (expired, cancelled,
    already paid), flagged for an operator refund. A replayed notification id is ignored.
    A genuine notification that is not a deposit (PortOne reports every payment) changes
    nothing and returns None.
    """
    try:
        notice = get_gateway().verify_deposit_notification(body=body, signature=signature, headers=headers)
    except InvalidNotification as exc:
        logger.warning("deposit notification refused: %s", exc)
        raise errors.INVALID_NOTIFICATION(reason=str(exc)) from exc
    except IgnoredNotification as exc:
        logger.info("notification acknowledged, not a deposit: %s", exc)
        if exc.transaction_id:
            _pending_settle_now(exc.transaction_id, order_reference=exc.order_reference)
        return None
    except PaymentPending as exc:
        # Verified, but the PG could not be asked about the payment: answered 503, so it is sent again.
        logger.warning("deposit notification not checked with the PG: %s", exc.reason)
        raise errors.PG_UNAVAILABLE() from exc
    with transaction.atomic():
        notification = _deposit_apply(notice)
    if notification.outcome == DepositOutcome.WRONG_AMOUNT:
        # Raised after the commit, so that the notice and its outcome stay for the operator.
        raise errors.INVALID_NOTIFICATION(reason=DepositOutcome.WRONG_AMOUNT.value)
    return notification


def _deposit_apply(notice: DepositNotice) -> DepositNotification:
    """Record a verified notice once and apply it if it pays its order."""
    found = (
        Payment.objects.filter(
            method=PaymentMethod.VIRTUAL_ACCOUNT,
            gateway_transaction_id=notice.transaction_id,
            account_number=notice.account_number,
        )
        .values_list("pk", "order_id")
        .first()
    )
    if found is None:
        logger.warning("deposit notification %s for unknown account %s", notice.notification_id, notice.transaction_id)
        raise errors.INVALID_NOTIFICATION(reason="unknown_account")
    # The order row first, then the payment: the order every transition locks them in, so a
    # cancel or refund racing this deposit waits for it instead of deadlocking with it.
    order = _lock_order(order_id=found[1], partner=None)
    payment = Payment.objects.select_for_update().get(pk=found[0])
    replayed = DepositNotification.objects.filter(notification_id=notice.notification_id).first()
    if replayed is not None:
        logger.info("deposit notification %s replayed: ignored", notice.notification_id)
        return replayed
    awaiting = order.status == OrderStatus.AWAITING_DEPOSIT and payment.status == PaymentStatus.AWAITING_DEPOSIT
    if awaiting and payment.due_at is not None and notice.deposited_at > payment.due_at:
        # The deadline passed before the money came; the periodic task has not caught up yet.
        _expire_locked(order)
        payment.refresh_from_db()
        awaiting = False
    if not awaiting:
        outcome = DepositOutcome.NOT_AWAITING
    elif notice.amount != payment.amount:
        outcome = DepositOutcome.WRONG_AMOUNT
    else:
        outcome = DepositOutcome.APPLIED
    applied = outcome == DepositOutcome.APPLIED
    refund_status = DepositRefundStatus.NOT_NEEDED if applied else DepositRefundStatus.REQUIRED
    try:
        with transaction.atomic():
            notification = DepositNotification.objects.create(
                notification_id=notice.notification_id,
                payment=payment,
                amount=notice.amount,
                deposited_at=notice.deposited_at,
                outcome=outcome,
                order_status=order.status,
                refund_status=refund_status,
            )
    except IntegrityError:
        # The same id for another account (two orders' locks do not serialise them): still a replay.
        logger.warning("deposit notification %s replayed for another account: ignored", notice.notification_id)
        return DepositNotification.objects.get(notification_id=notice.notification_id)
    if not applied:
        logger.warning(
            "deposit notification %s of %s for order %s (%s, expecting %s): %s, flagged for refund",
            notice.notification_id,
            notice.amount,
            order.pk,
            order.status,
            payment.amount,
            outcome,
        )
        _event(order, OrderEvent.Kind.UNAPPLIED_DEPOSIT, amount=notice.amount, outcome=outcome.value)
        return notification
    payment.status = PaymentStatus.APPROVED
    payment.approved_at = notice.deposited_at
    payment.save(update_fields=["status", "approved_at"])
    order.status = OrderStatus.PAID
    order.paid_at = notice.deposited_at
    order.save(update_fields=["status", "paid_at"])
    _event(order, OrderEvent.Kind.DEPOSIT_RECEIVED, amount=notice.amount, payment_id=payment.pk)
    return notification


def order_deposit_confirm(*, order_id: int, operator: User, note: str = "") -> Order:
    """Operator: 입금 수동 확인 — the money of a virtual-account order is seen on the bank
    statement although no notification applied it (the PG's was lost, or the partner paid by
    plain transfer). The order becomes paid exactly as by a deposit, its account is closed at
    the PG, and the confirmation is audited. A PG notification arriving later for the same
    account finds the order paid and is flagged for an operator refund, like any second deposit,
    so the operator reconciles it instead of the shop keeping money twice.
    """
    from bizshop.backoffice.models import OperatorAction
    from bizshop.backoffice.services import operator_action_record, operator_require

    operator_require(operator=operator, permission="backoffice.confirm_deposits")
    with transaction.atomic():
        order = _lock_order(order_id=order_id, partner=None)
        payment = order.payments.select_for_update().filter(status=PaymentStatus.AWAITING_DEPOSIT).first()
        if order.status != OrderStatus.AWAITING_DEPOSIT or payment is None:
            _refuse(order, "deposit_confirm")
            raise AssertionError  # unreachable: _refuse raises
        now = timezone.now()
        get_gateway().close_virtual_account(transaction_id=payment.gateway_transaction_id)
        payment.status = PaymentStatus.APPROVED
        payment.approved_at = now
        payment.save(update_fields=["status", "approved_at"])
        order.status = OrderStatus.PAID
        order.paid_at = now
        order.save(update_fields=["status", "paid_at"])
        _event(
            order,
            OrderEvent.Kind.DEPOSIT_RECEIVED,
            actor=operator,
            amount=payment.amount,
            payment_id=payment.pk,
            confirmed_by_operator=True,
        )
        operator_action_record(
            operator=operator,
            kind=OperatorAction.Kind.DEPOSIT_CONFIRMED,
            target=order,
            data={"partner_id": order.partner_id, "payment_id": payment.pk, "amount": payment.amount, "note": note},
        )
    return order


def sandbox_deposit_send(*, order_id: int, partner: Partner) -> Order:
    """Sandbox only: make the sandbox PG send the deposit notification for this order."""
    gateway = get_gateway()
    if not isinstance(gateway, SandboxGateway):
        raise errors.SANDBOX_ONLY()
    order = Order.objects.filter(pk=order_id, partner=partner).first()
    if order is None:
        raise errors.ORDER_NOT_FOUND()
    order_action_guard(order, OrderAction.SANDBOX_DEPOSIT)
    payment = order.payments.filter(status=PaymentStatus.AWAITING_DEPOSIT).first()
    if payment is None:
        _refuse(order, "deposit")
        raise AssertionError  # unreachable: _refuse raises
    body, signature = gateway.deposit_notification(
        transaction_id=payment.gateway_transaction_id, account_number=payment.account_number, amount=payment.amount
    )
    payment_deposit_receive(body=body, signature=signature)
    order.refresh_from_db()
    return order


def _close_virtual_accounts(order: Order, *, status: PaymentStatus, now: datetime) -> None:
    """The order's open virtual account stops taking money, here and at the PG."""
    gateway = get_gateway()
    for payment in order.payments.select_for_update().filter(status=PaymentStatus.AWAITING_DEPOSIT):
        gateway.close_virtual_account(transaction_id=payment.gateway_transaction_id)
        payment.status = status
        payment.cancelled_at = now
        payment.save(update_fields=["status", "cancelled_at"])


@transaction.atomic
def order_cancel(*, order_id: int, partner: Partner) -> Order:
    order = _lock_order(order_id=order_id, partner=partner)
    order_action_guard(order, OrderAction.CANCEL)
    _refuse_while_pending(order)
    _close_virtual_accounts(order, status=PaymentStatus.CANCELLED, now=timezone.now())
    order.status = OrderStatus.CANCELLED
    order.save(update_fields=["status"])
    _event(order, OrderEvent.Kind.CANCELLED)
    return order


def _expire_locked(order: Order) -> None:
    _close_virtual_accounts(order, status=PaymentStatus.EXPIRED, now=timezone.now())
    order.status = OrderStatus.EXPIRED
    order.save(update_fields=["status"])
    _event(order, OrderEvent.Kind.EXPIRED)


def order_expire_overdue(*, now: datetime | None = None) -> int:
    """입금기한 만료: expire orders whose virtual-account deposit did not arrive by the due date.

    One transaction per order, so one order's trouble (a PG error closing its account)
    neither holds nor undoes the others; safe to run twice or concurrently.
    """
    now = now or timezone.now()
    overdue = (
        Payment.objects.filter(status=PaymentStatus.AWAITING_DEPOSIT, due_at__lt=now)
        .order_by("order_id")
        .values_list("order_id", flat=True)
    )
    expired = 0
    for order_id in list(overdue):
        with transaction.atomic():
            order = Order.objects.select_for_update().filter(pk=order_id).first()
            if order is None or order.status != OrderStatus.AWAITING_DEPOSIT:
                continue  # paid or cancelled meanwhile
            _expire_locked(order)
            expired += 1
    if expired:
        logger.info("expired %s orders whose deposit did not arrive", expired)
    return expired


def refund_account_clean(*, bank: str, account_number: str, holder: str) -> dict[str, str]:
    """The account a virtual-account refund goes to: a bank of the fixed list, 10–16 digits
    (hyphens and spaces allowed as typed), a holder's name. Each bad field is named."""
    bank = (bank or "").strip()
    digits = "".join(ch for ch in (account_number or "") if ch not in "- ")
    holder = " ".join((holder or "").split())
    problems: dict[str, list[str]] = {}
    if bank not in BANK_NAMES:
        problems["bank"] = [str(_("목록에 있는 은행을 선택해 주세요."))]
    # isascii: a full-width "１２３" is a digit to str.isdigit, not to a bank.
    if not (digits.isascii() and digits.isdigit() and 10 <= len(digits) <= 16):
        problems["account_number"] = [str(_("계좌번호는 숫자 10~16자리입니다."))]
    if not holder or len(holder) > 50:
        problems["holder"] = [str(_("예금주 이름을 50자 이내로 입력해 주세요."))]
    if problems:
        raise errors.INVALID_REFUND_ACCOUNT(fields=problems)
    return {"refund_bank": bank, "refund_account_number": digits, "refund_account_holder": holder}


def _payment_cancel(payment: Payment, *, now: datetime) -> None:
    """The approved payment's money is back with the partner: cancelled, and every app that
    keeps a record of it (tax invoices: the amendment) answers in this same transaction."""
    payment.status = PaymentStatus.CANCELLED
    payment.cancelled_at = now
    payment.save(update_fields=["status", "cancelled_at"])
    hooks.payment_refunded(payment_id=payment.pk, refunded_at=now)


@transaction.atomic
def order_refund(*, order_id: int, partner: Partner, refund_account: dict[str, str] | None = None) -> Order:
    """취소/환불: only while no code of the order is issued; card at once, transfer by an operator
    to the account the partner names (``refund_account``: bank, account_number, holder)."""
    order = _lock_order(order_id=order_id, partner=partner)
    order_action_guard(order, OrderAction.REFUND)
    payment = order.payments.select_for_update().get(status=PaymentStatus.APPROVED)
    now = timezone.now()
    if payment.method == PaymentMethod.CARD:
        _event(order, OrderEvent.Kind.REFUND_REQUESTED, amount=payment.amount, payment_id=payment.pk)
        # Every record first (the amended invoice included), the PG last: a failure writing them
        # rolls back before any money moves, and a PG refusal rolls them all back, the order
        # staying paid. Only a failed commit after the PG's yes is left, for the operator.
        _payment_cancel(payment, now=now)
        order.status = OrderStatus.REFUNDED
        order.refunded_at = now
        order.save(update_fields=["status", "refunded_at"])
        _event(order, OrderEvent.Kind.REFUND_COMPLETED, amount=payment.amount, payment_id=payment.pk)
        try:
            get_gateway().cancel_card(
                transaction_id=payment.gateway_transaction_id,
                amount=payment.amount,
                reason=f"이모티콘 비즈샵 주문 #{order.pk} 환불 (고객 요청)",
            )
        except CancelFailed as exc:
            logger.warning("card cancel refused by the PG for order %s: %s", order.pk, exc.reason)
            raise errors.REFUND_FAILED(reason=exc.reason) from exc
        return order
    given = refund_account or {}
    account = refund_account_clean(
        bank=str(given.get("bank", "")),
        account_number=str(given.get("account_number", "")),
        holder=str(given.get("holder", "")),
    )
    for name, value in account.items():
        setattr(payment, name, value)
    payment.save(update_fields=list(account))
    _event(
        order,
        OrderEvent.Kind.REFUND_REQUESTED,
        amount=payment.amount,
        payment_id=payment.pk,
        bank=BANK_NAMES[account["refund_bank"]],
    )
    order.status = OrderStatus.REFUND_PENDING
    order.save(update_fields=["status"])
    return order


def order_refund_complete(*, order_id: int, operator: User) -> Order:
    """Operator: the bank transfer of a virtual-account refund (환불 계좌이체) to the partner's
    account is done; audited."""
    from bizshop.backoffice.models import OperatorAction
    from bizshop.backoffice.services import operator_action_record, operator_require

    operator_require(operator=operator, permission="billing.change_order")
    with transaction.atomic():
        order = _lock_order(order_id=order_id, partner=None)
        if order.status != OrderStatus.REFUND_PENDING:
            _refuse(order, "refund_complete")
        now = timezone.now()
        payment = order.payments.select_for_update().get(status=PaymentStatus.APPROVED)
        _payment_cancel(payment, now=now)
        order.status = OrderStatus.REFUNDED
        order.refunded_at = now
        order.save(update_fields=["status", "refunded_at"])
        _event(order, OrderEvent.Kind.REFUND_COMPLETED, actor=operator, amount=payment.amount, payment_id=payment.pk)
        operator_action_record(
            operator=operator,
            kind=OperatorAction.Kind.REFUND_COMPLETED,
            target=order,
            data={
                "partner_id": order.partner_id,
                "payment_id": payment.pk,
                "amount": payment.amount,
                "bank": payment.refund_bank,
                "account_number": payment.refund_account_number,
                "holder": payment.refund_account_holder,
            },
        )
    return order


def deposit_refund_complete(*, notification_id: int, operator: User) -> DepositNotification:
    """Operator: money that could not pay its order was sent back (환불 처리 완료); audited."""
    from bizshop.backoffice.models import OperatorAction
    from bizshop.backoffice.services import operator_action_record, operator_require

    operator_require(operator=operator, permission="billing.change_depositnotification")
    with transaction.atomic():
        order_id = (
            DepositNotification.objects.filter(pk=notification_id).values_list("payment__order_id", flat=True).first()
        )
        order = _lock_order(order_id=order_id, partner=None) if order_id is not None else None
        notification = DepositNotification.objects.select_for_update().filter(pk=notification_id).first()
        if notification is None:
            raise errors.DEPOSIT_NOT_FOUND()
        if notification.refund_status != DepositRefundStatus.REQUIRED:
            raise errors.DEPOSIT_REFUND_NOT_REQUIRED(refund_status=notification.refund_status)
        notification.refund_status = DepositRefundStatus.COMPLETED
        notification.refund_completed_at = timezone.now()
        notification.refund_completed_by = operator
        notification.save(update_fields=["refund_status", "refund_completed_at", "refund_completed_by"])
        if order is not None:
            _event(order, OrderEvent.Kind.UNAPPLIED_DEPOSIT_REFUNDED, actor=operator, amount=notification.amount)
        operator_action_record(
            operator=operator,
            kind=OperatorAction.Kind.DEPOSIT_REFUNDED,
            target=notification,
            data={"order_id": order_id, "amount": notification.amount, "outcome": notification.outcome},
        )
    return notification


def idempotency_keys_purge(*, now: datetime | None = None) -> int:
    """Forget Idempotency-Keys older than 24 hours (API.md); returns how many went."""
    cutoff = (now or timezone.now()) - IDEMPOTENCY_KEY_TTL
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def order_reserve_issuance(*, order_id: int, partner: Partner, quantity: int | None) -> tuple[Order, int]:
    """Commit ``quantity`` units (default: all remaining) of a paid order to issuance.

    Must run inside the caller's transaction (the issuance row is created in it too). From
    here on the order counts as issued, so a refund racing this call either wins before it
    (and this one sees ``refunded``) or loses after it (and sees ``issued_quantity > 0``).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("order_reserve_issuance must run inside a transaction")
    order = _lock_order(order_id=order_id, partner=partner)
    order_action_guard(order, OrderAction.ISSUE)
    remaining = order.remaining_quantity
    units = remaining if quantity is None else quantity
    if units < 1 or units > remaining:
        raise errors.QUANTITY_EXCEEDS_REMAINING(requested=quantity, remaining=remaining)
    order.issued_quantity += units
    # ``issued`` only once the last code is written (order_mark_issued): until then the order is
    # partially issued, and its issuances show the progress.
    order.status = OrderStatus.PARTIALLY_ISSUED
    order.save(update_fields=["issued_quantity", "status"])
    _event(order, OrderEvent.Kind.ISSUANCE_REQUESTED, quantity=units)
    return order, units


def order_mark_issued(*, order_id: int, every_code_written: Callable[[], bool]) -> bool:
    """``partially_issued`` → ``issued`` once every unit is reserved and ``every_code_written()`` holds.

    Codes calls this when an issuance completes, in its transaction. The order's row lock comes
    before the question, so of two issuances completing at once the later one, waiting for the
    lock, sees the other committed and marks the order.
    """
    order = Order.objects.select_for_update().get(pk=order_id)
    if order.status != OrderStatus.PARTIALLY_ISSUED or order.issued_quantity != order.quantity:
        return False
    if not every_code_written():
        return False
    order.status = OrderStatus.ISSUED
    order.save(update_fields=["status"])
    return True


MEMO_MAX = 200


def order_memo_update(*, partner: Partner, order_id: int, memo: str) -> Order:
    """The partner's private note on one of its orders (메모); blank clears it. Another partner's order is not found."""
    memo = " ".join(memo.split())  # one line: it is shown in lists and exported as one CSV cell
    if len(memo) > MEMO_MAX:
        raise errors.MEMO_TOO_LONG(max_length=MEMO_MAX)
    if not Order.objects.filter(pk=order_id, partner=partner).update(memo=memo):
        raise errors.ORDER_NOT_FOUND()
    return Order.objects.get(pk=order_id)
