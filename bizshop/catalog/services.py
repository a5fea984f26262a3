"""Catalog writes: emoticons with their prices and images, and the TOP10 ranking refresh."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import IO, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Min, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from bizshop.accounts.models import User
from bizshop.catalog import errors, images
from bizshop.catalog.models import (
    Emoticon,
    EmoticonPrice,
    EmoticonPriceHistory,
    RankingEntry,
    RankingState,
    SalesDaily,
    Sticker,
    UsagePeriod,
)

RANKING_SIZE = 10
RANKING_WINDOW_DAYS = 92  # "the last 3 months": today and the 91 days before it, Asia/Seoul calendar days
# Orders counted as sales (판매): paid and not refunded. refund_pending/refunded drop out.
COUNTED_STATUSES = ("paid", "partially_issued", "issued")
# A payment committed up to this long after its paid_at is still caught by the next refresh.
LATE_COMMIT_MARGIN = timedelta(hours=1)
# The whole ranking window is recomputed from the orders at least this often (a partner's
# withdrawal deletes its orders without an event the incremental refresh could see).
FULL_REBUILD_EVERY = timedelta(hours=24)
EMOTICON_FIELDS = ("title", "creator", "description", "on_sale", "min_quantity", "max_quantity")


def _seoul() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


# ---------------------------------------------------------------------------------------- emoticons


@transaction.atomic
def emoticon_create(
    *,
    title: str,
    prices: dict[int, int],
    creator: str = "",
    description: str = "",
    min_quantity: int = 100,
    max_quantity: int = 1_000_000,
    on_sale: bool = True,
    operator: User | None = None,
) -> Emoticon:
    emoticon = Emoticon.objects.create(
        title=title,
        creator=creator,
        description=description,
        min_quantity=min_quantity,
        max_quantity=max_quantity,
        on_sale=on_sale,
    )
    for period, price in prices.items():
        emoticon_price_set(emoticon=emoticon, period_days=period, unit_price=price, operator=operator)
    return emoticon


@transaction.atomic
def emoticon_update(
    *, emoticon_id: int, operator: User | None, prices: dict[int, int | None] | None = None, **fields: Any
) -> Emoticon:
    """Change an emoticon's details and prices; a changed price is written to the price history."""
    unknown = set(fields) - set(EMOTICON_FIELDS)
    if unknown:
        raise TypeError(f"not an emoticon field: {sorted(unknown)}")
    emoticon = Emoticon.objects.select_for_update().get(pk=emoticon_id)
    for name, value in fields.items():
        setattr(emoticon, name, value)
    if fields:
        emoticon.save(update_fields=[*fields, "updated_at"])
    for period, price in (prices or {}).items():
        if price is None:
            EmoticonPrice.objects.filter(emoticon=emoticon, period_days=period).delete()
        else:
            emoticon_price_set(emoticon=emoticon, period_days=period, unit_price=price, operator=operator)
    return emoticon


def emoticon_price_set(*, emoticon: Emoticon, period_days: int, unit_price: int, operator: User | None) -> bool:
    """Set one period's price; True (and a history row) when it changed. Runs in the caller's transaction."""
    if period_days not in UsagePeriod.values:
        raise errors.INVALID_PERIOD(period_days=period_days)
    if isinstance(unit_price, bool) or not isinstance(unit_price, int) or unit_price <= 0:
        raise errors.INVALID_PRICE(unit_price=unit_price)
    with transaction.atomic():
        price = EmoticonPrice.objects.select_for_update().filter(emoticon=emoticon, period_days=period_days).first()
        previous = price.unit_price if price else None
        if previous == unit_price:
            return False
        if price is None:
            EmoticonPrice.objects.create(emoticon=emoticon, period_days=period_days, unit_price=unit_price)
        else:
            price.unit_price = unit_price
            price.save(update_fields=["unit_price"])
        Emoticon.objects.filter(pk=emoticon.pk).update(updated_at=timezone.now())  # the home page's cache key
        EmoticonPriceHistory.objects.create(
            emoticon=emoticon,
            period_days=period_days,
            unit_price=unit_price,
            previous_unit_price=previous,
            changed_at=timezone.now(),
            changed_by=operator,
        )
    return True


def emoticon_representative_image_set(*, emoticon_id: int, upload: IO[bytes] | Any) -> Emoticon:
    """Replace the representative image (대표이미지: a square PNG, kept byte for byte) and its WebP thumbnail.

    A file that breaks a rule of images.image_validate changes nothing and stores nothing.
    """
    checked = images.image_validate(upload, formats=images.REPRESENTATIVE_FORMATS)
    name = images.content_name(upload, checked.extension)
    thumbnail = images.thumbnail_make(upload)
    with transaction.atomic():
        emoticon = Emoticon.objects.select_for_update().get(pk=emoticon_id)
        emoticon.representative_image.save(name, upload, save=False)
        emoticon.representative_thumbnail.save(thumbnail.name or "thumb.webp", thumbnail, save=False)
        emoticon.save(update_fields=["representative_image", "representative_thumbnail", "updated_at"])
    return emoticon


