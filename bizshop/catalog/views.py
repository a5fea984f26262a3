"""Portal pages of the catalog: the home page (TOP10 and the catalog) and an emoticon's page with its order form."""

from __future__ import annotations

import re
from urllib.parse import quote, urlencode

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from bizshop.billing.forms import OrderForm
from bizshop.catalog.forms import CatalogFilterForm
from bizshop.catalog.images import CONTENT_TYPES, image_storage
from bizshop.catalog.models import Emoticon
from bizshop.catalog.pages import emoticon_detail_context, int_or_none
from bizshop.catalog.selectors import (
    catalog_fingerprint,
    emoticon_list_on_sale,
    emoticon_search_on_sale,
    public_image_exists,
    ranking_list,
)
from bizshop.partners.models import Member
from bizshop.partners.portal import member_required

CATALOG_PAGE_SIZE = 24
# The grid of a catalog page is rendered once per catalog state (catalog_fingerprint), page and
# language, and kept this long: rendering 24 cards costs more than everything else on the page.
CATALOG_CACHE_SECONDS = 60

# A public image: a content hash and an extension, in one of the two public folders. Full sticker
# files (emoticons/stickers/) are never served here: they reach end users through signed URLs.
PUBLIC_IMAGE_NAME = re.compile(r"^emoticons/(representative|thumbs)/[0-9a-f]{64}\.(png|webp|gif)$")
# Operators (staff) may also open a full sticker file, as the admin links it; never cached by others.
STAFF_IMAGE_NAME = re.compile(r"^emoticons/stickers/[0-9a-f]{64}\.(png|webp|gif)$")
IMMUTABLE = "public, max-age=31536000, immutable"


def home(request: HttpRequest) -> HttpResponse:
    # A filter value that makes no sense is left out (the whole catalog), never an error page.
    filters = CatalogFilterForm(request.GET)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    query = chosen.get("q") or ""
    sort = chosen.get("sort") or "popular"
    max_unit_price = chosen.get("max_unit_price")
    emoticons = emoticon_search_on_sale(query=query, sort=sort, max_unit_price=max_unit_price)
    page = Paginator(emoticons, CATALOG_PAGE_SIZE).get_page(request.GET.get("page"))
    kept = {key: value for key, value in (("q", query), ("sort", sort), ("max_unit_price", max_unit_price)) if value}
    return render(
        request,
        "catalog/home.html",
        {
            "ranking": ranking_list(),
            "page": page,
            "query": query,
            "filters": filters,
            "filtered": bool(query or max_unit_price is not None),
            "filter_query": urlencode(kept),
            "catalog_fingerprint": catalog_fingerprint(),
            "catalog_cache_seconds": CATALOG_CACHE_SECONDS,
        },
    )


def emoticon_detail(request: HttpRequest, emoticon_id: int) -> HttpResponse:
    emoticon = get_object_or_404(emoticon_list_on_sale(), pk=emoticon_id)
    prices = list(emoticon.prices.all())
    initial = {
        "emoticon_id": emoticon.pk,
        # "금액 계산" without JavaScript reloads this page with the chosen figures in the query string.
        "period_days": int_or_none(request.GET.get("period_days")) or (prices[0].period_days if prices else None),
        "quantity": int_or_none(request.GET.get("quantity")) or emoticon.min_quantity,
    }
    form = OrderForm(initial=initial, emoticon=emoticon)
    return render(request, "catalog/emoticon_detail.html", emoticon_detail_context(request, emoticon, form))


@require_safe
def image(request: HttpRequest, name: str) -> FileResponse:
    """A catalog image by its content-hash name, cacheable for a year (the name changes with the content).

    Only a file some emoticon names as its representative image or a thumbnail is served: the
    pattern keeps every other path of MEDIA_ROOT (and anything outside it) out.
    """
    name = f"emoticons/{name}"
    public = bool(PUBLIC_IMAGE_NAME.match(name)) and public_image_exists(name=name)
    staff_only = not public and request.user.is_staff and bool(STAFF_IMAGE_NAME.match(name))
    if not (public or staff_only):
        raise Http404
    storage = image_storage()
    try:
        handle = storage.open(name, "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=CONTENT_TYPES[name.rsplit(".", 1)[1]])
    response["Cache-Control"] = IMMUTABLE if public else "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@member_required
def representative_image_download(request: HttpRequest, membership: Member, emoticon_id: int) -> FileResponse:
    """The representative image (PNG) exactly as uploaded, as a download for partners; the page beside
    the button states its rules (경품 소개 목적, 변형 금지, 인쇄 불가)."""
    emoticon = get_object_or_404(Emoticon, pk=emoticon_id, on_sale=True)
    if not emoticon.representative_image:
        raise Http404
    filename = f"{emoticon.title} 대표이미지.png"
    response = FileResponse(emoticon.representative_image.open("rb"), content_type="image/png")
    response["Content-Disposition"] = (
        f"attachment; filename=\"representative-{emoticon.pk}.png\"; filename*=UTF-8''{quote(filename)}"
    )
    response["Cache-Control"] = "private, no-store"
    return response
