"""Money in integer KRW: supply, VAT (10%, rounded down) and total."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

VAT_RATE_PERCENT = 10


@dataclass(frozen=True)
class Amounts:
    supply: int
    vat: int
    total: int


def vat_for(supply: int) -> int:
    """VAT of a supply amount: 10%, rounded down to the won (floor, also for negatives)."""
    return supply * VAT_RATE_PERCENT // 100


def amounts_for(*, unit_price: int, quantity: int) -> Amounts:
    supply = unit_price * quantity
    vat = vat_for(supply)
    return Amounts(supply=supply, vat=vat, total=supply + vat)


def format_krw(amount: int) -> str:
    return _("%(amount)s원") % {"amount": f"{amount:,}"}
