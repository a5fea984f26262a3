"""Code reads for partners and end users."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple, TypeVar
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import Count, Model, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from bizshop.accounts.models import User
from bizshop.billing.models import Order
from bizshop.catalog.models import Emoticon, Sticker
from bizshop.codes import errors
from bizshop.codes import format as code_format
from bizshop.codes.crypto import get_keyring
from bizshop.codes.models import CodeExport, CodeStatus, Issuance, Registration, SerialCode
from bizshop.webhooks.models import WebhookEndpoint

ModelT = TypeVar("ModelT", bound=Model)
_CODE_FIELDS = ("id", "order_id", "issuance_id", "status", "registered_at", "key_id", "ciphertext")
_FIND_CODE_SQL = f"""
    SELECT {", ".join(f"c.{name}" for name in _CODE_FIELDS)},
           i.registration_deadline, o.partner_id, o.period_days, o.emoticon_id, e.title,
           EXISTS (SELECT 1 FROM {WebhookEndpoint._meta.db_table} w
                    WHERE w.partner_id = o.partner_id AND w.disabled_at IS NULL) AS has_webhook_endpoints
      FROM {SerialCode._meta.db_table} c
      JOIN {Issuance._meta.db_table} i ON i.id = c.issuance_id
      JOIN {Order._meta.db_table} o ON o.id = c.order_id
      JOIN {Emoticon._meta.db_table} e ON e.id = o.emoticon_id
     WHERE c.blind_index IN (%s, %s)
"""  # noqa: S608 -- table and column names come from the models, the value is a parameter
# The second half of a lookup-key rotation (rotation.py): every code is found by its second index.
_FIND_CODE_BY_NEXT_INDEX_SQL = _FIND_CODE_SQL.replace(
    "WHERE c.blind_index IN (%s, %s)", "WHERE c.blind_index_next = %s"
)


def code_effective_status(code: SerialCode, *, now: datetime | None = None) -> str:
    """The status as of now: an issued code past its registration deadline is expired."""
    if code.status == CodeStatus.ISSUED and code.issuance.registration_deadline <= (now or timezone.now()):
        return CodeStatus.EXPIRED.value
    return str(code.status)


def code_list_for_order(*, order: Order) -> QuerySet[SerialCode]:
    return SerialCode.objects.filter(order=order).select_related("issuance")


def issuance_list_for_order(*, order: Order) -> QuerySet[Issuance]:
    return Issuance.objects.filter(order=order).order_by("id")


def issuance_is_finished(issuance: Issuance) -> bool:
    """Completed or failed: its progress will not move any more."""
    return issuance.status in (Issuance.Status.COMPLETED, Issuance.Status.FAILED)


def registration_list_for_user(*, user: User) -> QuerySet[Registration]:
    return Registration.objects.filter(user=user).select_related("emoticon").order_by("-registered_at")


class StickerRow(NamedTuple):
    """What the end user's grid needs of a sticker (read as tuples: a page holds hundreds)."""

    pk: int
    width: int
    height: int
    animated: bool


def sticker_rows_for_emoticons(*, emoticon_ids: Iterable[int]) -> dict[int, list[StickerRow]]:
    """Each emoticon's stickers in set order, in one query."""
    rows: dict[int, list[StickerRow]] = {}
    stickers = (
        Sticker.objects.filter(emoticon_id__in=set(emoticon_ids))
        .order_by("emoticon_id", "position", "id")
        .values_list("emoticon_id", "pk", "width", "height", "animated")
    )
    for emoticon_id, pk, width, height, animated in stickers:
        rows.setdefault(emoticon_id, []).append(StickerRow(pk, width, height, animated))
    return rows


def sticker_counts_for_emoticons(*, emoticon_ids: Iterable[int]) -> dict[int, int]:
    """How many stickers each emoticon's set has, in one query."""
    counts = (
        Sticker.objects.filter(emoticon_id__in=set(emoticon_ids))
        .order_by()
        .values_list("emoticon_id")
        .annotate(count=Count("id"))
    )
    return dict(counts)  # type: ignore[arg-type]


