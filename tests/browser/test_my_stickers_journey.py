"""The whole end-user journey in Chromium, on a phone and a desktop: a visitor opens a code link, signs up,
verifies the e-mail, registers the code, sees the sticker set as a grid and saves a sticker; once the
usage period is over the set is locked and its images refused."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.core import mail
from django.utils import timezone

from bizshop.billing import services as billing
from bizshop.catalog.demo import demo_images_seed
from bizshop.catalog.models import Sticker
from bizshop.codes import format as code_format
from bizshop.codes.crypto import get_keyring
from bizshop.codes.models import Registration, SerialCode
from bizshop.codes.services import issuance_run, issuance_start
from tests.factories import EmoticonFactory, MemberFactory
from tests.helpers.browser import fits_phone_width

if TYPE_CHECKING:
    from playwright.sync_api import Browser
    from pytest_django.live_server_helper import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "춘식이의 하루"
PASSWORD = "Qz#8vN2mWt"


@pytest.fixture
def issued_code() -> str:
    """One code of a paid 30-day order of an emoticon with its drawn images and sticker set."""
    member = MemberFactory()
    emoticon = EmoticonFactory(title=TITLE)
    demo_images_seed(emoticons=[emoticon])
    order = billing.order_create(partner=member.partner, emoticon_id=emoticon.pk, period_days=30, quantity=100)
    billing.order_pay_by_card(order_id=order.pk, partner=member.partner, card_token="tok_sandbox_approve")
    issuance = issuance_start(order_id=order.pk, partner=member.partner, quantity=1)
    issuance_run(issuance_id=issuance.pk)
    code = SerialCode.objects.get(order=order)
    return get_keyring().decrypt(code.key_id, code.ciphertext)


@pytest.mark.parametrize("width", [390, 1280])
def test_a_visitor_goes_from_a_code_link_to_a_saved_sticker_and_sees_the_set_lock_when_its_period_ends(
    browser: Browser, live_server: LiveServer, issued_code: str, width: int, tmp_path: Path
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="ko-KR", accept_downloads=True)
    page = context.new_page()
    shots = tmp_path

    def shoot(step: str) -> None:
        from tests.helpers.browser import ARTIFACTS

        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"my-stickers-{width}-{step}.png"), full_page=True)

    try:
        page.goto(f"{live_server.url}/register/#code={code_format.display(issued_code)}")
        page.get_by_role("link", name="회원가입하고 등록하기").click()
        page.wait_for_url("**/accounts/signup/**")
        page.locator("#id_email").fill(f"fan{width}@example.kr")
        page.locator("#id_password1").fill(PASSWORD)
        page.locator("#id_password2").fill(PASSWORD)
        page.locator("#id_agree_terms").check()
        page.locator("#id_agree_privacy").check()
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(f"{live_server.url}/register/")
        verify_path = re.search(r"https?://[^/\s]+(/accounts/verify-email/\S+/)", mail.outbox[-1].body)
        assert verify_path is not None
        page.goto(f"{live_server.url}{verify_path.group(1)}")
        page.wait_for_url(f"{live_server.url}/register/")
        page.locator("#code-preview").wait_for(state="visible")
        page.get_by_role("button", name="등록하기").click()
        page.get_by_role("link", name="내 이모티콘 보기").click()
        page.wait_for_url("**/me/emoticons/**")
        page.wait_for_load_state("networkidle")

        # The grid: every sticker of the set, each image really loaded.
        grid = page.get_by_role("list", name=f"{TITLE} 스티커")
        grid.wait_for(state="visible")
        expected = Sticker.objects.filter(emoticon__title=TITLE).count()
        assert grid.get_by_role("img").count() == expected
        loaded = page.evaluate(
            "() => [...document.querySelectorAll('.sticker-grid img')].map(img => img.complete && img.naturalWidth)"
        )
        assert all(loaded) and len(loaded) == expected, loaded
        assert "30일 남음" in page.locator(".my-emoticon").first.inner_text()
        fits_phone_width(page)
        shoot("1-grid")
        assert shots.exists()

        # Saving a sticker gives the file exactly as the operator uploaded it.
        with page.expect_download() as download_info:
            page.get_by_role("link", name="저장 스티커 1", exact=True).click()
        download = download_info.value
        first = Sticker.objects.filter(emoticon__title=TITLE).order_by("position", "id").first()
        assert first is not None
        assert Path(download.path()).read_bytes() == first.file.read()
        assert download.suggested_filename == f"{TITLE}-01.{first.file.name.rsplit('.', 1)[1]}"

        # Opening a sticker shows its image.
        image_url = page.locator(".sticker-open").first.get_attribute("href")
        opened = page.request.get(f"{live_server.url}{image_url}")
        assert opened.status == 200 and opened.headers["content-type"].startswith("image/")

        # The usage period ends: the set is locked and the URL the page gave a moment ago is refused.
        Registration.objects.update(usage_expires_at=timezone.now() - timedelta(seconds=1))
        page.reload()
        page.wait_for_load_state("networkidle")
        locked = page.locator("[data-locked]")
        assert locked.is_visible() and "사용기간 만료" in page.locator(".my-emoticon").first.inner_text()
        assert page.locator(".sticker-grid").count() == 0
        refused = page.request.get(f"{live_server.url}{image_url}")
        assert refused.status == 403 and refused.json()["error"]["code"] == "usage_period_expired"
        fits_phone_width(page)
        shoot("2-locked")
    finally:
        context.close()
