"""GET /api/v1/emoticons/ and the TOP10 ranking (판매랭킹): public reads of the catalog."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.test import Client
from django.utils import timezone

from bizshop.billing import services as billing
from bizshop.billing.models import Order
from bizshop.catalog.services import ranking_refresh
from tests.factories import EmoticonFactory

if TYPE_CHECKING:
    from bizshop.catalog.models import Emoticon
    from tests.helpers.api import ApiClient


def test_the_catalog_lists_emoticons_on_sale_with_both_prices(db: None) -> None:
    on_sale = EmoticonFactory(prices={30: 1_600, 60: 2_500}, min_quantity=100, max_quantity=5_000)
    EmoticonFactory(on_sale=False)

    response = Client().get("/api/v1/emoticons/")

    assert response.status_code == 200
    [item] = response.json()["results"]
    assert {k: item[k] for k in ("id", "title", "prices", "min_quantity", "max_quantity", "image_url")} == {
        "id": on_sale.pk,
        "title": on_sale.title,
        "prices": {"30": 1_600, "60": 2_500},
        "min_quantity": 100,
        "max_quantity": 5_000,
        "image_url": None,
    }


def test_the_catalog_is_paged_in_a_stable_order(db: None) -> None:
    emoticons = [EmoticonFactory() for _ in range(3)]

    first = Client().get("/api/v1/emoticons/?page_size=2").json()
    second = Client().get(first["next"]).json()

    assert [e["id"] for e in first["results"] + second["results"]] == [e.pk for e in emoticons]
    assert second["next"] is None


def buy(partner: Any, emoticon: Emoticon, *, quantity: int = 100, pay: bool = True) -> Order:
    order = billing.order_create(partner=partner, emoticon_id=emoticon.pk, period_days=30, quantity=quantity)
    if pay:
        order = billing.order_pay_by_card(order_id=order.pk, partner=partner, card_token="tok_sandbox_approve")
    return order


def ranking() -> list[tuple[int, int, int]]:
    body = Client().get("/api/v1/emoticons/ranking/").json()
    return [(entry["rank"], entry["emoticon"]["id"], entry["transactions"]) for entry in body["results"]]


def test_the_ranking_orders_emoticons_by_paid_transactions(api: ApiClient) -> None:
    once, twice = EmoticonFactory(), EmoticonFactory()
    buy(api.partner, once)
    buy(api.partner, twice)
    buy(api.partner, twice)

    ranking_refresh()

    assert ranking() == [(1, twice.pk, 2), (2, once.pk, 1)]


def test_the_ranking_leaves_out_unpaid_and_refunded_orders(api: ApiClient) -> None:
    paid, unpaid, refunded = EmoticonFactory(), EmoticonFactory(), EmoticonFactory()
    buy(api.partner, paid)
    buy(api.partner, unpaid, pay=False)
    order = buy(api.partner, refunded)
    billing.order_refund(order_id=order.pk, partner=api.partner)

    ranking_refresh()

    assert ranking() == [(1, paid.pk, 1)]


def test_the_ranking_leaves_out_sales_older_than_three_months(api: ApiClient) -> None:
    old, recent = EmoticonFactory(), EmoticonFactory()
    Order.objects.filter(pk=buy(api.partner, old).pk).update(paid_at=timezone.now() - timedelta(days=100))
    buy(api.partner, recent)

    ranking_refresh()

    assert ranking() == [(1, recent.pk, 1)]


def test_the_ranking_holds_at_most_ten(api: ApiClient) -> None:
    for _ in range(11):
        buy(api.partner, EmoticonFactory())

    ranking_refresh()

    assert [rank for rank, _, _ in ranking()] == list(range(1, 11))


def test_a_tie_in_transactions_goes_to_more_units(api: ApiClient) -> None:
    small, large = EmoticonFactory(title="가"), EmoticonFactory(title="나")
    buy(api.partner, small, quantity=100)
    buy(api.partner, large, quantity=200)

    ranking_refresh()

    assert ranking() == [(1, large.pk, 1), (2, small.pk, 1)]
