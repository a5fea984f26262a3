"""Calendar months of tax invoices in Asia/Seoul, and the monthly run's schedule.

A payment belongs to the calendar month of its approval time in Asia/Seoul (2026-03-31
23:59:59 KST is March; 2026-04-01 00:00 KST, i.e. 2026-03-31 15:00 UTC, is April). Month M's
run starts at 00:05 KST on day ``INVOICE_RUN_DAY`` (default 5, never after the 10th: the VAT
Act's deadline, 부가가치세법 §34(3)) of month M+1; merge requests for M are taken until then.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from bizshop.invoices import errors

SEOUL = ZoneInfo("Asia/Seoul")
RUN_TIME = time(0, 5)
# 부가가치세법 §34(3): an invoice of month M is issued by the 10th of M+1.
LATEST_RUN_DAY = 10


def month_of(moment: datetime) -> date:
    """The calendar month (its first day) of a moment, in Asia/Seoul."""
    return local_date(moment).replace(day=1)


def next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def month_bounds(month: date) -> tuple[datetime, datetime]:
    following = next_month(month)
    return datetime(month.year, month.month, 1, tzinfo=SEOUL), datetime(
        following.year, following.month, 1, tzinfo=SEOUL
    )


def month_last_day(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def previous_month(*, now: datetime | None = None) -> date:
    first_of_this = local_date(now or timezone.now()).replace(day=1)
    return (first_of_this - timedelta(days=1)).replace(day=1)


def parse_month(text: str) -> date:
    # ASCII digits only: \d would take a full-width "２０２６".
    match = re.fullmatch(r"([0-9]{4})-([0-9]{2})", text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1:
        raise errors.INVALID_MONTH(month=text)
    return date(int(match.group(1)), int(match.group(2)), 1)


def local_date(moment: datetime) -> date:
    return timezone.localtime(moment, SEOUL).date()


def run_day() -> int:
    """The day of month M+1 on which month M's run starts (settings ``INVOICE_RUN_DAY``)."""
    return int(settings.INVOICE_RUN_DAY)


def run_scheduled_at(month: date) -> datetime:
    """When Celery beat starts month M's run: 00:05 KST on the run day of M+1. Merge requests
    (병합 발행 신청) for M are accepted until then, or until an earlier explicit run starts."""
    following = next_month(month)
    return datetime.combine(following.replace(day=run_day()), RUN_TIME, tzinfo=SEOUL)
