"""The ranking refresh keeps per-day sales and the TOP10 up to date incrementally; pages never read orders."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bizshop.billing import services as billing
from bizshop.billing.models import Order
from bizshop.catalog.models import RankingEntry, SalesDaily
from bizshop.catalog.services import ranking_refresh
from tests.factories import EmoticonFactory

if TYPE_CHECKING:
    from bizshop.catalog.models import Emoticon
    from tests.helpers.api import ApiClient


def buy(partner: Any, emoticon: Emoticon, *, quantity: int = 100) -> Order:
    order = billing.order_create(partner=partner, emoticon_id=emoticon.pk, period_days=30, quantity=quantity)
    return billing.order_pay_by_card(order_id=order.pk, partner=partner, card_token="tok_sandbox_approve")


def top() -> list[tuple[int, int]]:
    return list(RankingEntry.objects.order_by("rank").values_list("emoticon_id", "transactions"))


def test_an_order_paid_after_a_refresh_counts_at_the_next_one(api: ApiClient) -> None:
    first, second = EmoticonFactory(), EmoticonFactory()
    buy(api.partner, first)
    ranking_refresh()

    buy(api.partner, second)
    buy(api.partner, second)
    ranking_refresh()

    assert top() == [(second.pk, 2), (first.pk, 1)]


def test_a_refund_of_an_order_paid_weeks_ago_leaves_the_ranking_at_the_next_refresh(api: ApiClient) -> None:
    kept, refunded = EmoticonFactory(title="가"), EmoticonFactory(title="나")
    buy(api.partner, kept)
    old = buy(api.partner, refunded)
    buy(api.partner, refunded)
    Order.objects.filter(pk=old.pk).update(paid_at=timezone.now() - timedelta(days=40))
    ranking_refresh()
    assert top() == [(refunded.pk, 2), (kept.pk, 1)]

    billing.order_refund(order_id=old.pk, partner=api.partner)
    ranking_refresh()

    assert top() == [(kept.pk, 1), (refunded.pk, 1)]  # a tie: the same units, then the title decides


def test_a_tie_in_transactions_and_units_goes_to_the_title(api: ApiClient) -> None:
    later, earlier = EmoticonFactory(title="나비"), EmoticonFactory(title="가방")
    buy(api.partner, later)
    buy(api.partner, earlier)

    ranking_refresh()

    assert top() == [(earlier.pk, 1), (later.pk, 1)]


def test_the_refresh_keeps_sales_per_emoticon_per_seoul_day(api: ApiClient, emoticon: Emoticon) -> None:
    order = buy(api.partner, emoticon, quantity=100)
    buy(api.partner, emoticon, quantity=300)

    ranking_refresh()

    [row] = SalesDaily.objects.all()
    assert row.day == timezone.localtime(order.paid_at).date()
    assert (row.transactions, row.units, row.supply_amount, row.total_amount) == (2, 400, 640_000, 704_000)


def test_the_whole_window_is_recomputed_once_a_day(api: ApiClient) -> None:
    gone, kept = EmoticonFactory(), EmoticonFactory()
    old = buy(api.partner, gone)
    buy(api.partner, kept)
    Order.objects.filter(pk=old.pk).update(paid_at=timezone.now() - timedelta(days=10))
    ranking_refresh()
    Order.objects.filter(pk=old.pk).delete()  # a withdrawn partner's history: deleted without an event

    ranking_refresh()
    assert {emoticon_id for emoticon_id, _ in top()} == {gone.pk, kept.pk}  # not within the recent days
    ranking_refresh(now=timezone.now() + timedelta(hours=25))

    assert top() == [(kept.pk, 1)]


def test_the_home_page_and_the_ranking_api_never_read_orders(api: ApiClient, emoticon: Emoticon) -> None:
    buy(api.partner, emoticon)
    ranking_refresh()

    with CaptureQueriesContext(connection) as queries:
        home = Client().get("/")
        ranking = Client().get("/api/v1/emoticons/ranking/")

    assert home.status_code == ranking.status_code == 200
    assert ranking.json()["results"][0]["emoticon"]["id"] == emoticon.pk
    assert emoticon.title in home.content.decode()
    assert not [query["sql"] for query in queries.captured_queries if "billing_order" in query["sql"]]


@pytest.mark.django_db(transaction=True)
def test_concurrent_refreshes_leave_one_consistent_top10(api: ApiClient) -> None:
    emoticons = [EmoticonFactory() for _ in range(12)]
    for count, emoticon in enumerate(emoticons, start=1):
        for _ in range(count % 4 + 1):
            buy(api.partner, emoticon)
    barrier = threading.Barrier(4)
    failures: list[BaseException] = []

    def refresh() -> None:
        barrier.wait()
        try:
            ranking_refresh()
        except BaseException as exc:
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=refresh) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert list(RankingEntry.objects.order_by("rank").values_list("rank", flat=True)) == list(range(1, 11))
    assert [transactions for _, transactions in top()][:3] == [4, 4, 4]


def test_the_ranking_api_reads_the_top10_in_two_queries(api: ApiClient) -> None:
    for _ in range(10):
        buy(api.partner, EmoticonFactory())
    ranking_refresh()

    with CaptureQueriesContext(connection) as queries:
        body = Client().get("/api/v1/emoticons/ranking/").json()

    assert len(body["results"]) == 10
    assert body["results"][0]["emoticon"]["prices"] == {"30": 1_600, "60": 2_500}
    assert len(queries.captured_queries) == 2  # entries with emoticons, then all their prices