@dataclass(frozen=True)
class StickerChange:
    """One kept sticker of the set: its new position, and its new file if replaced."""

    sticker_id: int
    position: int
    upload: IO[bytes] | Any | None = None


def sticker_set_change(
    *,
    emoticon_id: int,
    add: Sequence[tuple[IO[bytes] | Any, int | None]] | None = None,
    change: list[StickerChange] | None = None,
    delete: list[int] | None = None,
) -> list[Sticker]:
    """Add, move, replace and delete stickers of a set at once; the set that results has 8–32 stickers
    (or none yet). Every new file is checked before anything is written: one bad file stores nothing."""
    add, change, delete = list(add or []), change or [], delete or []
    checked_adds = [(upload, position, images.image_validate(upload)) for upload, position in add]
    checked_changes = [(item, images.image_validate(item.upload) if item.upload else None) for item in change]
    with transaction.atomic():
        emoticon = Emoticon.objects.select_for_update().get(pk=emoticon_id)
        existing = {sticker.pk: sticker for sticker in Sticker.objects.filter(emoticon=emoticon)}
        remaining = len(set(existing) - set(delete)) + len(add)
        if remaining and not images.STICKERS_MIN <= remaining <= images.STICKERS_MAX:
            raise errors.STICKER_COUNT_OUT_OF_RANGE(count=remaining)
        Sticker.objects.filter(emoticon=emoticon, pk__in=delete).delete()
        for item, checked in checked_changes:
            sticker = existing[item.sticker_id]
            sticker.position = item.position
            if item.upload is not None and checked is not None:
                _sticker_file_set(sticker, item.upload, checked)
            sticker.save()
        next_position = max((s.position for s in existing.values() if s.pk not in delete), default=-1) + 1
        for upload, position, checked in checked_adds:
            if position is None:
                position, next_position = next_position, next_position + 1
            sticker = Sticker(emoticon=emoticon, position=position)
            _sticker_file_set(sticker, upload, checked)
            sticker.save()
        Emoticon.objects.filter(pk=emoticon.pk).update(updated_at=timezone.now())
    return list(Sticker.objects.filter(emoticon_id=emoticon_id))


def _sticker_file_set(sticker: Sticker, upload: IO[bytes] | Any, checked: images.CheckedImage) -> None:
    thumbnail = images.thumbnail_make(upload)
    sticker.file.save(images.content_name(upload, checked.extension), upload, save=False)
    sticker.thumbnail.save(thumbnail.name or "thumb.webp", thumbnail, save=False)
    sticker.width, sticker.height = checked.width, checked.height
    sticker.frame_count, sticker.animated = checked.frame_count, checked.animated


# ------------------------------------------------------------------------------------------ ranking


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=_seoul())


def _contiguous(days: Iterable[date]) -> list[tuple[date, date]]:
    """Sorted days as inclusive (first, last) runs: one index range scan per run."""
    runs: list[tuple[date, date]] = []
    for day in sorted(set(days)):
        if runs and runs[-1][1] + timedelta(days=1) == day:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def sales_of_day(day: date) -> Any:
    """(emoticon_id, transactions, units, supply, total) of the orders counted on one Asia/Seoul day.

    Every column it reads is in catalog_order_sales_by_paid_at: COUNT(*), not COUNT(id), or
    PostgreSQL must visit the table row of each order to read its id.
    """
    from bizshop.billing.models import Order

    return (
        Order.objects.filter(
            status__in=COUNTED_STATUSES,
            paid_at__gte=_day_start(day),
            paid_at__lt=_day_start(day + timedelta(days=1)),
        )
        .values_list("emoticon_id")
        .annotate(t=Count("*"), u=Sum("quantity"), s=Sum("supply_amount"), a=Sum("total_amount"))
        .order_by()
    )


def sales_daily_recompute(*, days: Iterable[date]) -> int:
    """Replace the SalesDaily rows of ``days`` by what the orders say now; returns how many rows were written.

    One query per day, its bounds computed here in Asia/Seoul: each is a range scan of the
    partial covering index catalog_order_sales_by_paid_at (migration catalog 0003) grouped by
    emoticon alone. Grouping a long range by a per-row ``AT TIME ZONE`` date costs three times
    as much per order. Runs in the caller's transaction (the refresh holds the RankingState lock).
    """
    wanted = sorted(set(days))
    if not wanted:
        return 0
    fresh: list[tuple[date, int, int, int, int, int]] = []
    for day in wanted:
        fresh.extend((day, *row) for row in sales_of_day(day))
    stale = Q()
    for first, last in _contiguous(wanted):
        stale |= Q(day__gte=first, day__lte=last)
    SalesDaily.objects.filter(stale).delete()
    _sales_daily_insert(fresh)
    return len(fresh)