def code_export_list_for_order(*, order: Order) -> QuerySet[CodeExport]:
    return CodeExport.objects.filter(order=order).order_by("-id")


def order_ids_with_issuance_in_progress(*, partner_id: int) -> list[int]:
    """Ids of the partner's orders with a tranche whose codes are not all created yet."""
    from django.db.models import F

    return list(
        Issuance.objects.filter(order__partner_id=partner_id, issued_count__lt=F("quantity"))
        .order_by("order_id")
        .values_list("order_id", flat=True)
        .distinct()
    )


def code_find(*, raw_code: str) -> SerialCode:
    """The code an end user or partner typed, with what registering or looking it up reads.

    Every registration attempt runs this, so it is one hand-written join on the blind index's
    unique index instead of ``select_related`` over four tables, whose query building alone cost
    about 2 ms of the ~10 ms a registration took (bench/register_load.py). The instances are
    made with ``from_db``: fields not read here are deferred (loaded on access), never defaulted.
    The order carries ``has_webhook_endpoints`` (as ``annotate`` would): whether its partner has
    an endpoint that may want the event, so a registration without any skips the webhook step.
    """
    code = code_format.normalize(raw_code)
    keyring = get_keyring()
    with connection.cursor() as cursor:
        if keyring.lookup_reads_next_index:  # every code's second index is bucketed (rotation.py)
            cursor.execute(_FIND_CODE_BY_NEXT_INDEX_SQL, [keyring.blind_index(code)])
        else:  # a code stored before blind indexes were bucketed has the plain HMAC (crypto.py)
            cursor.execute(_FIND_CODE_SQL, [keyring.blind_index(code), keyring.legacy_blind_index(code)])
        row = cursor.fetchone()
    if row is None:
        raise errors.CODE_NOT_FOUND()
    *code_values, deadline, partner_id, period_days, emoticon_id, title, has_webhook_endpoints = row
    serial_code = _loaded(SerialCode, dict(zip(_CODE_FIELDS, code_values, strict=True)))
    serial_code.registered_at, deadline = _aware(serial_code.registered_at), _aware(deadline)
    serial_code.issuance = _loaded(Issuance, {"id": serial_code.issuance_id, "registration_deadline": deadline})
    order_values = {"partner_id": partner_id, "period_days": period_days, "emoticon_id": emoticon_id}
    order = _loaded(Order, {"id": serial_code.order_id, **order_values})
    order.emoticon = _loaded(Emoticon, {"id": emoticon_id, "title": title})
    order.has_webhook_endpoints = bool(has_webhook_endpoints)  # type: ignore[attr-defined]
    serial_code.order = order
    return serial_code


def _loaded(model: type[ModelT], values: dict[str, Any]) -> ModelT:
    """An instance as if read from the database with only these fields; the others are deferred."""
    names = [field.attname for field in model._meta.concrete_fields if field.attname in values]
    return model.from_db(connection.alias, names, [values[name] for name in names])


def _aware(value: datetime | None) -> datetime | None:
    """SQLite hands raw queries naive UTC datetimes (PostgreSQL aware ones), as the ORM's converter knows."""
    if value is None or timezone.is_aware(value):
        return value
    return timezone.make_aware(value, connection.timezone)


SEOUL = ZoneInfo("Asia/Seoul")


@dataclass(frozen=True)
class DayCount:
    date: date  # a day in Asia/Seoul
    count: int


@dataclass(frozen=True)
class OrderCampaignStats:
    """An order's codes by what became of them; the four counts add up to ``issued``.

    ``issued`` counts code rows (a replacement and the code it replaced are two, the latter in
    ``voided``). The campaigns app adds what its deliveries know (assigned, sent) beside these.
    """

    issued: int
    registered: int
    expired_unregistered: int  # neither registered nor voided, past their tranche's deadline
    voided: int
    unregistered_open: int  # neither registered nor voided, still within their deadline
    registrations_by_day: list[DayCount]
    # From the campaigns app's deliveries (``order_stats_counts_register``): codes given to a
    # recipient, sent to one, and failed to reach one.
    assigned: int = 0
    sent: int = 0
    delivery_failed: int = 0


