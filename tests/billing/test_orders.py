"""POST /api/v1/orders/: priced from the catalog, refused outside the emoticon's rules."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

from bizshop.billing.models import OrderEvent
from bizshop.catalog.models import EmoticonPrice
from tests.factories import EmoticonFactory

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

    from bizshop.billing.models import Order
    from bizshop.catalog.models import Emoticon
    from tests.helpers.api import ApiClient
    from tests.helpers.db import TableRows


def create(api: ApiClient, emoticon: Emoticon, *, period_days: Any = 30, quantity: Any = 100) -> Response:
    return api.post("/api/v1/orders/", {"emoticon_id": emoticon.pk, "period_days": period_days, "quantity": quantity})


def test_an_order_is_priced_unit_price_times_quantity_plus_vat(api: ApiClient, emoticon: Emoticon) -> None:
    response = create(api, emoticon)

    assert response.status_code == 201
    order = response.json()
    assert {k: order[k] for k in ("status", "emoticon_id", "period_days", "quantity", "issued_quantity")} == {
        "status": "pending_payment",
        "emoticon_id": emoticon.pk,
        "period_days": 30,
        "quantity": 100,
        "issued_quantity": 0,
    }
    assert (order["unit_price"], order["supply_amount"], order["vat_amount"], order["total_amount"]) == (
        1_600,
        160_000,
        16_000,
        176_000,
    )


def test_a_60_day_order_uses_the_60_day_price(api: ApiClient, emoticon: Emoticon) -> None:
    order = create(api, emoticon, period_days=60, quantity=101).json()

    assert (order["unit_price"], order["supply_amount"], order["vat_amount"], order["total_amount"]) == (
        2_500,
        252_500,
        25_250,
        277_750,
    )


def test_an_order_keeps_the_price_it_was_bought_at(api: ApiClient, emoticon: Emoticon) -> None:
    order = create(api, emoticon).json()

    EmoticonPrice.objects.filter(emoticon=emoticon, period_days=30).update(unit_price=9_999)

    again = api.get(f"/api/v1/orders/{order['id']}/").json()
    assert (again["unit_price"], again["total_amount"]) == (1_600, 176_000)


def test_an_order_records_its_creation_event(api: ApiClient, emoticon: Emoticon) -> None:
    order = create(api, emoticon).json()

    assert list(OrderEvent.objects.filter(order_id=order["id"]).values_list("kind", flat=True)) == ["created"]


def test_the_minimum_and_maximum_quantity_can_be_ordered(api: ApiClient) -> None:
    emoticon = EmoticonFactory(min_quantity=100, max_quantity=500)

    assert create(api, emoticon, quantity=100).status_code == 201
    assert create(api, emoticon, quantity=500).status_code == 201


@pytest.mark.parametrize("quantity", [99, 501, 0, -1])
def test_a_quantity_outside_min_and_max_is_quantity_out_of_range(
    api: ApiClient, db_rows: Callable[[], TableRows], quantity: int
) -> None:
    emoticon = EmoticonFactory(min_quantity=100, max_quantity=500)
    before = db_rows()

    response = create(api, emoticon, quantity=quantity)

    assert (response.status_code, response.json()["error"]["code"]) == (422, "quantity_out_of_range")
    assert response.json()["error"]["details"] == {"min_quantity": 100, "max_quantity": 500, "quantity": quantity}
    assert db_rows() == before


@pytest.mark.parametrize("period_days", [45, 0, 90])
def test_a_period_other_than_30_or_60_is_invalid_period(
    api: ApiClient, emoticon: Emoticon, db_rows: Callable[[], TableRows], period_days: int
) -> None:
    before = db_rows()

    response = create(api, emoticon, period_days=period_days)

    assert (response.status_code, response.json()["error"]["code"]) == (422, "invalid_period")
    assert db_rows() == before


def test_an_emoticon_off_sale_is_emoticon_not_on_sale(api: ApiClient, db_rows: Callable[[], TableRows]) -> None:
    emoticon = EmoticonFactory(on_sale=False)
    before = db_rows()

    response = create(api, emoticon)

    assert (response.status_code, response.json()["error"]["code"]) == (422, "emoticon_not_on_sale")
    assert db_rows() == before


def test_an_emoticon_without_a_price_for_the_period_is_emoticon_not_on_sale(
    api: ApiClient, db_rows: Callable[[], TableRows]
) -> None:
    emoticon = EmoticonFactory(prices={30: 1_600})
    before = db_rows()

    response = create(api, emoticon, period_days=60)

    assert (response.status_code, response.json()["error"]["code"]) == (422, "emoticon_not_on_sale")
    assert db_rows() == before


def test_an_unknown_emoticon_is_emoticon_not_found(
    api: ApiClient, emoticon: Emoticon, db_rows: Callable[[], TableRows]
) -> None:
    before = db_rows()

    response = api.post("/api/v1/orders/", {"emoticon_id": emoticon.pk + 1000, "period_days": 30, "quantity": 100})

    assert (response.status_code, response.json()["error"]["code"]) == (404, "emoticon_not_found")
    assert db_rows() == before


@pytest.mark.parametrize("missing", ["emoticon_id", "period_days", "quantity"])
def test_a_missing_required_field_is_invalid_request(
    api: ApiClient, emoticon: Emoticon, db_rows: Callable[[], TableRows], missing: str
) -> None:
    body = {"emoticon_id": emoticon.pk, "period_days": 30, "quantity": 100}
    del body[missing]
    before = db_rows()

    response = api.post("/api/v1/orders/", body)

    assert (response.status_code, response.json()["error"]["code"]) == (422, "invalid_request")
    assert list(response.json()["error"]["details"]["fields"]) == [missing]
    assert db_rows() == before


def test_a_quantity_that_is_not_a_number_is_invalid_request(
    api: ApiClient, emoticon: Emoticon, db_rows: Callable[[], TableRows]
) -> None:
    before = db_rows()

    response = create(api, emoticon, quantity="many")

    assert (response.status_code, response.json()["error"]["code"]) == (422, "invalid_request")
    assert db_rows() == before


def test_the_order_list_is_paged_newest_first(api: ApiClient, make_order: Callable[..., Order]) -> None:
    orders = [make_order(api.partner) for _ in range(3)]

    first = api.get("/api/v1/orders/?page_size=2").json()
    second = api.get(first["next"]).json()

    assert [o["id"] for o in first["results"] + second["results"]] == [o.pk for o in reversed(orders)]
    assert second["next"] is None
