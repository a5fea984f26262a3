"""Template tags for what every page shows of the shop: the footer with its business details."""

from __future__ import annotations

from typing import Any

from django import template

from bizshop.core.business import shop_details

register = template.Library()


@register.inclusion_tag("includes/footer.html")
def shop_footer() -> dict[str, Any]:
    return {"shop": shop_details()}


@register.simple_tag
def shop() -> Any:
    """``{% shop as shop %}``: the shop's details, for texts that name it (the policies)."""
    return shop_details()
