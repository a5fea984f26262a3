"""Money is always supply + VAT = total, VAT 10% rounded down, whatever the price and quantity."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bizshop.billing import services as billing
from bizshop.billing.selectors import order_price
from bizshop.catalog.models import EmoticonPrice
from bizshop.core.money import amounts_for

if TYPE_CHECKING:
    from bizshop.catalog.models import Emoticon
    from tests.helpers.api import ApiClient

prices = st.integers(min_value=1, max_value=10_000_000)
quantities = st.integers(min_value=1, max_value=1_000_000)


@given(unit_price=prices, quantity=quantities)
def test_supply_plus_vat_is_total_and_vat_is_a_tenth_rounded_down(unit_price: int, quantity: int) -> None:
    amounts = amounts_for(unit_price=unit_price, quantity=quantity)

    assert amounts.supply == unit_price * quantity
    assert amounts.supply + amounts.vat == amounts.total
    assert amounts.vat * 10 <= amounts.supply < (amounts.vat + 1) * 10


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(unit_price=prices, quantity=st.integers(min_value=100, max_value=1_000_000))
def test_an_order_created_at_any_price_and_quantity_adds_up(
    api: ApiClient, emoticon: Emoticon, unit_price: int, quantity: int
) -> None:
    EmoticonPrice.objects.filter(emoticon=emoticon, period_days=30).update(unit_price=unit_price)

    order = billing.order_create(partner=api.partner, emoticon_id=emoticon.pk, period_days=30, quantity=quantity)

    assert order.supply_amount + order.vat_amount == order.total_amount
    assert (order.unit_price, order.supply_amount, order.vat_amount) == (
        unit_price,
        unit_price * quantity,
        unit_price * quantity // 10,
    )
    quoted = order_price(emoticon_id=emoticon.pk, period_days=30, quantity=quantity).amounts
    assert (quoted.supply, quoted.vat, quoted.total) == (order.supply_amount, order.vat_amount, order.total_amount)


def test_the_worked_example_of_the_design(db: None) -> None:
    amounts = amounts_for(unit_price=1_600, quantity=100)

    assert (amounts.supply, amounts.vat, amounts.total) == (160_000, 16_000, 176_000)
