"""Sandbox PG: behaves like a real one without money. Card tokens decide the outcome and
deposits arrive as HMAC-signed notifications, exactly the path a real PG's would take."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from bizshop.billing.gateways.base import (
    CardApproval,
    DepositNotice,
    InvalidNotification,
    PaymentDeclined,
    VirtualAccount,
)

APPROVE_TOKEN = "tok_sandbox_approve"
DECLINE_TOKEN = "tok_sandbox_decline"
SANDBOX_BANK = "샌드박스은행"


class SandboxGateway:
    name = "sandbox"

    def _key(self) -> bytes:
        return hashlib.sha256(b"sandbox-pg:" + settings.PAYMENT_SANDBOX_SECRET.encode()).digest()

    def approve_card(self, *, amount: int, card_token: str, order_reference: str) -> CardApproval:
        if card_token == DECLINE_TOKEN:
            raise PaymentDeclined("카드사 승인 거절 (샌드박스)")
        if card_token != APPROVE_TOKEN:
            raise PaymentDeclined("유효하지 않은 카드 토큰")
        return CardApproval(transaction_id=f"sbx_card_{secrets.token_hex(12)}", approved_at=timezone.now())

    def cancel_card(self, *, transaction_id: str, amount: int, reason: str = "") -> None:
        if not transaction_id.startswith("sbx_card_"):
            raise ValueError(f"not a sandbox card transaction: {transaction_id}")
        if amount <= 0:
            raise ValueError("a cancel must return a positive amount")

    def close_virtual_account(self, *, transaction_id: str) -> None:
        if not transaction_id.startswith("sbx_va_"):
            raise ValueError(f"not a sandbox virtual account: {transaction_id}")

    def open_virtual_account(self, *, amount: int, order_reference: str, due_at: datetime) -> VirtualAccount:
        account_number = "9" + "".join(secrets.choice("0123456789") for _ in range(13))
        return VirtualAccount(
            transaction_id=f"sbx_va_{secrets.token_hex(12)}",
            bank=SANDBOX_BANK,
            account_number=f"{account_number[:4]}-{account_number[4:8]}-{account_number[8:]}",
            due_at=due_at,
        )

    def sign(self, body: bytes) -> str:
        return hmac.new(self._key(), body, hashlib.sha256).hexdigest()

    def deposit_notification(
        self,
        *,
        transaction_id: str,
        account_number: str,
        amount: int,
        notification_id: str | None = None,
        deposited_at: datetime | None = None,
    ) -> tuple[bytes, str]:
        """What the sandbox PG would POST when money arrives: (body, signature)."""
        body = json.dumps(
            {
                "notification_id": notification_id or f"sbx_ntf_{secrets.token_hex(12)}",
                "transaction_id": transaction_id,
                "account_number": account_number,
                "amount": amount,
                "deposited_at": (deposited_at or timezone.now()).isoformat(),
            }
        ).encode()
        return body, self.sign(body)

    def verify_deposit_notification(
        self, *, body: bytes, signature: str, headers: Mapping[str, str] | None = None
    ) -> DepositNotice:
        # Compared as bytes: compare_digest refuses str with non-ASCII characters (a header may carry any).
        if not hmac.compare_digest(self.sign(body).encode(), (signature or "").encode("utf-8", "replace")):
            raise InvalidNotification("bad signature")
        try:
            data = json.loads(body)
            notice = DepositNotice(
                notification_id=str(data["notification_id"]),
                transaction_id=str(data["transaction_id"]),
                account_number=str(data["account_number"]),
                amount=int(data["amount"]),
                deposited_at=_aware(datetime.fromisoformat(data["deposited_at"])),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise InvalidNotification("unreadable body") from exc
        if notice.amount < 1:
            raise InvalidNotification("amount must be positive")
        return notice


def _aware(moment: datetime) -> datetime:
    if timezone.is_naive(moment):
        raise ValueError("deposited_at needs a UTC offset")
    return moment
