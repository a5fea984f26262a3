"""Every transition of the order state machine, allowed and refused, through the services.

A refused transition raises its error code and leaves every order, payment and event row as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from django.db import transaction
from django.utils import timezone

from bizshop.billing import services as billing
from bizshop.billing.gateways.sandbox import APPROVE_TOKEN
from bizshop.billing.models import DepositNotification, Order
from bizshop.core.errors import ApplicationError
from tests.factories import REFUND_ACCOUNT, UserFactory
from tests.helpers.billing import order_in_state, post_notification, signed_deposit

if TYPE_CHECKING:
    from bizshop.accounts.models import User
    from bizshop.catalog.models import Emoticon
    from tests.helpers.api import ApiClient
    from tests.helpers.db import TableRows


def _issue(order: Order) -> None:
    with transaction.atomic():
        billing.order_reserve_issuance(order_id=order.pk, partner=order.partner, quantity=10)


def _deposit(order: Order) -> str:
    response = post_notification(*signed_deposit(order))
    assert response.status_code == 200, response.content
    return "ok" if response.json()["outcome"] == "applied" else "flagged"


def _operator() -> User:
    return UserFactory(is_staff=True, is_superuser=True)


def _expire(order: Order) -> str:
    return "ok" if billing.order_expire_overdue(now=timezone.now() + timedelta(days=30)) else "unchanged"


ACTIONS: dict[str, Callable[[Order], Any]] = {
    "pay_card": lambda o: billing.order_pay_by_card(order_id=o.pk, partner=o.partner, card_token=APPROVE_TOKEN),
    "open_virtual_account": lambda o: billing.order_open_virtual_account(order_id=o.pk, partner=o.partner),
    "deposit": _deposit,
    "cancel": lambda o: billing.order_cancel(order_id=o.pk, partner=o.partner),
    "expire": _expire,
    "refund": lambda o: billing.order_refund(order_id=o.pk, partner=o.partner, refund_account=REFUND_ACCOUNT),
    "refund_complete": lambda o: billing.order_refund_complete(order_id=o.pk, operator=_operator()),
    "deposit_confirm": lambda o: billing.order_deposit_confirm(order_id=o.pk, operator=_operator()),
    "issue": _issue,
}

# (state the order is in, action) → (outcome, state afterwards). "paid_card"/"paid_va" are both
# `paid`, reached by card or by deposit. Deposits exist only for orders with a virtual account.
TRANSITIONS = [
    ("pending_payment", "pay_card", "ok", "paid"),
    ("pending_payment", "open_virtual_account", "ok", "awaiting_deposit"),
    ("pending_payment", "cancel", "ok", "cancelled"),
    ("pending_payment", "expire", "unchanged", "pending_payment"),
    ("pending_payment", "refund", "invalid_state", "pending_payment"),
    ("pending_payment", "refund_complete", "invalid_state", "pending_payment"),
    ("pending_payment", "deposit_confirm", "invalid_state", "pending_payment"),
    ("pending_payment", "issue", "invalid_state", "pending_payment"),
    ("awaiting_deposit", "pay_card", "invalid_state", "awaiting_deposit"),
    ("awaiting_deposit", "open_virtual_account", "invalid_state", "awaiting_deposit"),
    ("awaiting_deposit", "deposit", "ok", "paid"),
    ("awaiting_deposit", "cancel", "ok", "cancelled"),
    ("awaiting_deposit", "expire", "ok", "expired"),
    ("awaiting_deposit", "refund", "invalid_state", "awaiting_deposit"),
    ("awaiting_deposit", "refund_complete", "invalid_state", "awaiting_deposit"),
    ("awaiting_deposit", "deposit_confirm", "ok", "paid"),
    ("awaiting_deposit", "issue", "invalid_state", "awaiting_deposit"),
    ("paid_card", "pay_card", "invalid_state", "paid"),
    ("paid_card", "open_virtual_account", "invalid_state", "paid"),
    ("paid_card", "cancel", "invalid_state", "paid"),
    ("paid_card", "expire", "unchanged", "paid"),
    ("paid_card", "refund", "ok", "refunded"),
    ("paid_card", "refund_complete", "invalid_state", "paid"),
    ("paid_card", "deposit_confirm", "invalid_state", "paid"),
    ("paid_card", "issue", "ok", "partially_issued"),
    ("paid_va", "pay_card", "invalid_state", "paid"),
    ("paid_va", "open_virtual_account", "invalid_state", "paid"),
    ("paid_va", "deposit", "flagged", "paid"),
    ("paid_va", "cancel", "invalid_state", "paid"),
    ("paid_va", "expire", "unchanged", "paid"),
    ("paid_va", "refund", "ok", "refund_pending"),
    ("paid_va", "refund_complete", "invalid_state", "paid"),
    ("paid_va", "deposit_confirm", "invalid_state", "paid"),
    ("paid_va", "issue", "ok", "partially_issued"),
    ("partially_issued", "pay_card", "invalid_state", "partially_issued"),
    ("partially_issued", "open_virtual_account", "invalid_state", "partially_issued"),
    ("partially_issued", "cancel", "invalid_state", "partially_issued"),
    ("partially_issued", "expire", "unchanged", "partially_issued"),
    ("partially_issued", "refund", "codes_already_issued", "partially_issued"),
    ("partially_issued", "refund_complete", "invalid_state", "partially_issued"),
    ("partially_issued", "deposit_confirm", "invalid_state", "partially_issued"),
    ("partially_issued", "issue", "ok", "partially_issued"),
    ("issued", "pay_card", "invalid_state", "issued"),
    ("issued", "open_virtual_account", "invalid_state", "issued"),
    ("issued", "cancel", "invalid_state", "issued"),
    ("issued", "expire", "unchanged", "issued"),
    ("issued", "refund", "codes_already_issued", "issued"),
    ("issued", "refund_complete", "invalid_state", "issued"),
    ("issued", "deposit_confirm", "invalid_state", "issued"),
    ("issued", "issue", "quantity_exceeds_remaining", "issued"),
    ("cancelled", "pay_card", "invalid_state", "cancelled"),
    ("cancelled", "open_virtual_account", "invalid_state", "cancelled"),
    ("cancelled", "deposit", "flagged", "cancelled"),
    ("cancelled", "cancel", "invalid_state", "cancelled"),
    ("cancelled", "expire", "unchanged", "cancelled"),
    ("cancelled", "refund", "invalid_state", "cancelled"),
    ("cancelled", "refund_complete", "invalid_state", "cancelled"),
    ("cancelled", "deposit_confirm", "invalid_state", "cancelled"),
    ("cancelled", "issue", "invalid_state", "cancelled"),
    ("expired", "pay_card", "invalid_state", "expired"),
    ("expired", "open_virtual_account", "invalid_state", "expired"),
    ("expired", "deposit", "flagged", "expired"),
    ("expired", "cancel", "invalid_state", "expired"),
    ("expired", "expire", "unchanged", "expired"),
    ("expired", "refund", "invalid_state", "expired"),
    ("expired", "refund_complete", "invalid_state", "expired"),
    ("expired", "deposit_confirm", "invalid_state", "expired"),
    ("expired", "issue", "invalid_state", "expired"),
    ("refund_pending", "pay_card", "invalid_state", "refund_pending"),
    ("refund_pending", "open_virtual_account", "invalid_state", "refund_pending"),
    ("refund_pending", "deposit", "flagged", "refund_pending"),
    ("refund_pending", "cancel", "invalid_state", "refund_pending"),
    ("refund_pending", "expire", "unchanged", "refund_pending"),
    ("refund_pending", "refund", "invalid_state", "refund_pending"),
    ("refund_pending", "refund_complete", "ok", "refunded"),
    ("refund_pending", "deposit_confirm", "invalid_state", "refund_pending"),
    ("refund_pending", "issue", "invalid_state", "refund_pending"),
    ("refunded", "pay_card", "invalid_state", "refunded"),
    ("refunded", "open_virtual_account", "invalid_state", "refunded"),
    ("refunded", "cancel", "invalid_state", "refunded"),
    ("refunded", "expire", "unchanged", "refunded"),
    ("refunded", "refund", "invalid_state", "refunded"),
    ("refunded", "refund_complete", "invalid_state", "refunded"),
    ("refunded", "deposit_confirm", "invalid_state", "refunded"),
    ("refunded", "issue", "invalid_state", "refunded"),
]


def run(action: str, order: Order) -> str:
    try:
        result = ACTIONS[action](order)
    except ApplicationError as exc:
        return exc.code
    return result if isinstance(result, str) else "ok"


@pytest.mark.parametrize(("state", "action", "expected", "after"), TRANSITIONS, ids=lambda v: str(v))
def test_transition(
    state: str,
    action: str,
    expected: str,
    after: str,
    api: ApiClient,
    emoticon: Emoticon,
    db_rows: Callable[[], TableRows],
) -> None:
    order = order_in_state(api.partner, emoticon.pk, state)
    before = db_rows()

    outcome = run(action, order)

    assert (outcome, Order.objects.get(pk=order.pk).status) == (expected, after)
    if expected not in {"ok", "flagged"}:
        assert db_rows() == before  # a refusal changes nothing


def test_the_table_covers_every_action_in_every_state() -> None:
    states = {"pending_payment", "awaiting_deposit", "paid_card", "paid_va", "partially_issued", "issued"}
    states |= {"cancelled", "expired", "refund_pending", "refunded"}
    with_account = {"awaiting_deposit", "paid_va", "cancelled", "expired", "refund_pending"}
    expected = {(s, a) for s in states for a in ACTIONS if a != "deposit" or s in with_account}

    assert {(state, action) for state, action, _, _ in TRANSITIONS} == expected
    assert len(TRANSITIONS) == len(expected)


@pytest.mark.parametrize("state", ["paid_va", "cancelled", "expired", "refund_pending"])
def test_a_deposit_the_order_cannot_take_is_kept_for_an_operator_refund(
    state: str, api: ApiClient, emoticon: Emoticon
) -> None:
    order = order_in_state(api.partner, emoticon.pk, state)

    post_notification(*signed_deposit(order, notification_id=f"late-{state}"))

    notice = DepositNotification.objects.get(notification_id=f"late-{state}")
    assert (notice.outcome, notice.refund_status, notice.amount) == ("not_awaiting", "required", 176_000)
    assert order.events.filter(kind="unapplied_deposit").count() == 1
