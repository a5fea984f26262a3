"""The home page's catalog search and filters in real headless Chromium at phone width."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.factories import PASSWORD, EmoticonFactory, MemberFactory
from tests.helpers.browser import fits_phone_width

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from pytest_django.live_server_helper import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_buyer_sorts_and_filters_the_catalog_by_budget_on_a_phone(
    live_server: LiveServer, page: Page, shoot: Callable[..., Path]
) -> None:
    EmoticonFactory(title="무지와 콘", prices={30: 900, 60: 1_500})
    EmoticonFactory(title="춘식이의 하루", prices={30: 1_600, 60: 2_500})
    EmoticonFactory(title="라이언 오피스", prices={30: 2_000, 60: 3_000})

    page.goto(f"{live_server.url}/")
    fits_phone_width(page)
    page.select_option("#catalog-sort", "-price")
    page.fill("#catalog-max-price", "1600")
    page.click(".search-form button[type=submit]")

    cards = page.locator(".emoticon-card .card-title").all_inner_texts()
    assert cards == ["춘식이의 하루", "무지와 콘"]
    assert page.locator("#catalog-sort").input_value() == "-price"
    assert "조건에 맞는 이모티콘 2개" in page.inner_text("#main")
    fits_phone_width(page)
    shoot("catalog-filtered")


def loaded_images(page: Page, selector: str) -> list[dict[str, Any]]:
    """What the browser actually drew for each <img>: its alt text and decoded size (0 when it failed)."""
    return page.eval_on_selector_all(  # type: ignore[no-any-return]
        selector, "els => els.map(e => ({alt: e.alt, width: e.naturalWidth, shown: e.getBoundingClientRect().width}))"
    )


def test_a_buyer_sees_each_emoticons_image_and_its_stickers_on_a_phone(
    live_server: LiveServer, page: Page, shoot: Callable[..., Path]
) -> None:
    from bizshop.catalog.demo import demo_images_seed

    emoticons = [EmoticonFactory(title="춘식이의 하루"), EmoticonFactory(title="라이언 오피스")]
    demo_images_seed(emoticons=emoticons)
    member = MemberFactory()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("이메일").fill(member.user.email)
    page.get_by_label("비밀번호").fill(PASSWORD)
    page.get_by_role("button", name="로그인").click()

    page.goto(f"{live_server.url}/")
    page.wait_for_load_state("networkidle")
    cards = loaded_images(page, ".emoticon-card img")
    assert {card["alt"] for card in cards} == {"춘식이의 하루 대표이미지", "라이언 오피스 대표이미지"}
    assert all(card["width"] == 240 and card["shown"] > 100 for card in cards)  # decoded and large enough to see
    fits_phone_width(page)
    shoot("catalog-images")

    page.click("text=춘식이의 하루")
    page.wait_for_load_state("networkidle")
    [representative] = loaded_images(page, "img.representative")
    assert representative["width"] == 360
    preview = loaded_images(page, ".sticker-preview img")
    assert len(preview) == 4 and all(sticker["width"] == 240 for sticker in preview)
    assert "스티커 미리보기 (전체 12개)" in page.inner_text("#main")
    assert page.get_by_role("link", name="대표이미지 다운로드 (PNG 원본)").is_visible()
    fits_phone_width(page)
    shoot("emoticon-images")
