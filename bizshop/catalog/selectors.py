"""Catalog reads."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, F, Max, Min, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum

from bizshop.catalog import errors
from bizshop.catalog.images import PREVIEW_STICKERS
from bizshop.catalog.models import Emoticon, EmoticonPrice, RankingEntry, Sticker, UsagePeriod


def emoticon_list_on_sale() -> QuerySet[Emoticon]:
    return Emoticon.objects.filter(on_sale=True).prefetch_related(
        Prefetch("prices", queryset=EmoticonPrice.objects.order_by("period_days"))
    )


CATALOG_SORTS: dict[str, tuple[Any, ...]] = {
    "popular": (F("sales_rank").asc(nulls_last=True), "title"),  # the TOP10 first, in rank order
    "newest": ("-created_at", "-id"),
    "price": ("lowest_unit_price", "title"),
    "-price": ("-lowest_unit_price", "title"),
    "title": ("title", "id"),
}


def emoticon_search_on_sale(
    *, query: str, sort: str = "popular", max_unit_price: int | None = None
) -> QuerySet[Emoticon]:
    """Emoticons on sale whose title or creator contains ``query`` (any case; all when blank),
    at most ``max_unit_price`` won for their cheaper period, in the ``sort`` order of CATALOG_SORTS."""
    emoticons = emoticon_list_on_sale().annotate(
        lowest_unit_price=Min("prices__unit_price"),
        sales_rank=Subquery(RankingEntry.objects.filter(emoticon=OuterRef("pk")).values("rank")[:1]),
    )
    query = query.strip()
    if query:
        emoticons = emoticons.filter(Q(title__icontains=query) | Q(creator__icontains=query))
    if max_unit_price is not None:
        emoticons = emoticons.filter(lowest_unit_price__lte=max_unit_price)
    return emoticons.order_by(*CATALOG_SORTS.get(sort, CATALOG_SORTS["popular"]))


def emoticon_price_for_sale(*, emoticon_id: int, period_days: int) -> EmoticonPrice:
    """The price an order would be made at, or the reason it cannot be bought."""
    if period_days not in UsagePeriod.values:
        raise errors.INVALID_PERIOD(period_days=period_days)
    emoticon = Emoticon.objects.filter(pk=emoticon_id).first()
    if emoticon is None:
        raise errors.EMOTICON_NOT_FOUND(emoticon_id=emoticon_id)
    price = EmoticonPrice.objects.filter(emoticon=emoticon, period_days=period_days).select_related("emoticon").first()
    if not emoticon.on_sale or price is None:
        raise errors.EMOTICON_NOT_ON_SALE(emoticon_id=emoticon_id)
    return price


def ranking_list() -> QuerySet[RankingEntry]:
    """The stored TOP10 with each emoticon's prices in one more query (the API shows them)."""
    return (
        RankingEntry.objects.select_related("emoticon")
        .prefetch_related(Prefetch("emoticon__prices", queryset=EmoticonPrice.objects.order_by("period_days")))
        .order_by("rank")
    )


def catalog_fingerprint() -> str:
    """Changes whenever what the catalog grid shows may have changed: the key of its cached fragment.

    Services touch ``Emoticon.updated_at`` on every change (prices and images included); the
    counts and the price sum also catch rows written around them (fixtures, shell).
    """
    emoticons = Emoticon.objects.aggregate(
        count=Count("id"), on_sale=Count("id", filter=Q(on_sale=True)), changed=Max("updated_at")
    )
    prices = EmoticonPrice.objects.aggregate(count=Count("id"), last=Max("id"), total=Sum("unit_price"))
    changed = emoticons["changed"].timestamp() if emoticons["changed"] else 0
    return f"{emoticons['count']}.{emoticons['on_sale']}.{changed}.{prices['count']}.{prices['last']}.{prices['total']}"


def sticker_preview(*, emoticon: Emoticon) -> list[Sticker]:
    """The stickers the public catalog shows: the first PREVIEW_STICKERS of the set, in order."""
    return list(Sticker.objects.filter(emoticon=emoticon).order_by("position", "id")[:PREVIEW_STICKERS])


def public_image_exists(*, name: str) -> bool:
    """Whether ``name`` is an image the public may see: a representative image or its thumbnail, or the
    thumbnail of a sticker in its set's preview. Every other sticker image is for the set's owners only."""
    if Emoticon.objects.filter(Q(representative_image=name) | Q(representative_thumbnail=name)).exists():
        return True
    for sticker in Sticker.objects.filter(thumbnail=name).only("pk", "emoticon_id"):
        preview = Sticker.objects.filter(emoticon_id=sticker.emoticon_id).order_by("position", "id")
        if sticker.pk in preview.values_list("pk", flat=True)[:PREVIEW_STICKERS]:
            return True
    return False