def _sales_daily_insert(rows: list[tuple[date, int, int, int, int, int]]) -> None:
    if connection.vendor != "postgresql":
        SalesDaily.objects.bulk_create(
            SalesDaily(day=d, emoticon_id=e, transactions=t, units=u, supply_amount=s, total_amount=a)
            for d, e, t, u, s, a in rows
        )
        return
    # One statement over six arrays: a year of 200 emoticons is 73,000 rows, which
    # bulk_create spends seconds preparing one value at a time.
    if not rows:
        return
    columns: list[list[Any]] = [list(column) for column in zip(*rows, strict=True)]
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO catalog_salesdaily (day, emoticon_id, transactions, units, supply_amount, total_amount) "
            "SELECT * FROM unnest(%s::date[], %s::bigint[], %s::integer[], %s::bigint[], %s::bigint[], %s::bigint[])",
            columns,
        )


def _days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


def _days_changed_since(since: datetime) -> set[date]:
    """Paid days of orders paid or refunded since ``since``: a deposit may carry an older paid_at,
    and a refund takes an order of any day out of the sales."""
    from bizshop.billing.models import Order, OrderEvent

    kinds = [OrderEvent.Kind.PAYMENT_APPROVED, OrderEvent.Kind.DEPOSIT_RECEIVED, OrderEvent.Kind.REFUND_REQUESTED]
    # catalog_orderevent_sales_changes (migration catalog 0003): a partial index on these kinds.
    changed = OrderEvent.objects.filter(kind__in=kinds, created_at__gte=since).values("order_id")
    return set(
        Order.objects.filter(pk__in=changed, paid_at__isnull=False)
        .annotate(day=TruncDate("paid_at", tzinfo=_seoul()))
        .values_list("day", flat=True)
        .distinct()
    )


def ranking_refresh(*, now: datetime | None = None, full: bool = False) -> list[RankingEntry]:
    """판매랭킹: recompute the daily sales that may have changed, then the TOP10 from them.

    Transactions (paid orders not refunded) per emoticon over the last 92 days, ties broken
    by units sold, then title. The first run builds the daily table from every order ever
    paid; later runs recompute only the days since the previous run plus the days of orders
    paid or refunded meanwhile; every FULL_REBUILD_EVERY (or ``full=True``) the whole window
    is recomputed from the orders. Concurrent refreshes queue on the RankingState row.
    """
    from bizshop.billing.models import Order

    now = now or timezone.now()
    today = timezone.localtime(now, _seoul()).date()
    window_first = today - timedelta(days=RANKING_WINDOW_DAYS - 1)
    RankingState.objects.get_or_create(pk=1)
    with transaction.atomic():
        state = RankingState.objects.select_for_update().get(pk=1)
        if state.full_rebuild_at is None:
            first_paid = Order.objects.filter(status__in=COUNTED_STATUSES).aggregate(first=Min("paid_at"))["first"]
            first_day = min(window_first, timezone.localtime(first_paid, _seoul()).date()) if first_paid else today
            SalesDaily.objects.all().delete()
            sales_daily_recompute(days=_days_between(first_day, today))
            state.full_rebuild_at = now
        elif full or now - state.full_rebuild_at >= FULL_REBUILD_EVERY:
            sales_daily_recompute(days=_days_between(window_first, today))
            state.full_rebuild_at = now
        else:
            since = (state.refreshed_at or state.full_rebuild_at) - LATE_COMMIT_MARGIN
            since_day = timezone.localtime(since, _seoul()).date()
            days = set(_days_between(min(since_day, today), today)) | _days_changed_since(since)
            sales_daily_recompute(days=days)
        state.refreshed_at = now
        state.save(update_fields=["refreshed_at", "full_rebuild_at"])

        top = (
            SalesDaily.objects.filter(day__gte=window_first, day__lte=today)
            .values("emoticon_id", "emoticon__title")
            .annotate(transactions=Sum("transactions"), units=Sum("units"))
            .order_by("-transactions", "-units", "emoticon__title", "emoticon_id")[:RANKING_SIZE]
        )
        entries = [
            RankingEntry(
                rank=rank,
                emoticon_id=row["emoticon_id"],
                transactions=row["transactions"],
                units=row["units"],
                computed_at=now,
            )
            for rank, row in enumerate(top, start=1)
        ]
        RankingEntry.objects.all().delete()
        RankingEntry.objects.bulk_create(entries)
    return entries


def emoticon_representative_image_clear(*, emoticon_id: int) -> None:
    Emoticon.objects.filter(pk=emoticon_id).update(
        representative_image="", representative_thumbnail="", updated_at=timezone.now()
    )
