"""PortOne (포트원) V2 as the shop's PG, through PortOne's own server SDK (``portone-server-sdk``).

Card: the partner pays in PortOne's browser window (``PortOne.requestPayment`` on the order page,
with a payment id made here from the order's number); the server then confirms it by id —
``approve_card``'s ``card_token`` is that PortOne payment id. Nothing the browser says is
trusted: the payment is fetched from PortOne and must be PAID, for the order's total, in KRW,
in our store, and its id must name this order. A payment for another amount is cancelled at
PortOne at once (``PaymentAmountMismatch``); a PortOne that does not answer in time leaves the
attempt pending (``PaymentPending``) for ``payment_reconcile_pending`` to ask again.

Virtual accounts are issued with PortOne's instant payment API (``pay_instantly``) and read
back with ``get_payment``. PortOne's webhooks (Standard Webhooks, signed with
``PORTONE_WEBHOOK_SECRET``) are verified with the SDK; the payment is then fetched again from
PortOne and only that answer is believed.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Mapping
from datetime import datetime
from functools import cache
from typing import Any

import httpx
from django.conf import settings
from django.utils import timezone
from portone_server_sdk import PaymentClient
from portone_server_sdk import webhook as portone_webhook
from portone_server_sdk.common import PaymentAmountInput
from portone_server_sdk.errors import (
    PaymentAlreadyCancelledError,
    PaymentNotFoundError,
    PaymentNotWaitingForDepositError,
    PgProviderError,
    PortOneError,
)
from portone_server_sdk.payment import (
    CancelledPayment,
    FailedPayment,
    InstantPaymentMethodInput,
    InstantPaymentMethodInputVirtualAccount,
    InstantPaymentMethodInputVirtualAccountExpiry,
    InstantPaymentMethodInputVirtualAccountOption,
    PaidPayment,
    PartialCancelledPayment,
    PaymentMethodVirtualAccount,
    PayPendingPayment,
    VirtualAccountIssuedPayment,
)

from bizshop.billing.gateways.base import (
    CancelFailed,
    CardApproval,
    DepositNotice,
    IgnoredNotification,
    InvalidNotification,
    PaymentAmountMismatch,
    PaymentDeclined,
    PaymentPending,
    VirtualAccount,
)

logger = logging.getLogger(__name__)

PAYMENT_ID_PREFIX = "bizshop-"
# bizshop-<order number>-<random>: a payment made for one order cannot be presented for another.
PAYMENT_ID = re.compile(r"^bizshop-(?P<order>[0-9]+)-(?P<nonce>(?:va)?[0-9a-f]{16})$")
CURRENCY = "KRW"
# PortOne's Bank codes as shown to a partner (the rest are shown as PortOne names them).
BANK_NAMES = {
    "KOOKMIN": "KB국민은행",
    "SHINHAN": "신한은행",
    "WOORI": "우리은행",
    "HANA": "하나은행",
    "NONGHYUP": "NH농협은행",
    "INDUSTRIAL": "IBK기업은행",
    "STANDARD_CHARTERED": "SC제일은행",
    "CITI": "한국씨티은행",
    "BUSAN": "부산은행",
    "DAEGU": "iM뱅크(대구)",
    "KYONGNAM": "경남은행",
    "KWANGJU": "광주은행",
    "JEONBUK": "전북은행",
    "POST": "우체국",
    "SUHYUP": "수협은행",
    "KAKAO": "카카오뱅크",
    "K_BANK": "케이뱅크",
    "TOSS": "토스뱅크",
}


def payment_id_new(*, order_reference: str, virtual_account: bool = False) -> str:
    """A fresh PortOne payment id for one attempt to pay the order (PortOne keeps an id forever)."""
    return f"{PAYMENT_ID_PREFIX}{order_reference}-{'va' if virtual_account else ''}{secrets.token_hex(8)}"


def payment_id_order(payment_id: str) -> str | None:
    """The order number a payment id of ours names, or None for anything else."""
    match = PAYMENT_ID.match(payment_id or "")
    return match.group("order") if match else None


@cache
def _client(secret: str, base_url: str, timeout: float) -> PaymentClient:
    client = PaymentClient(secret=secret, base_url=base_url)
    # The SDK waits 60 s by default; a partner waits for this call, and a timeout is settled later.
    client._sync_client = httpx.Client(timeout=timeout)
    return client


def _reason(exc: PortOneError) -> str:
    """PortOne's error as a partner or operator can read it: the card company's own words first."""
    if isinstance(exc, PgProviderError) and exc.pg_message:
        return f"{exc.pg_message} ({exc.pg_code})"
    return exc.message or type(exc).__name__


def _rfc3339(value: str) -> datetime:
    """PortOne's RFC 3339 times, which may carry nanoseconds (Python reads microseconds)."""
    text = re.sub(r"(\.\d{6})\d+", r"\1", value.replace("Z", "+00:00"))
    moment = datetime.fromisoformat(text)
    if timezone.is_naive(moment):
        raise ValueError(f"no UTC offset: {value}")
    return moment


