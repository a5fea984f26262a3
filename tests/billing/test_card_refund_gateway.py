"""A card refund cancels the approval at the PG: the payment's own transaction, in full; when the
PG refuses, the order stays paid and the partner reads refund_failed."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, ClassVar

import pytest

from bizshop.billing.gateways import _load
from bizshop.billing.gateways.base import CancelFailed
from bizshop.billing.gateways.sandbox import SandboxGateway
from bizshop.billing.models import Order, OrderStatus, Payment, PaymentStatus
from tests.factories import REFUND_ACCOUNT

if TYPE_CHECKING:
    from pytest_django import Settings

    from tests.helpers.api import ApiClient
    from tests.helpers.db import TableRows


class RecordingGateway(SandboxGateway):
    """The sandbox, remembering each cancel it was asked for; refuses them when ``refuse`` is set."""

    cancels: ClassVar[list[tuple[str, int]]] = []
    refuse: ClassVar[bool] = False

    def cancel_card(self, *, transaction_id: str, amount: int, reason: str = "") -> None:
        if self.refuse:
            raise CancelFailed("취소 가능 기간 경과 (테스트 PG)")
        super().cancel_card(transaction_id=transaction_id, amount=amount)
        self.cancels.append((transaction_id, amount))


@pytest.fixture
def gateway(settings: Settings) -> Iterator[type[RecordingGateway]]:
    settings.PAYMENT_GATEWAY = "tests.billing.test_card_refund_gateway.RecordingGateway"
    _load.cache_clear()
    RecordingGateway.cancels.clear()
    RecordingGateway.refuse = False
    yield RecordingGateway
    _load.cache_clear()


def test_a_card_refund_cancels_the_approval_of_that_payment_in_full(
    api: ApiClient, make_order: Callable[..., Order], gateway: type[RecordingGateway]
) -> None:
    order = make_order(api.partner, paid=True)
    payment = Payment.objects.get(order=order)

    response = api.post(f"/api/v1/orders/{order.pk}/refund/")

    assert (response.status_code, response.json()["status"]) == (200, "refunded")
    assert gateway.cancels == [(payment.gateway_transaction_id, 176_000)]
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.CANCELLED


def test_a_refund_the_pg_refuses_leaves_the_order_paid_and_says_refund_failed(
    api: ApiClient, make_order: Callable[..., Order], gateway: type[RecordingGateway], db_rows: Callable[[], TableRows]
) -> None:
    order = make_order(api.partner, paid=True)
    gateway.refuse = True
    before = db_rows()

    response = api.post(f"/api/v1/orders/{order.pk}/refund/")

    assert (response.status_code, response.json()["error"]["code"]) == (502, "refund_failed")
    assert response.json()["error"]["details"] == {"reason": "취소 가능 기간 경과 (테스트 PG)"}
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PAID
    assert db_rows() == before, "no refund_requested event, no cancelled payment"


def test_a_transfer_refund_does_not_call_the_card_cancel(
    api: ApiClient, make_order: Callable[..., Order], gateway: type[RecordingGateway]
) -> None:
    order = make_order(api.partner)
    api.post(f"/api/v1/orders/{order.pk}/payment/", {"method": "virtual_account"})
    api.post("/api/v1/sandbox/deposits/", {"order_id": order.pk})

    response = api.post(f"/api/v1/orders/{order.pk}/refund/", {"refund_account": REFUND_ACCOUNT})
    assert response.json()["status"] == "refund_pending"
    assert gateway.cancels == []
