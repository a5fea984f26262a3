"""The home page's catalog search and filters in real headless Chromium at phone width."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import fits_phone_width
from tests.factories import EmoticonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_buyer_sorts_and_filters_the_catalog_by_budget_on_a_phone(live_server: Any, page: Any, shoot: Any) -> None:
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
