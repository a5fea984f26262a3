"""Billing fixtures: the PG's deposit notification (orders in each state: tests.helpers.billing)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

import pytest

from bizshop.billing.models import Order
from tests.helpers.billing import post_notification, signed_deposit

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response


@pytest.fixture
def deposit() -> Callable[..., Response]:
    """POST the PG's deposit notification for the order; returns the HTTP response."""

    def send(
        order: Order,
        *,
        amount: int | None = None,
        notification_id: str | None = None,
        deposited_at: datetime | None = None,
    ) -> Response:
        return post_notification(
            *signed_deposit(order, amount=amount, notification_id=notification_id, deposited_at=deposited_at)
        )

    return send
