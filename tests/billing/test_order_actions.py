"""order_available_actions: the one answer to "what may be done to this order now", and the
services refuse exactly what it leaves out."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

from bizshop.billing import services as billing
from bizshop.billing.gateways.sandbox import APPROVE_TOKEN
from bizshop.billing.models import Order, OrderStatus
from bizshop.billing.selectors import OrderAction, order_action_refusal, order_available_actions
from bizshop.billing.views import ORDER_ACTIONS
from bizshop.codes import services as codes
from bizshop.core.errors import ApplicationError
from tests.factories import REFUND_ACCOUNT
from tests.helpers.billing import order_in_state

if TYPE_CHECKING:
    from bizshop.catalog.models import Emoticon
    from tests.helpers.api import ApiClient
    from tests.helpers.db import TableRows

A = OrderAction

# (status, issued of 100 units) → what the portal and the API may do.
AVAILABLE = [
    ("pending_payment", 0, {A.PAY_CARD, A.PAY_VIRTUAL_ACCOUNT, A.CANCEL}),
    ("awaiting_deposit", 0, {A.SANDBOX_DEPOSIT, A.CANCEL}),
    ("paid", 0, {A.REFUND, A.ISSUE}),
    ("partially_issued", 10, {A.ISSUE}),
    ("partially_issued", 100, set()),  # every unit reserved, the last codes still being written
    ("issued", 100, {A.REQUEST_MERGED_INVOICE}),
    ("cancelled", 0, set()),
    ("expired", 0, set()),
    ("refund_pending", 0, set()),
    ("refunded", 0, set()),
]


@pytest.mark.parametrize(("status", "issued", "expected"), AVAILABLE, ids=lambda v: str(v))
def test_available_actions_of_each_state(status: str, issued: int, expected: set[OrderAction]) -> None:
    order = Order(status=status, quantity=100, issued_quantity=issued)

    assert order_available_actions(order) == expected


def test_every_status_has_its_answer() -> None:
    assert {status for status, _, _ in AVAILABLE} == set(OrderStatus.values)


def test_a_refund_after_codes_is_refused_for_the_codes_not_the_state() -> None:
    refusal = order_action_refusal(Order(status="issued", quantity=100, issued_quantity=100), A.REFUND)

    assert refusal is not None and refusal.code == "codes_already_issued"


SERVICES: dict[OrderAction, Callable[[Order], Any]] = {
    A.PAY_CARD: lambda o: billing.order_pay_by_card(order_id=o.pk, partner=o.partner, card_token=APPROVE_TOKEN),
    A.PAY_VIRTUAL_ACCOUNT: lambda o: billing.order_open_virtual_account(order_id=o.pk, partner=o.partner),
    A.SANDBOX_DEPOSIT: lambda o: billing.sandbox_deposit_send(order_id=o.pk, partner=o.partner),
    A.CANCEL: lambda o: billing.order_cancel(order_id=o.pk, partner=o.partner),
    A.REFUND: lambda o: billing.order_refund(order_id=o.pk, partner=o.partner, refund_account=REFUND_ACCOUNT),
    A.ISSUE: lambda o: codes.issuance_start(order_id=o.pk, partner=o.partner, quantity=1),
}
STATES = [
    "pending_payment",
    "awaiting_deposit",
    "paid_card",
    "paid_va",
    "partially_issued",
    "issued",
    "cancelled",
    "expired",
    "refund_pending",
    "refunded",
]


@pytest.mark.parametrize("action", list(SERVICES), ids=str)
@pytest.mark.parametrize("state", STATES)
def test_the_service_refuses_exactly_what_the_selector_leaves_out(
    state: str, action: OrderAction, api: ApiClient, emoticon: Emoticon, db_rows: Callable[[], TableRows]
) -> None:
    order = order_in_state(api.partner, emoticon.pk, state)
    available = action in order_available_actions(order)
    refusal = order_action_refusal(order, action)
    before = db_rows()

    try:
        SERVICES[action](order)
    except ApplicationError as exc:
        assert not available, f"{action} is offered in {state} but the service said {exc.code}"
        assert refusal is not None and exc.code == refusal.code
        assert db_rows() == before
    else:
        assert available, f"{action} is not offered in {state} but the service did it"


def test_every_button_of_the_order_page_is_an_order_action() -> None:
    assert set(ORDER_ACTIONS) <= {action.value for action in OrderAction}
