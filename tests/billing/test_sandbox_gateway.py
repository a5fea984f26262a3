"""The sandbox PG itself: the fake behind the gateway interface behaves as a real PG would."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from bizshop.billing.gateways import get_gateway
from bizshop.billing.gateways.base import InvalidNotification, PaymentDeclined
from bizshop.billing.gateways.sandbox import APPROVE_TOKEN, DECLINE_TOKEN, SandboxGateway

gateway = SandboxGateway()


def test_the_sandbox_is_the_default_gateway() -> None:
    assert isinstance(get_gateway(), SandboxGateway)


def test_the_approve_token_is_approved_with_a_transaction_id() -> None:
    approval = gateway.approve_card(amount=176_000, card_token=APPROVE_TOKEN, order_reference="1")

    assert approval.transaction_id.startswith("sbx_card_")
    assert abs(approval.approved_at - timezone.now()) < timedelta(seconds=5)


def test_two_approvals_have_different_transaction_ids() -> None:
    first = gateway.approve_card(amount=1, card_token=APPROVE_TOKEN, order_reference="1")
    second = gateway.approve_card(amount=1, card_token=APPROVE_TOKEN, order_reference="1")

    assert first.transaction_id != second.transaction_id


def test_the_decline_token_is_declined_with_a_reason() -> None:
    with pytest.raises(PaymentDeclined, match="거절"):
        gateway.approve_card(amount=176_000, card_token=DECLINE_TOKEN, order_reference="1")


def test_an_unknown_token_is_declined() -> None:
    with pytest.raises(PaymentDeclined, match="유효하지 않은"):
        gateway.approve_card(amount=176_000, card_token="tok_whatever", order_reference="1")


def test_a_card_cancel_needs_a_card_transaction() -> None:
    with pytest.raises(ValueError, match="not a sandbox card"):
        gateway.cancel_card(transaction_id="sbx_va_123", amount=1)


def test_a_virtual_account_carries_bank_number_and_due_date() -> None:
    due_at = timezone.now() + timedelta(days=3)

    account = gateway.open_virtual_account(amount=176_000, order_reference="1", due_at=due_at)

    assert (account.bank, account.due_at) == ("샌드박스은행", due_at)
    assert account.transaction_id.startswith("sbx_va_")
    digits = account.account_number.replace("-", "")
    assert (len(digits), digits.isdigit()) == (14, True)


def test_closing_needs_a_virtual_account_transaction() -> None:
    with pytest.raises(ValueError, match="not a sandbox virtual account"):
        gateway.close_virtual_account(transaction_id="sbx_card_1")


def test_a_signed_notification_verifies_to_its_notice() -> None:
    deposited_at = timezone.now()
    body, signature = gateway.deposit_notification(
        transaction_id="sbx_va_1",
        account_number="9000-0000-000000",
        amount=176_000,
        notification_id="n1",
        deposited_at=deposited_at,
    )

    notice = gateway.verify_deposit_notification(body=body, signature=signature)

    assert (notice.notification_id, notice.transaction_id, notice.amount, notice.deposited_at) == (
        "n1",
        "sbx_va_1",
        176_000,
        deposited_at,
    )


def test_a_signature_made_with_another_key_is_refused(settings: object) -> None:
    body, _ = gateway.deposit_notification(transaction_id="sbx_va_1", account_number="1", amount=1)
    settings.PAYMENT_SANDBOX_SECRET = "another secret"  # type: ignore[attr-defined]
    forged = SandboxGateway().sign(body)
    settings.PAYMENT_SANDBOX_SECRET = settings.SECRET_KEY  # type: ignore[attr-defined]

    with pytest.raises(InvalidNotification, match="bad signature"):
        gateway.verify_deposit_notification(body=body, signature=forged)


@pytest.mark.parametrize(
    "payload",
    [
        b"not json",
        b'{"notification_id": "n", "transaction_id": "t", "account_number": "a", "amount": "x", '
        b'"deposited_at": "2026-01-01T00:00:00+09:00"}',
        b'{"notification_id": "n", "transaction_id": "t", "account_number": "a", "amount": 0, '
        b'"deposited_at": "2026-01-01T00:00:00+09:00"}',
        b'{"notification_id": "n", "transaction_id": "t", "account_number": "a", "amount": 5, '
        b'"deposited_at": "2026-01-01T00:00:00"}',
    ],
    ids=["not-json", "amount-not-a-number", "amount-zero", "time-without-offset"],
)
def test_a_signed_body_that_does_not_make_a_notice_is_refused(payload: bytes) -> None:
    with pytest.raises(InvalidNotification):
        gateway.verify_deposit_notification(body=payload, signature=gateway.sign(payload))


def test_notification_times_keep_their_offset() -> None:
    moment = datetime.fromisoformat("2026-03-02T10:00:00+09:00")
    body, signature = gateway.deposit_notification(
        transaction_id="t", account_number="a", amount=1, deposited_at=moment
    )

    assert gateway.verify_deposit_notification(body=body, signature=signature).deposited_at == moment