class PortOneGateway:
    name = "portone"

    def client(self) -> PaymentClient:
        return _client(
            settings.PORTONE_API_SECRET, settings.PORTONE_API_BASE_URL, float(settings.PORTONE_TIMEOUT_SECONDS)
        )

    def _fetch(self, payment_id: str) -> Any:
        """The payment as PortOne has it now; PaymentPending when PortOne cannot say."""
        try:
            return self.client().get_payment(payment_id=payment_id)
        except PaymentNotFoundError as exc:
            raise PaymentDeclined("결제 내역을 찾을 수 없습니다.") from exc
        except (httpx.HTTPError, PortOneError, ValueError) as exc:
            # A timeout, a network failure, an unreadable or unexpected answer: the money may have
            # moved, so nothing is decided now.
            logger.warning("PortOne get_payment %s failed: %s", payment_id, type(exc).__name__)
            raise PaymentPending(f"PortOne 결제 조회 실패 ({type(exc).__name__})") from exc

    def _ours(self, payment: PaidPayment | VirtualAccountIssuedPayment) -> bool:
        store = settings.PORTONE_STORE_ID
        return not store or payment.store_id == store

    def approve_card(self, *, amount: int, card_token: str, order_reference: str) -> CardApproval:
        payment_id = card_token.strip()
        if payment_id_order(payment_id) != order_reference:
            raise PaymentDeclined("이 주문의 결제 번호가 아닙니다.")
        payment = self._fetch(payment_id)
        if isinstance(payment, PayPendingPayment):
            raise PaymentPending("PortOne 결제 승인 대기 중")
        if isinstance(payment, FailedPayment):
            failure = payment.failure
            raise PaymentDeclined(failure.pg_message or failure.reason or "카드 결제에 실패했습니다.")
        if isinstance(payment, (CancelledPayment, PartialCancelledPayment)):
            raise PaymentDeclined("취소된 결제입니다.")
        if not isinstance(payment, PaidPayment):
            raise PaymentDeclined("결제가 완료되지 않았습니다.")
        if not self._ours(payment):
            raise PaymentDeclined("이 상점의 결제가 아닙니다.")
        if payment.currency != CURRENCY or payment.amount.total != amount:
            reason = (
                f"결제 금액 불일치로 자동 취소: 주문 금액 {amount:,}원, "
                f"결제 금액 {payment.amount.total:,} {payment.currency}"
            )
            try:
                self.cancel_card(transaction_id=payment_id, amount=payment.amount.total, reason=reason)
            except CancelFailed as exc:
                # Money taken for the wrong amount and not given back yet: the attempt stays pending,
                # and the reconciliation cancels it again.
                raise PaymentPending(f"금액 불일치 결제 취소 실패: {exc.reason}") from exc
            logger.warning(
                "PortOne payment %s of %s %s for %s KRW: cancelled",
                payment_id,
                payment.amount.total,
                payment.currency,
                amount,
            )
            raise PaymentAmountMismatch(reason)
        return CardApproval(transaction_id=payment_id, approved_at=_rfc3339(payment.paid_at))

    def cancel_card(self, *, transaction_id: str, amount: int, reason: str = "") -> None:
        try:
            self.client().cancel_payment(
                payment_id=transaction_id,
                reason=reason or "환불",
                current_cancellable_amount=amount,
            )
        except PaymentAlreadyCancelledError:
            logger.info("PortOne payment %s was already cancelled", transaction_id)
        except PortOneError as exc:
            raise CancelFailed(_reason(exc)) from exc
        except (httpx.HTTPError, ValueError) as exc:
            raise CancelFailed(f"PortOne 응답 없음 ({type(exc).__name__})") from exc

    def open_virtual_account(self, *, amount: int, order_reference: str, due_at: datetime) -> VirtualAccount:
        payment_id = payment_id_new(order_reference=order_reference, virtual_account=True)
        method = InstantPaymentMethodInput(
            virtual_account=InstantPaymentMethodInputVirtualAccount(
                bank=settings.PORTONE_VIRTUAL_ACCOUNT_BANK,
                expiry=InstantPaymentMethodInputVirtualAccountExpiry(due_date=due_at.isoformat()),
                option=InstantPaymentMethodInputVirtualAccountOption(type="NORMAL"),
            )
        )
        try:
            self.client().pay_instantly(
                payment_id=payment_id,
                channel_key=settings.PORTONE_VIRTUAL_ACCOUNT_CHANNEL_KEY,
                method=method,
                order_name=f"이모티콘 비즈샵 주문 #{order_reference}",
                amount=PaymentAmountInput(total=amount),
                currency=CURRENCY,
            )
        except PortOneError as exc:
            raise PaymentDeclined(_reason(exc)) from exc
        except (httpx.HTTPError, ValueError) as exc:
            raise PaymentPending(f"PortOne 가상계좌 발급 응답 없음 ({type(exc).__name__})") from exc
        payment = self._fetch(payment_id)
        if not isinstance(payment, VirtualAccountIssuedPayment) or not isinstance(
            payment.method, PaymentMethodVirtualAccount
        ):
            raise PaymentDeclined("가상계좌가 발급되지 않았습니다.")
        account = payment.method
        bank = str(account.bank or settings.PORTONE_VIRTUAL_ACCOUNT_BANK)
        return VirtualAccount(
            transaction_id=payment_id,
            bank=BANK_NAMES.get(bank, bank),
            account_number=account.account_number,
            due_at=_rfc3339(account.expired_at) if account.expired_at else due_at,
        )

    def close_virtual_account(self, *, transaction_id: str) -> None:
        try:
            self.client().close_virtual_account(payment_id=transaction_id)
        except (PaymentNotWaitingForDepositError, PaymentNotFoundError) as exc:
            # Paid meanwhile (the deposit's webhook flags the money for an operator refund) or gone.
            logger.warning("PortOne virtual account %s not closed: %s", transaction_id, type(exc).__name__)
        except (PortOneError, httpx.HTTPError, ValueError) as exc:
            # Never blocks the cancel or the expiry: PortOne closes the account itself at its due date,
            # and money arriving on it meanwhile finds the order no longer awaiting it (flagged for refund).
            logger.error("PortOne virtual account %s not closed: %s", transaction_id, type(exc).__name__)

    def verify_deposit_notification(
        self, *, body: bytes, signature: str, headers: Mapping[str, str] | None = None
    ) -> DepositNotice:
        secret = settings.PORTONE_WEBHOOK_SECRET
        if not secret:
            raise InvalidNotification("PORTONE_WEBHOOK_SECRET is not set")
        given = {name.lower(): value for name, value in (headers or {}).items()}
        try:
            event = portone_webhook.verify(secret, body.decode("utf-8"), given)
        except (portone_webhook.WebhookVerificationError, portone_webhook.InvalidInputError) as exc:
            raise InvalidNotification(f"bad signature ({exc.message})") from exc
        except (UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
            raise InvalidNotification("unreadable body") from exc
        about = getattr(getattr(event, "data", None), "payment_id", "")
        if not isinstance(event, portone_webhook.WebhookTransactionPaid):
            raise IgnoredNotification(type(event).__name__ if event is not None else "unknown", transaction_id=about)
        # The webhook only says which payment to look at; PortOne's API says what it is.
        payment_id = event.data.payment_id
        try:
            payment = self._fetch(payment_id)
        except PaymentDeclined as exc:
            raise InvalidNotification("unknown payment") from exc
        if not isinstance(payment, PaidPayment) or not isinstance(payment.method, PaymentMethodVirtualAccount):
            paid_card = isinstance(payment, PaidPayment) and self._ours(payment)
            raise IgnoredNotification(
                "not a virtual-account deposit",
                transaction_id=payment_id,
                order_reference=(payment_id_order(payment_id) or "") if paid_card else "",
            )
        if not self._ours(payment) or payment.currency != CURRENCY:
            raise InvalidNotification("not this store's KRW payment")
        return DepositNotice(
            # One PortOne transaction is paid once: a replayed or re-sent webhook carries the same id.
            notification_id=f"portone:{payment.id}:{payment.transaction_id}",
            transaction_id=payment.id,
            account_number=payment.method.account_number,
            amount=payment.amount.paid,
            deposited_at=_rfc3339(payment.paid_at),
        )
