"""Back-office reads: sales per day and per emoticon from the daily aggregate, a partner's orders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import QuerySet, Sum

from bizshop.backoffice import errors
from bizshop.catalog.models import RankingState, SalesDaily

MAX_RANGE_DAYS = 366


@dataclass(frozen=True)
class DaySales:
    day: date
    transactions: int
    units: int
    supply_amount: int
    total_amount: int


@dataclass(frozen=True)
class EmoticonSales:
    emoticon_id: int
    title: str
    transactions: int
    units: int
    supply_amount: int
    total_amount: int


def sales_range_parse(*, start: str | None, end: str | None, today: date) -> tuple[date, date]:
    """The chosen range (inclusive), default the last 30 days; ``invalid_date_range`` when it is not one."""
    try:
        last = date.fromisoformat(end) if end else today
        first = date.fromisoformat(start) if start else last - timedelta(days=29)
    except ValueError as exc:
        raise errors.INVALID_DATE_RANGE(start=start, end=end) from exc
    if first > last or (last - first).days >= MAX_RANGE_DAYS:
        raise errors.INVALID_DATE_RANGE(start=start, end=end)
    return first, last


def _in_range(first: date, last: date) -> QuerySet[SalesDaily]:
    return SalesDaily.objects.filter(day__gte=first, day__lte=last)


def sales_by_day(*, first: date, last: date) -> list[DaySales]:
    """Every day of the range, days without sales included as zero."""
    rows = {
        row["day"]: row
        for row in _in_range(first, last)
        .values("day")
        .annotate(t=Sum("transactions"), u=Sum("units"), s=Sum("supply_amount"), a=Sum("total_amount"))
        .order_by()
    }
    days = []
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        row = rows.get(day)
        days.append(DaySales(day, row["t"], row["u"], row["s"], row["a"]) if row else DaySales(day, 0, 0, 0, 0))
    return days


def sales_by_emoticon(*, first: date, last: date) -> list[EmoticonSales]:
    rows = (
        _in_range(first, last)
        .values("emoticon_id", "emoticon__title")
        .annotate(t=Sum("transactions"), u=Sum("units"), s=Sum("supply_amount"), a=Sum("total_amount"))
        .order_by("-s", "emoticon__title", "emoticon_id")
    )
    return [EmoticonSales(r["emoticon_id"], r["emoticon__title"], r["t"], r["u"], r["s"], r["a"]) for r in rows]


def sales_rows(*, first: date, last: date) -> QuerySet[SalesDaily]:
    """Day × emoticon rows of the range, for the CSV export."""
    return _in_range(first, last).select_related("emoticon").order_by("day", "emoticon_id")


def sales_aggregated_at() -> datetime | None:
    """When the daily aggregate was last brought up to date (the ranking refresh)."""
    state = RankingState.objects.filter(pk=1).first()
    return state.refreshed_at if state else None
