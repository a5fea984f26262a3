"""GET /api/v1/orders/ filters: by status and by creation or payment day (Asia/Seoul), scoped to the partner."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bizshop.billing.models import Order

if TYPE_CHECKING:
    from tests.helpers.api import ApiClient

KST = ZoneInfo("Asia/Seoul")


def ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.content
    return sorted(item["id"] for item in response.json()["results"])


def test_orders_are_filtered_by_one_or_more_statuses(api: ApiClient, make_order: Callable[..., Order]) -> None:
    unpaid = make_order(api.partner)
    paid = make_order(api.partner, paid=True)
    cancelled = make_order(api.partner)
    api.post(f"/api/v1/orders/{cancelled.pk}/cancel/")

    assert ids(api.get("/api/v1/orders/?status=paid")) == [paid.pk]
    assert ids(api.get("/api/v1/orders/?status=pending_payment&status=cancelled")) == [unpaid.pk, cancelled.pk]


def test_orders_are_filtered_by_creation_day_in_seoul_both_ends_included(
    api: ApiClient, make_order: Callable[..., Order]
) -> None:
    march_1_early = make_order(api.partner)  # 2026-03-01 00:30 KST is still 2026-02-28 in UTC
    march_2 = make_order(api.partner)
    march_3 = make_order(api.partner)
    Order.objects.filter(pk=march_1_early.pk).update(created_at=datetime(2026, 3, 1, 0, 30, tzinfo=KST))
    Order.objects.filter(pk=march_2.pk).update(created_at=datetime(2026, 3, 2, 23, 59, 59, tzinfo=KST))
    Order.objects.filter(pk=march_3.pk).update(created_at=datetime(2026, 3, 3, 0, 0, tzinfo=KST))

    assert ids(api.get("/api/v1/orders/?created_from=2026-03-01&created_to=2026-03-02")) == [
        march_1_early.pk,
        march_2.pk,
    ]
    assert ids(api.get("/api/v1/orders/?created_from=2026-03-03")) == [march_3.pk]


def test_orders_are_filtered_by_payment_day(api: ApiClient, make_order: Callable[..., Order]) -> None:
    paid = make_order(api.partner, paid=True)
    make_order(api.partner)  # never paid: no payment day
    Order.objects.filter(pk=paid.pk).update(paid_at=datetime(2026, 4, 10, 9, 0, tzinfo=KST))

    assert ids(api.get("/api/v1/orders/?paid_from=2026-04-10&paid_to=2026-04-10")) == [paid.pk]
    assert ids(api.get("/api/v1/orders/?paid_from=2026-04-11")) == []


def test_a_filter_never_reaches_another_partners_orders(
    api: ApiClient, other_api: ApiClient, make_order: Callable[..., Order]
) -> None:
    make_order(other_api.partner, paid=True)

    assert ids(api.get("/api/v1/orders/?status=paid")) == []


def test_an_unknown_status_or_a_malformed_date_is_422_invalid_request(api: ApiClient) -> None:
    for query in ("status=shipped", "created_from=yesterday"):
        response = api.get(f"/api/v1/orders/?{query}")

        assert (response.status_code, response.json()["error"]["code"]) == (422, "invalid_request")
