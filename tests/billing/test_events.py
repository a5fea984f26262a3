"""The order event log (주문 이력): the partner reads it in the API and on the order page."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db import transaction

from bizshop.billing import services as billing
from tests.factories import UserFactory
from tests.helpers.billing import order_in_state

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

    from bizshop.billing.models import Order
    from bizshop.catalog.models import Emoticon
    from tests.helpers.api import ApiClient


def kinds(response: Any) -> list[str]:
    return [event["kind"] for event in response.json()["results"]]


def test_the_events_of_a_card_order_issued_in_a_tranche_in_order(api: ApiClient, paid_order: Order) -> None:
    with transaction.atomic():
        billing.order_reserve_issuance(order_id=paid_order.pk, partner=api.partner, quantity=10)

    response = api.get(f"/api/v1/orders/{paid_order.pk}/events/")

    assert response.status_code == 200
    assert kinds(response) == ["created", "payment_approved", "issuance_requested"]
    issued = response.json()["results"][2]
    assert (issued["label"], issued["text"], issued["data"]) == (
        "일련번호 발급",
        "일련번호 10개 발급",
        {"quantity": 10},
    )
    assert set(issued) == {"id", "kind", "label", "text", "data", "created_at"}
    assert response.json()["next"] is None


def test_the_events_of_a_transfer_refund(api: ApiClient, emoticon: Emoticon) -> None:
    order = order_in_state(api.partner, emoticon.pk, "refund_pending")
    billing.order_refund_complete(order_id=order.pk, operator=UserFactory(is_staff=True, is_superuser=True))

    response = api.get(f"/api/v1/orders/{order.pk}/events/")

    assert kinds(response) == [
        "created",
        "virtual_account_opened",
        "deposit_received",
        "refund_requested",
        "refund_completed",
    ]
    assert response.json()["results"][2]["text"] == "입금 확인: 176,000원"


def test_the_events_of_an_expired_order_with_a_late_deposit(
    api: ApiClient, emoticon: Emoticon, deposit: Callable[..., Response]
) -> None:
    order = order_in_state(api.partner, emoticon.pk, "expired")
    deposit(order)

    response = api.get(f"/api/v1/orders/{order.pk}/events/")

    assert kinds(response) == ["created", "virtual_account_opened", "expired", "unapplied_deposit"]
    assert "운영자가 환불해 드립니다" in response.json()["results"][3]["text"]


def test_the_events_of_a_cancelled_order(api: ApiClient, emoticon: Emoticon) -> None:
    order = order_in_state(api.partner, emoticon.pk, "cancelled")

    assert kinds(api.get(f"/api/v1/orders/{order.pk}/events/")) == ["created", "virtual_account_opened", "cancelled"]


def test_the_events_of_a_card_refund(api: ApiClient, emoticon: Emoticon) -> None:
    order = order_in_state(api.partner, emoticon.pk, "refunded")

    assert kinds(api.get(f"/api/v1/orders/{order.pk}/events/")) == [
        "created",
        "payment_approved",
        "refund_requested",
        "refund_completed",
    ]


def test_the_events_are_paged(api: ApiClient, paid_order: Order) -> None:
    first = api.get(f"/api/v1/orders/{paid_order.pk}/events/?page_size=1")

    second = api.get(first.json()["next"])

    assert (kinds(first), kinds(second)) == (["created"], ["payment_approved"])


def test_another_partners_events_are_not_found(other_api: ApiClient, paid_order: Order) -> None:
    response = other_api.get(f"/api/v1/orders/{paid_order.pk}/events/")

    assert (response.status_code, response.json()["error"]["code"]) == (404, "not_found")
