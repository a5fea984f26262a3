"""Template filters of the customer center: search hits marked in FAQ text."""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def highlight(text: str, query: str | None) -> SafeString:
    """``text`` escaped, each word of ``query`` (any case, inside words too) wrapped in <mark>."""
    terms = sorted({term for term in (query or "").split() if term}, key=len, reverse=True)
    if not terms:
        return SafeString(escape(text))
    pattern = re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE)
    pieces: list[str] = []
    position = 0
    for match in pattern.finditer(text):
        pieces.append(escape(text[position : match.start()]))
        pieces.append(f"<mark>{escape(match.group())}</mark>")
        position = match.end()
    pieces.append(escape(text[position:]))
    return mark_safe("".join(pieces))  # noqa: S308 - every piece is escaped above
