"""Operators manage the catalog in the admin: prices with their history, images checked and thumbnailed."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from bizshop.billing import services as billing
from bizshop.catalog.images import THUMBNAIL_SIZE
from bizshop.catalog.models import Emoticon, EmoticonPrice, EmoticonPriceHistory
from bizshop.catalog.services import emoticon_image_add, emoticon_representative_image_set
from bizshop.core.errors import ApplicationError
from tests.backoffice.test_operator_groups import emoticon_form

CATALOG_MANAGER = "상품 관리자"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def png(name: str = "face.png", size: tuple[int, int] = (800, 600), image_format: str = "PNG") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (250, 225, 0)).save(buffer, format=image_format)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def manager_client(make_operator: Callable[..., Any], operator_client: Callable[[Any], Client]) -> Client:
    return operator_client(make_operator(CATALOG_MANAGER))


def test_a_price_change_is_written_to_the_history_and_orders_keep_their_price(
    manager_client: Client, emoticon: Emoticon, api: Any
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
        emoticon_form(Emoticon(title="새 이모티콘", min_quantity=100, max_quantity=5_000), price_60=""),
    )

    assert response.status_code == 302
    emoticon = Emoticon.objects.get(title="새 이모티콘")
    assert {p.period_days: p.unit_price for p in EmoticonPrice.objects.filter(emoticon=emoticon)} == {30: 1_600}
    assert list(EmoticonPriceHistory.objects.values_list("period_days", "unit_price")) == [(30, 1_600)]


def test_an_uploaded_representative_image_gets_a_thumbnail_and_an_api_url(
    manager_client: Client, emoticon: Emoticon
) -> None:
    response = manager_client.post(
        f"/admin/catalog/emoticon/{emoticon.pk}/change/", emoticon_form(emoticon, representative_image=png())
    )

    assert response.status_code == 302
    emoticon.refresh_from_db()
    with Image.open(emoticon.representative_thumbnail.path) as thumbnail:
        assert thumbnail.size == (THUMBNAIL_SIZE[0], 180)  # 800×600 scaled to fit 240×240
    [item] = Client().get("/api/v1/emoticons/").json()["results"]
    assert item["image_url"] == f"http://testserver{emoticon.representative_image.url}"


def test_a_file_that_is_not_an_image_is_refused_and_changes_nothing(manager_client: Client, emoticon: Emoticon) -> None:
    fake = SimpleUploadedFile("face.png", b"<?php echo 'not an image'; ?>", content_type="image/png")

    response = manager_client.post(
        f"/admin/catalog/emoticon/{emoticon.pk}/change/", emoticon_form(emoticon, representative_image=fake)
    )

    assert response.status_code == 200  # the form again, with the error
    assert "representative_image" in response.context["adminform"].form.errors
    emoticon.refresh_from_db()
    assert not emoticon.representative_image


def test_the_service_refuses_an_unsupported_image_format_with_invalid_image(emoticon: Emoticon) -> None:
    with pytest.raises(ApplicationError) as refused:
        emoticon_representative_image_set(emoticon_id=emoticon.pk, upload=png("face.bmp", image_format="BMP"))

    assert refused.value.code == "invalid_image"
    emoticon.refresh_from_db()
    assert not emoticon.representative_image


def test_images_of_the_set_are_added_in_order_with_thumbnails(emoticon: Emoticon) -> None:
    first = emoticon_image_add(emoticon_id=emoticon.pk, upload=png("a.png", (100, 400)))
    second = emoticon_image_add(emoticon_id=emoticon.pk, upload=png("b.jpg", (300, 300), "JPEG"))

    assert [image.pk for image in emoticon.images.all()] == [first.pk, second.pk]
    with Image.open(first.thumbnail.path) as thumbnail:
        assert thumbnail.size == (60, 240)


def test_an_admin_inline_upload_adds_a_set_image(manager_client: Client, emoticon: Emoticon) -> None:
    form = emoticon_form(emoticon, **{"images-TOTAL_FORMS": 1, "images-0-image": png(), "images-0-position": 0})

    response = manager_client.post(f"/admin/catalog/emoticon/{emoticon.pk}/change/", form)

    assert response.status_code == 302
    [image] = emoticon.images.all()
    assert image.thumbnail
