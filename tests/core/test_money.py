"""Money in integer KRW: supply = unit price × quantity, VAT 10% rounded down, total = both."""

from __future__ import annotations

from bizshop.core.money import Amounts, amounts_for, format_krw, vat_for


def test_the_design_example_is_160000_plus_16000_is_176000() -> None:
    assert amounts_for(unit_price=1_600, quantity=100) == Amounts(supply=160_000, vat=16_000, total=176_000)


def test_vat_is_rounded_down_to_the_won() -> None:
    # 1,234 × 101 = 124,634 → 10% is 12,463.4
    assert amounts_for(unit_price=1_234, quantity=101) == Amounts(supply=124_634, vat=12_463, total=137_097)


def test_vat_of_nine_won_is_zero() -> None:
    assert vat_for(9) == 0


def test_vat_of_a_negative_amendment_is_rounded_down_too() -> None:
    assert vat_for(-124_634) == -12_464


def test_amounts_are_integers() -> None:
    amounts = amounts_for(unit_price=2_500, quantity=1_000_000)
    assert all(type(value) is int for value in (amounts.supply, amounts.vat, amounts.total))
    assert amounts.total == 2_750_000_000


def test_krw_is_shown_with_thousands_separators() -> None:
    assert format_krw(176_000) == "176,000원"
