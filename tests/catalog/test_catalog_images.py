"""Emoticon images: operators' uploads checked by content, stored under content hashes with WebP thumbnails, served
cacheable; the catalog API's image_url, sticker_count and public sticker preview."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from bizshop.catalog import errors
from bizshop.catalog.models import Emoticon, Sticker
from bizshop.catalog.services import emoticon_representative_image_set, sticker_set_change
from bizshop.core.errors import ApplicationError
from tests.helpers.catalog import emoticon_form
from tests.helpers.images import animated_gif, noisy_png, png, renamed_exe, sticker_set, webp
from tests.helpers.sessions import signed_in

if TYPE_CHECKING:
    from pytest_django import Settings

    from tests.helpers.api import ApiClient


def admin_form(emoticon: Emoticon, stickers: list[SimpleUploadedFile], **changes: Any) -> dict[str, Any]:
    form = emoticon_form(emoticon, **{"stickers-TOTAL_FORMS": len(stickers)}, **changes)
    for index, upload in enumerate(stickers):
        form[f"stickers-{index}-file"] = upload
        form[f"stickers-{index}-position"] = index
    return form


def stored_files(media_root: Path) -> list[Path]:
    return [path for path in Path(media_root).rglob("*") if path.is_file()]


def error_text(response: Any) -> str:
    return response.content.decode()


def test_an_admin_upload_of_a_good_set_is_stored_with_webp_thumbnails(
    manager_client: Client, emoticon: Emoticon
) -> None:
    stickers = sticker_set(8)
    first_bytes = stickers[0].read()
    stickers[0].seek(0)

    response = manager_client.post(
        f"/admin/catalog/emoticon/{emoticon.pk}/change/",
        admin_form(emoticon, stickers, representative_image=png("대표.png", color=(1, 2, 3))),
    )

    assert response.status_code == 302
    emoticon.refresh_from_db()
    assert emoticon.representative_image.name.startswith("emoticons/representative/")
    saved = list(emoticon.stickers.all())
    assert [s.position for s in saved] == list(range(8))
    assert saved[0].file.name == f"emoticons/stickers/{hashlib.sha256(first_bytes).hexdigest()}.png"
    assert saved[0].file.read() == first_bytes  # the file itself, unchanged
    assert [(s.width, s.height, s.animated) for s in saved][-1] == (360, 360, True)
    assert saved[1].file.name.endswith(".webp") and not saved[1].animated
    for thumbnail in [emoticon.representative_thumbnail, *(s.thumbnail for s in saved)]:
        with Image.open(thumbnail.path) as image:
            assert (image.format, image.size) == ("WEBP", (240, 240))


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (renamed_exe("sticker.png"), errors.IMAGE_TYPE_NOT_ALLOWED.message),
        (noisy_png("big.png"), errors.IMAGE_TOO_LARGE.message),
        (png("wide.png", size=(800, 600)), errors.IMAGE_NOT_SQUARE.message),
        (png("tiny.png", size=(200, 200)), errors.IMAGE_TOO_SMALL.message),
        (animated_gif("long.gif", frames=40, side=400, noise=True), errors.IMAGE_TOO_LARGE.message),
        (animated_gif("long.gif", frames=40), errors.IMAGE_TOO_MANY_FRAMES.message),
    ],
    ids=["renamed-exe", "5mb-png", "not-square", "too-small", "40-frame-gif-over-2mb", "40-frame-gif"],
)
def test_a_bad_sticker_is_refused_with_its_message_and_nothing_is_stored(
    manager_client: Client, emoticon: Emoticon, settings: Settings, upload: SimpleUploadedFile, message: Any
) -> None:
    stickers = sticker_set(8)
    stickers[3] = upload

    response = manager_client.post(f"/admin/catalog/emoticon/{emoticon.pk}/change/", admin_form(emoticon, stickers))

    assert response.status_code == 200  # the form again, the rule's message beside the file
    assert str(message) in error_text(response)
    assert not Sticker.objects.exists()
    assert stored_files(settings.MEDIA_ROOT) == []


def test_the_big_files_really_break_only_the_rule_they_are_named_for() -> None:
    """The refused files of the test above: over 2 MB, or 40 frames under it."""
    assert noisy_png().size > 5 * 1024 * 1024
    long_and_big = animated_gif(frames=40, side=400, noise=True)
    assert long_and_big.size > 2 * 1024 * 1024
    with Image.open(long_and_big) as image:
        assert image.n_frames == 40
    assert animated_gif(frames=40).size < 2 * 1024 * 1024


def test_a_set_of_fewer_than_8_stickers_is_refused(manager_client: Client, emoticon: Emoticon) -> None:
    response = manager_client.post(
        f"/admin/catalog/emoticon/{emoticon.pk}/change/", admin_form(emoticon, sticker_set(5))
    )

    assert response.status_code == 200
    assert str(errors.STICKER_COUNT_OUT_OF_RANGE.message) in error_text(response)
    assert "지금 5개입니다" in error_text(response)
    assert not Sticker.objects.exists()


def test_a_representative_image_must_be_a_png(manager_client: Client, emoticon: Emoticon, settings: Settings) -> None:
    response = manager_client.post(
        f"/admin/catalog/emoticon/{emoticon.pk}/change/", admin_form(emoticon, [], representative_image=webp())
    )

    assert response.status_code == 200
    assert str(errors.REPRESENTATIVE_IMAGE_NOT_PNG.message) in error_text(response)
    emoticon.refresh_from_db()
    assert not emoticon.representative_image
    assert stored_files(settings.MEDIA_ROOT) == []


def test_the_service_refuses_a_whole_set_when_one_file_is_bad(emoticon: Emoticon, settings: Settings) -> None:
    stickers = sticker_set(8)
    stickers[7] = renamed_exe()

    with pytest.raises(ApplicationError) as refused:
        sticker_set_change(emoticon_id=emoticon.pk, add=[(upload, None) for upload in stickers])

    assert refused.value.code == "image_type_not_allowed"
    assert not Sticker.objects.exists()
    assert stored_files(settings.MEDIA_ROOT) == []


def test_deleting_below_8_stickers_is_refused(emoticon: Emoticon) -> None:
    sticker_set_change(emoticon_id=emoticon.pk, add=[(upload, None) for upload in sticker_set(8)])

    with pytest.raises(ApplicationError) as refused:
        sticker_set_change(emoticon_id=emoticon.pk, delete=[emoticon.stickers.first().pk])  # type: ignore[union-attr]

    assert refused.value.code == "sticker_count_out_of_range"
    assert emoticon.stickers.count() == 8


@pytest.fixture
def emoticon_with_images(emoticon: Emoticon) -> Emoticon:
    emoticon_representative_image_set(emoticon_id=emoticon.pk, upload=png("rep.png", size=(400, 400)))
    sticker_set_change(emoticon_id=emoticon.pk, add=[(upload, None) for upload in sticker_set(10)])
    emoticon.refresh_from_db()
    return emoticon


def test_the_catalog_api_gives_every_emoticon_its_image_url(emoticon_with_images: Emoticon) -> None:
    [item] = Client().get("/api/v1/emoticons/").json()["results"]

    assert item["image_url"] == f"http://testserver/media/{emoticon_with_images.representative_image.name}"
    image = Client().get(item["image_url"])
    assert b"".join(image.streaming_content) == emoticon_with_images.representative_image.read()  # type: ignore[attr-defined]


def test_an_emoticons_api_page_has_its_sticker_count_and_a_preview_of_4(emoticon_with_images: Emoticon) -> None:
    body = Client().get(f"/api/v1/emoticons/{emoticon_with_images.pk}/").json()

    assert body["id"] == emoticon_with_images.pk and body["image_url"]
    assert body["sticker_count"] == 10
    first_four = list(emoticon_with_images.stickers.all()[:4])
    assert body["sticker_preview"] == [
        {"url": f"http://testserver{s.thumbnail.url}", "width": 240, "height": 240, "animated": s.animated}
        for s in first_four
    ]


def test_an_emoticon_not_on_sale_has_no_api_page(db: None) -> None:
    from tests.factories import EmoticonFactory

    hidden = EmoticonFactory(on_sale=False)

    response = Client().get(f"/api/v1/emoticons/{hidden.pk}/")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_images_are_served_for_a_year_under_their_content_hash(emoticon_with_images: Emoticon) -> None:
    response = Client().get(emoticon_with_images.representative_thumbnail.url)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_sticker_files_and_thumbnails_past_the_preview_are_not_public(emoticon_with_images: Emoticon) -> None:
    stickers = list(emoticon_with_images.stickers.all())

    assert Client().get(stickers[0].thumbnail.url).status_code == 200
    assert Client().get(stickers[4].thumbnail.url).status_code == 404
    assert Client().get(stickers[0].file.url).status_code == 404
    assert Client().get("/media/emoticons/../../settings.py").status_code == 404
    assert Client().get("/media/emoticons/thumbs/" + "0" * 64 + ".webp").status_code == 404


def test_a_partner_downloads_the_representative_png_unmodified(
    emoticon_with_images: Emoticon, other_member_client: Client
) -> None:
    response = other_member_client.get(f"/emoticons/{emoticon_with_images.pk}/representative.png")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == emoticon_with_images.representative_image.read()  # type: ignore[attr-defined]


def test_a_visitor_is_asked_to_log_in_before_downloading(emoticon_with_images: Emoticon) -> None:
    response = Client().get(f"/emoticons/{emoticon_with_images.pk}/representative.png")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_emoticon_page_shows_the_image_the_preview_and_the_download_with_its_rules(
    emoticon_with_images: Emoticon, other_member_client: Client
) -> None:
    page = other_member_client.get(f"/emoticons/{emoticon_with_images.pk}/").content.decode()

    assert emoticon_with_images.representative_image.url in page
    for sticker in emoticon_with_images.stickers.all()[:4]:
        assert sticker.thumbnail.url in page
    assert f"/emoticons/{emoticon_with_images.pk}/representative.png" in page
    for rule in ("경품 소개", "변형", "인쇄 불가"):
        assert rule in page


def test_a_partners_order_page_shows_the_emoticons_image(api: ApiClient, emoticon_with_images: Emoticon) -> None:
    from bizshop.billing import services as billing

    order = billing.order_create(partner=api.partner, emoticon_id=emoticon_with_images.pk, period_days=30, quantity=100)
    client = signed_in(api.partner)

    page = client.get(f"/mypage/orders/{order.pk}/").content.decode()

    assert emoticon_with_images.representative_thumbnail.url in page


def test_code_exports_under_media_root_fail_the_system_check(settings: Settings, tmp_path: Path) -> None:
    from bizshop.catalog.checks import code_exports_outside_media

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CODE_EXPORT_DIR = tmp_path / "media" / "exports"

    assert [error.id for error in code_exports_outside_media()] == ["catalog.E001"]
    settings.CODE_EXPORT_DIR = tmp_path / "exports"
    assert code_exports_outside_media() == []


def test_an_operator_opens_a_full_sticker_file_the_admin_links(
    emoticon_with_images: Emoticon, manager_client: Client
) -> None:
    sticker = emoticon_with_images.stickers.last()
    assert sticker is not None

    response = manager_client.get(sticker.file.url)

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, max-age=3600"


def test_an_emoticon_is_not_put_on_sale_without_its_representative_image(manager_client: Client) -> None:
    response = manager_client.post(
        "/admin/catalog/emoticon/add/",
        emoticon_form(Emoticon(title="그림 없는 이모티콘", min_quantity=1, max_quantity=9)),
    )

    assert response.status_code == 200
    assert "판매하려면 대표이미지(정사각형 PNG)를 올려 주세요." in error_text(response)
    assert not Emoticon.objects.filter(title="그림 없는 이모티콘").exists()


def test_the_start_sale_action_skips_an_emoticon_without_an_image(
    manager_client: Client, emoticon_with_images: Emoticon
) -> None:
    from tests.factories import EmoticonFactory

    bare = EmoticonFactory(on_sale=False)
    Emoticon.objects.filter(pk=emoticon_with_images.pk).update(on_sale=False)

    manager_client.post(
        "/admin/catalog/emoticon/",
        {"action": "start_sale", "_selected_action": [bare.pk, emoticon_with_images.pk]},
    )

    assert set(Emoticon.objects.filter(on_sale=True).values_list("pk", flat=True)) == {emoticon_with_images.pk}