StatsCounts = Callable[[int], dict[str, int]]
_stats_counts: list[StatsCounts] = []


def order_stats_counts_register(counts: StatsCounts) -> None:
    """Another app adds counts of its own to ``order_campaign_stats`` (codes imports no such app)."""
    if counts not in _stats_counts:
        _stats_counts.append(counts)


def registrations_per_issuance_and_day(*, order_id: int) -> QuerySet[SerialCode, tuple[int, date, int]]:
    """(tranche id, Asia/Seoul day, registrations) of the order: read from the partial index of
    registered codes alone (``codes_code_registered_by_day`` holds the order, the time and the
    tranche), an index-only scan. ``COUNT(*)``, not of ``id``: the index has no id, and counting
    one would send the scan to the table for every registered code."""
    return (
        SerialCode.objects.filter(order_id=order_id, status=CodeStatus.REGISTERED)
        .annotate(day=TruncDate("registered_at", tzinfo=SEOUL))
        .order_by()
        .values_list("issuance_id", "day")
        .annotate(count=Count("*"))
    )


def voided_per_issuance(*, order_id: int) -> QuerySet[SerialCode, tuple[int, int]]:
    """(tranche id, voided codes) of the order, by the partial index of voided codes (few rows)."""
    return (
        SerialCode.objects.filter(order_id=order_id, status=CodeStatus.VOIDED)
        .order_by()
        .values_list("issuance_id")
        .annotate(count=Count("*"))
    )


def order_campaign_stats(*, order_id: int, now: datetime | None = None) -> OrderCampaignStats:
    """The order's campaign counts and registrations per day (Asia/Seoul), every day from the first
    tranche to today (or the last deadline, if earlier) present, zeros included.

    Never reads the order's every code (an order may hold a million): the rows per tranche come from
    the tranche's counters (``issued_count + replaced_count``); registrations per tranche and day
    from one grouped query on the partial index of registered codes (``codes_code_registered_by_day``),
    voided per tranche from the partial index of voided codes (``codes_code_voided_by_order``).
    """
    now = now or timezone.now()
    issuances = list(
        Issuance.objects.filter(order_id=order_id)
        .order_by("id")
        .values_list("id", "issued_count", "replaced_count", "registration_deadline", "created_at")
    )
    registered_rows = registrations_per_issuance_and_day(order_id=order_id)
    registered_by_issuance: dict[int, int] = {}
    by_day: dict[date, int] = {}
    for issuance_id, day, count in registered_rows:
        registered_by_issuance[issuance_id] = registered_by_issuance.get(issuance_id, 0) + count
        by_day[day] = by_day.get(day, 0) + count
    voided_by_issuance: dict[int, int] = dict(voided_per_issuance(order_id=order_id))  # type: ignore[arg-type]
    issued = expired = open_ = 0
    for issuance_id, issued_count, replaced_count, deadline, _created_at in issuances:
        rows = issued_count + replaced_count
        unregistered = rows - registered_by_issuance.get(issuance_id, 0) - voided_by_issuance.get(issuance_id, 0)
        issued += rows
        if deadline <= now:
            expired += unregistered
        else:
            open_ += unregistered
    days: list[DayCount] = []
    if issuances:
        first = min(created_at for *_, created_at in issuances).astimezone(SEOUL).date()
        last = min(now, max(deadline for _, _, _, deadline, _ in issuances)).astimezone(SEOUL).date()
        last = max([last, first, *by_day])  # a registration is never outside; if it were, it shows
        first = min([first, *by_day])
        days = [
            DayCount(date=first + timedelta(days=i), count=by_day.get(first + timedelta(days=i), 0))
            for i in range((last - first).days + 1)
        ]
    extra: dict[str, int] = {}
    for counts in _stats_counts:
        extra.update(counts(order_id))
    return OrderCampaignStats(
        issued=issued,
        registered=sum(by_day.values()),
        expired_unregistered=expired,
        voided=sum(voided_by_issuance.values()),
        unregistered_open=open_,
        registrations_by_day=days,
        **extra,
    )
