"""What an emoticon's page shows, shared by the catalog's page and billing's refused order form.

It is here rather than in ``catalog/views.py`` so that billing's pages never import catalog's views.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from bizshop.billing.forms import OrderForm
from bizshop.catalog.models import Emoticon, EmoticonPrice
from bizshop.catalog.selectors import sticker_preview
from bizshop.core.money import VAT_RATE_PERCENT, Amounts, amounts_for
from bizshop.partners.selectors import partner_for_user

# 대표이미지 이용 규칙: shown on every emoticon page (DESIGN.md, "Catalog").
IMAGE_RULES = [
    _("대표이미지는 원본 그대로 사용해야 하며, 자르기·색상 변경 등 변형할 수 없습니다."),
    _("대표이미지는 경품 소개 용도로만 사용 가능합니다."),
    _("인쇄 불가: 대표이미지를 인쇄물(전단지, 포스터 등)에 사용할 수 없습니다."),
]


def emoticon_detail_context(request: HttpRequest, emoticon: Emoticon, form: OrderForm) -> dict[str, Any]:
    """What the emoticon page shows; billing's order_create re-renders it with a refused form."""
    prices = list(emoticon.prices.all())
    return {
        "emoticon": emoticon,
        "prices": prices,
        "image_rules": IMAGE_RULES,
        "sticker_preview": sticker_preview(emoticon=emoticon),
        "partner": partner_for_user(user=request.user),  # type: ignore[arg-type]
        "form": form,
        "preview": _preview(form, prices),
        "unit_prices": {str(price.period_days): price.unit_price for price in prices},
        "vat_rate_percent": VAT_RATE_PERCENT,
    }


def _preview(form: OrderForm, prices: list[EmoticonPrice]) -> dict[str, Any] | None:
    """Unit price, supply, VAT and total of what the form holds, by the same money rule as the order."""
    source = form.data if form.is_bound else form.initial
    period_days = int_or_none(source.get("period_days"))
    quantity = int_or_none(source.get("quantity"))
    unit_price = next((price.unit_price for price in prices if price.period_days == period_days), None)
    if unit_price is None or quantity is None or quantity < 0:
        return None
    amounts: Amounts = amounts_for(unit_price=unit_price, quantity=quantity)
    return {"unit_price": unit_price, "quantity": quantity, "amounts": amounts}


def int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
