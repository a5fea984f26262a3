"""Deposit notifications (입금 통지) from the PG: each bad or late one is refused or set aside, and logged."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from django.utils import timezone

from bizshop.billing import services as billing
from bizshop.billing.gateways.sandbox import SandboxGateway
from bizshop.billing.models import DepositNotification, Order, OrderStatus, Payment, PaymentStatus
from tests.helpers.billing import order_in_state, post_notification, signed_deposit, virtual_account_of

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

    from bizshop.catalog.models import Emoticon
    from tests.helpers.api import ApiClient
    from tests.helpers.db import TableRows


def awaiting(api: ApiClient, emoticon: Emoticon) -> Order:
    return order_in_state(api.partner, emoticon.pk, "awaiting_deposit")


def error_code(response: Any) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


def test_the_deposit_of_the_total_pays_the_order_and_says_applied(
    api: ApiClient, emoticon: Emoticon, deposit: Callable[..., Response]
) -> None:
    order = awaiting(api, emoticon)

    response = deposit(order)

    assert response.json() == {"ok": True, "outcome": "applied", "refund_status": "not_needed"}
    order.refresh_from_db()
    assert (order.status, virtual_account_of(order).status) == (OrderStatus.PAID, PaymentStatus.APPROVED)


def test_a_bad_signature_is_refused_logged_and_changes_nothing(
    api: ApiClient, emoticon: Emoticon, db_rows: Callable[[], TableRows], caplog: pytest.LogCaptureFixture
) -> None:
    order = awaiting(api, emoticon)
    body, _ = signed_deposit(order)
    before = db_rows()

    with caplog.at_level(logging.WARNING, logger="bizshop.billing.services"):
        response = post_notification(body, "f" * 64)

    assert error_code(response) == (400, "invalid_notification")
    assert db_rows() == before
    assert not DepositNotification.objects.exists()
    assert "bad signature" in caplog.text


def test_a_tampered_amount_breaks_the_signature(api: ApiClient, emoticon: Emoticon) -> None:
    order = awaiting(api, emoticon)
    body, signature = signed_deposit(order)

    response = post_notification(body.replace(b"176000", b"176001"), signature)

    assert error_code(response) == (400, "invalid_notification")
    assert Order.objects.get(pk=order.pk).status == OrderStatus.AWAITING_DEPOSIT


def test_a_signature_with_non_ascii_characters_is_refused_not_a_crash(api: ApiClient, emoticon: Emoticon) -> None:
    order = awaiting(api, emoticon)
    body, _ = signed_deposit(order)

    response = post_notification(body, "서명é")

    assert error_code(response) == (400, "invalid_notification")


def test_a_missing_signature_is_refused(api: ApiClient, emoticon: Emoticon) -> None:
    order = awaiting(api, emoticon)
    body, _ = signed_deposit(order)

    response = post_notification(body, "")

    assert error_code(response) == (400, "invalid_notification")


def test_a_signed_but_unreadable_body_is_refused(db: None) -> None:
    body = b'{"notification_id": "x"}'

    response = post_notification(body, SandboxGateway().sign(body))

    assert error_code(response) == (400, "invalid_notification")


def test_a_wrong_amount_is_refused_recorded_and_flagged_for_refund(
    api: ApiClient, emoticon: Emoticon, deposit: Callable[..., Response], caplog: pytest.LogCaptureFixture
) -> None:
    order = awaiting(api, emoticon)

    with caplog.at_level(logging.WARNING, logger="bizshop.billing.services"):
        response = deposit(order, amount=170_000, notification_id="ntf-wrong")

    assert error_code(response) == (400, "invalid_notification")
    assert response.json()["error"]["details"] == {"reason": "wrong_amount"}
    notice = DepositNotification.objects.get()
    assert (notice.notification_id, notice.amount, notice.outcome, notice.refund_status) == (
        "ntf-wrong",
        170_000,
        "wrong_amount",
        "required",
    )
    assert Order.objects.get(pk=order.pk).status == OrderStatus.AWAITING_DEPOSIT
    assert "ntf-wrong" in caplog.text


def test_the_right_amount_after_a_wrong_one_still_pays_the_order(
    api: ApiClient, emoticon: Emoticon, deposit: Callable[..., Response]
) -> None:
    order = awaiting(api, emoticon)
    deposit(order, amount=1_000)

    response = deposit(order)

    assert response.json()["outcome"] == "applied"
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PAID


def test_an_unknown_account_is_refused_and_logged(
    db_rows: Callable[[], TableRows], db: None, caplog: pytest.LogCaptureFixture
) -> None:
    body, signature = SandboxGateway().deposit_notification(
        transaction_id="sbx_va_unknown", account_number="9999-0000-000000", amount=176_000
    )
    before = db_rows()

    with caplog.at_level(logging.WARNING, logger="bizshop.billing.services"):
        response = post_notification(body, signature)

    assert error_code(response) == (400, "invalid_notification")
    assert response.json()["error"]["details"] == {"reason": "unknown_account"}
    assert db_rows() == before
    assert "unknown account" in caplog.text


def test_a_deposit_naming_a_card_transaction_is_an_unknown_account(api: ApiClient, paid_order: Order) -> None:
    card = paid_order.payments.get()
    body, signature = SandboxGateway().deposit_notification(
        transaction_id=card.gateway_transaction_id, account_number="", amount=176_000
    )

    response = post_notification(body, signature)

    assert error_code(response) == (400, "invalid_notification")


def test_a_replayed_notification_is_ignored_and_logged(
    api: ApiClient, emoticon: Emoticon, caplog: pytest.LogCaptureFixture
) -> None:
    order = awaiting(api, emoticon)
    body, signature = signed_deposit(order, notification_id="ntf-1")
    post_notification(body, signature)

    with caplog.at_level(logging.INFO, logger="bizshop.billing.services"):
        response = post_notification(body, signature)

    assert response.json()["outcome"] == "applied"
    assert DepositNotification.objects.count() == 1
    assert order.events.filter(kind="deposit_received").count() == 1
    assert "ntf-1 replayed" in caplog.text


def test_a_replayed_notification_id_for_another_account_is_ignored(api: ApiClient, emoticon: Emoticon) -> None:
    first, second = awaiting(api, emoticon), awaiting(api, emoticon)
    post_notification(*signed_deposit(first, notification_id="ntf-same"))

    response = post_notification(*signed_deposit(second, notification_id="ntf-same"))

    assert response.status_code == 200
    assert DepositNotification.objects.get().payment == virtual_account_of(first)
    assert Order.objects.get(pk=second.pk).status == OrderStatus.AWAITING_DEPOSIT


def test_a_second_deposit_for_a_paid_order_is_flagged_for_refund(
    api: ApiClient, emoticon: Emoticon, deposit: Callable[..., Response]
) -> None:
    order = awaiting(api, emoticon)
    deposit(order, notification_id="ntf-1")

    response = deposit(order, notification_id="ntf-2")

    assert response.json() == {"ok": True, "outcome": "not_awaiting", "refund_status": "required"}
    assert DepositNotification.objects.get(notification_id="ntf-2").order_status == OrderStatus.PAID
    assert order.events.filter(kind="deposit_received").count() == 1


def test_a_deposit_after_expiry_is_recorded_and_flagged_never_kept(
    api: ApiClient, emoticon: Emoticon, deposit: Callable[..., Response]
) -> None:
    order = awaiting(api, emoticon)
    billing.order_expire_overdue(now=timezone.now() + timedelta(days=4))

    response = deposit(order, notification_id="ntf-late")

    assert response.json()["refund_status"] == "required"
    notice = DepositNotification.objects.get()
    assert (notice.outcome, notice.order_status, notice.amount) == ("not_awaiting", "expired", 176_000)
    assert Order.objects.get(pk=order.pk).status == OrderStatus.EXPIRED
    assert order.events.filter(kind="unapplied_deposit").get().data == {"amount": 176_000, "outcome": "not_awaiting"}


def test_a_deposit_after_cancel_is_recorded_and_flagged(
    api: ApiClient, emoticon: Emoticon, deposit: Callable[..., Response]
) -> None:
    order = awaiting(api, emoticon)
    billing.order_cancel(order_id=order.pk, partner=api.partner)

    response = deposit(order)

    assert response.json()["refund_status"] == "required"
    assert DepositNotification.objects.get().order_status == OrderStatus.CANCELLED
    assert Order.objects.get(pk=order.pk).status == OrderStatus.CANCELLED


def test_a_deposit_made_after_the_due_date_expires_the_order_even_before_the_task_runs(
    api: ApiClient, emoticon: Emoticon, deposit: Callable[..., Response]
) -> None:
    order = awaiting(api, emoticon)
    due_at = virtual_account_of(order).due_at

    response = deposit(order, deposited_at=due_at + timedelta(seconds=1))

    assert response.json() == {"ok": True, "outcome": "not_awaiting", "refund_status": "required"}
    order.refresh_from_db()
    assert (order.status, virtual_account_of(order).status) == (OrderStatus.EXPIRED, PaymentStatus.EXPIRED)


def test_a_deposit_made_on_the_due_date_pays_the_order(
    api: ApiClient, emoticon: Emoticon, deposit: Callable[..., Response]
) -> None:
    order = awaiting(api, emoticon)

    response = deposit(order, deposited_at=virtual_account_of(order).due_at)

    assert response.json()["outcome"] == "applied"


def test_the_expiry_task_expires_only_orders_past_their_due_date(api: ApiClient, emoticon: Emoticon) -> None:
    overdue, fresh = awaiting(api, emoticon), awaiting(api, emoticon)
    due = virtual_account_of(overdue).due_at
    Payment.objects.filter(order=fresh).update(due_at=due + timedelta(days=1))

    expired = billing.order_expire_overdue(now=due + timedelta(minutes=1))

    assert expired == 1
    assert Order.objects.get(pk=overdue.pk).status == OrderStatus.EXPIRED
    assert Order.objects.get(pk=fresh.pk).status == OrderStatus.AWAITING_DEPOSIT
    assert overdue.events.filter(kind="expired").count() == 1


def test_the_expiry_task_run_twice_expires_once(api: ApiClient, emoticon: Emoticon) -> None:
    order = awaiting(api, emoticon)
    later = timezone.now() + timedelta(days=4)
    billing.order_expire_overdue(now=later)

    assert billing.order_expire_overdue(now=later) == 0
    assert order.events.filter(kind="expired").count() == 1


def test_the_sandbox_deposit_endpoint_uses_the_signed_notification_path(api: ApiClient, emoticon: Emoticon) -> None:
    order = awaiting(api, emoticon)

    api.post("/api/v1/sandbox/deposits/", {"order_id": order.pk})

    notice = DepositNotification.objects.get()
    assert (notice.payment, notice.outcome) == (virtual_account_of(order), "applied")
