"""Catalog helpers: the admin's emoticon form as a browser would post it."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bizshop.catalog.models import Emoticon


def emoticon_form(emoticon: Emoticon, **changes: object) -> dict[str, object]:
    """The emoticon's change form with no sticker rows; ``changes`` overrides any field."""
    data: dict[str, object] = {
        "title": emoticon.title,
        "creator": emoticon.creator,
        "description": emoticon.description,
        "on_sale": "on",
        "min_quantity": emoticon.min_quantity,
        "max_quantity": emoticon.max_quantity,
        "price_30": 1_600,
        "price_60": 2_500,
        "stickers-TOTAL_FORMS": 0,
        "stickers-INITIAL_FORMS": 0,
        "stickers-MIN_NUM_FORMS": 0,
        "stickers-MAX_NUM_FORMS": 1000,
    }
    data.update(changes)
    return data
