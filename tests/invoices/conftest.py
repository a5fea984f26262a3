"""Invoice fixtures: approved payments at chosen moments, fully issued or not, for our partner or another."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

import pytest
import time_machine

from bizshop.billing import services as billing
from bizshop.billing.models import Order, OrderStatus, Payment
from bizshop.catalog.models import Emoticon
from bizshop.codes.services import issuance_run, issuance_start
from bizshop.invoices.transmitters.fake import RecordingTransmitter
from bizshop.partners.models import Partner
from tests.helpers.api import ApiClient
from tests.helpers.invoices import kst


@pytest.fixture(autouse=True)
def _empty_transmitter() -> Iterator[None]:
    RecordingTransmitter.clear()
    yield
    RecordingTransmitter.clear()


@pytest.fixture
def pay(emoticon: Emoticon) -> Callable[..., Payment]:
    """An approved card payment of a new order, approved at ``at``; with ``issued`` every code issued."""

    def make(
        partner: Partner,
        at: datetime,
        *,
        quantity: int = 100,
        issued: bool = False,
        emoticon_id: int | None = None,
        period_days: int = 30,
    ) -> Payment:
        order = billing.order_create(
            partner=partner, emoticon_id=emoticon_id or emoticon.pk, period_days=period_days, quantity=quantity
        )
        billing.order_pay_by_card(order_id=order.pk, partner=partner, card_token="tok_sandbox_approve")
        Payment.objects.filter(order=order).update(approved_at=at)
        Order.objects.filter(pk=order.pk).update(paid_at=at)
        if issued:
            issuance = issuance_start(order_id=order.pk, partner=partner, quantity=None)
            issuance_run(issuance_id=issuance.pk)
            assert Order.objects.get(pk=order.pk).status == OrderStatus.ISSUED
        return Payment.objects.get(order=order)

    return make


@pytest.fixture
def partner(api: ApiClient) -> Partner:
    return api.partner


@pytest.fixture
def other_partner(other_api: ApiClient) -> Partner:
    return other_api.partner


@pytest.fixture
def march_merge_window() -> Iterator[None]:
    """Now is 2 April 2026 in Seoul: March's merge requests are open until its run (5 April 00:05)."""
    with time_machine.travel(kst(2026, 4, 2, 12, 0), tick=True):
        yield
