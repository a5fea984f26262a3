"""Operators manage the catalog in the admin: prices with their history (images: test_catalog_images.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.test import Client

from bizshop.billing import services as billing
from bizshop.catalog.models import Emoticon, EmoticonPrice, EmoticonPriceHistory
from tests.helpers.catalog import emoticon_form
from tests.helpers.images import png

if TYPE_CHECKING:
    from tests.helpers.api import ApiClient

CATALOG_MANAGER = "상품 관리자"


def test_a_price_change_is_written_to_the_history_and_orders_keep_their_price(
    manager_client: Client, emoticon: Emoticon, api: ApiClient
) -> None:
    before = billing.order_create(partner=api.partner, emoticon_id=emoticon.pk, period_days=30, quantity=100)

    response = manager_client.post(
        f"/admin/catalog/emoticon/{emoticon.pk}/change/", emoticon_form(emoticon, price_30=1_800)
    )
    after = billing.order_create(partner=api.partner, emoticon_id=emoticon.pk, period_days=30, quantity=100)

    assert response.status_code == 302
    change = EmoticonPriceHistory.objects.get(emoticon=emoticon)
    assert (change.period_days, change.previous_unit_price, change.unit_price) == (30, 1_600, 1_800)
    assert change.changed_by is not None and change.changed_by.groups.filter(name=CATALOG_MANAGER).exists()
    before.refresh_from_db()
    assert (before.unit_price, before.total_amount) == (1_600, 176_000)
    assert after.unit_price == 1_800


def test_saving_an_unchanged_price_writes_no_history(manager_client: Client, emoticon: Emoticon) -> None:
    manager_client.post(f"/admin/catalog/emoticon/{emoticon.pk}/change/", emoticon_form(emoticon, title="새 이름"))

    assert not EmoticonPriceHistory.objects.exists()


def test_an_emoticon_created_in_the_admin_gets_its_prices_and_their_first_history(manager_client: Client) -> None:
    response = manager_client.post(
        "/admin/catalog/emoticon/add/",
        emoticon_form(
            Emoticon(title="새 이모티콘", min_quantity=100, max_quantity=5_000), price_60="", representative_image=png()
        ),
    )

    assert response.status_code == 302
    emoticon = Emoticon.objects.get(title="새 이모티콘")
    assert {p.period_days: p.unit_price for p in EmoticonPrice.objects.filter(emoticon=emoticon)} == {30: 1_600}
    assert list(EmoticonPriceHistory.objects.values_list("period_days", "unit_price")) == [(30, 1_600)]
