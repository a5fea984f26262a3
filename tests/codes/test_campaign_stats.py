"""Per-order campaign statistics: the counts, and registrations per day in Asia/Seoul."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone

from bizshop.billing.models import Order
from bizshop.codes.models import Issuance
from bizshop.codes.selectors import (
    DayCount,
    order_campaign_stats,
    registrations_per_issuance_and_day,
    voided_per_issuance,
)
from bizshop.codes.services import code_void_and_replace
from tests.helpers.api import ApiClient
from tests.helpers.campaign import register_at

SEOUL = ZoneInfo("Asia/Seoul")


def kst(*args: int) -> datetime:
    return datetime(*args, tzinfo=SEOUL)  # type: ignore[misc]


@pytest.fixture
def campaign(api: ApiClient, make_order: Any, issue_codes: Any) -> Order:
    """Tranche 1 (6 codes, open until 12-10): 2 registered on 12-02 KST (12-01 in UTC), 1 on 12-04,
    one voided and replaced; tranche 2 (2 codes) past its deadline, unregistered."""
    order = make_order(api.partner, quantity=100, paid=True)
    first = issue_codes(order, quantity=6)
    register_at(first[0], kst(2026, 12, 2, 0, 10))
    register_at(first[1], kst(2026, 12, 2, 23, 59))
    register_at(first[2], kst(2026, 12, 4, 23, 50))
    code_void_and_replace(order_id=order.pk, partner=api.partner, code=first[3], actor=None)
    issue_codes(order, quantity=2)
    one, two = Issuance.objects.filter(order=order).order_by("id")
    Issuance.objects.filter(pk=one.pk).update(
        created_at=kst(2026, 12, 1, 23, 30), registration_deadline=kst(2026, 12, 10, 23, 59)
    )
    Issuance.objects.filter(pk=two.pk).update(
        created_at=kst(2026, 12, 3, 9, 0), registration_deadline=kst(2026, 12, 4, 0, 0)
    )
    return order


def test_the_counts_add_up_and_every_day_is_there_with_zeros(campaign: Order) -> None:
    stats = order_campaign_stats(order_id=campaign.pk, now=kst(2026, 12, 5, 10, 0))

    assert (stats.issued, stats.registered, stats.voided) == (9, 3, 1)
    assert (stats.unregistered_open, stats.expired_unregistered) == (3, 2)
    assert stats.issued == stats.registered + stats.voided + stats.unregistered_open + stats.expired_unregistered
    assert stats.registrations_by_day == [
        DayCount(date(2026, 12, 1), 0),
        DayCount(date(2026, 12, 2), 2),  # 00:10 KST is still 12-01 in UTC
        DayCount(date(2026, 12, 3), 0),
        DayCount(date(2026, 12, 4), 1),
        DayCount(date(2026, 12, 5), 0),
    ]


def test_the_days_stop_at_the_last_deadline(campaign: Order) -> None:
    stats = order_campaign_stats(order_id=campaign.pk, now=kst(2027, 1, 20, 10, 0))

    assert stats.registrations_by_day[-1].date == date(2026, 12, 10)
    assert len(stats.registrations_by_day) == 10
    assert (stats.unregistered_open, stats.expired_unregistered) == (0, 5)


def test_an_order_without_codes_has_nothing(api: ApiClient, make_order: Any) -> None:
    order = make_order(api.partner, quantity=100, paid=True)

    stats = order_campaign_stats(order_id=order.pk)

    assert (stats.issued, stats.registered, stats.registrations_by_day) == (0, 0, [])


def test_the_api_gives_the_numbers_of_known_registrations_on_known_days(
    api: ApiClient, make_order: Any, issue_codes: Any
) -> None:
    order = make_order(api.partner, quantity=100, paid=True)
    codes = issue_codes(order, quantity=5)
    today = timezone.localdate(timezone.now(), SEOUL)
    noon = datetime.combine(today, datetime.min.time(), tzinfo=SEOUL) + timedelta(hours=12)
    Issuance.objects.filter(order=order).update(created_at=noon - timedelta(days=3))
    register_at(codes[0], noon - timedelta(days=3))
    register_at(codes[1], noon - timedelta(days=1))
    register_at(codes[2], noon - timedelta(days=1))

    response = api.get(f"/api/v1/orders/{order.pk}/stats/")

    assert response.status_code == 200
    assert response.json() == {
        "issued": 5,
        "registered": 3,
        "expired_unregistered": 0,
        "voided": 0,
        "unregistered_open": 2,
        "registrations_by_day": [
            {"date": str(today - timedelta(days=3)), "count": 1},
            {"date": str(today - timedelta(days=2)), "count": 0},
            {"date": str(today - timedelta(days=1)), "count": 2},
            {"date": str(today), "count": 0},
        ],
        "assigned": 0,  # no delivery sent any of them (코드 보내기)
        "sent": 0,
        "delivery_failed": 0,
    }


def test_another_partners_order_stats_are_404(other_api: ApiClient, campaign: Order) -> None:
    response = other_api.get(f"/api/v1/orders/{campaign.pk}/stats/")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def _plan(queryset: Any) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_stats_queries_can_read_the_partial_indexes_instead_of_every_code(campaign: Order) -> None:
    """What keeps an order of a million codes fast: neither query needs the order's every code
    (bench figures in README, Campaign statistics). With the planner kept off sequential scans,
    each query's shape matches its partial index."""
    registered = _plan(registrations_per_issuance_and_day(order_id=campaign.pk))
    voided = _plan(voided_per_issuance(order_id=campaign.pk))

    assert "Index Only Scan using codes_code_registered_by_day" in registered
    assert "codes_code_voided_by_order" in voided
