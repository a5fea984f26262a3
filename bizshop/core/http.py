"""Facts about an HTTP request that several apps need."""

from __future__ import annotations

import re

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the entry our own proxies added to X-Forwarded-For.

    Only the last NUM_PROXIES entries were written by proxies we trust; anything left of them
    was sent by the client and could be forged, so it is never used.
    """
    proxies = settings.NUM_PROXIES
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return str(forwarded[-proxies])
    return str(request.META.get("REMOTE_ADDR", ""))


def query_id(value: str | None) -> int | None:
    """A database id from a query parameter, or None for anything else.

    ASCII digits only: ``str.isdigit()`` also accepts "²" or "٣", which ``int()`` then refuses
    or reads as another number; 18 digits keep it inside a bigint.
    """
    return int(value) if value and re.fullmatch(r"[0-9]{1,18}", value) else None
