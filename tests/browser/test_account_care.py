"""Account care at phone width in real Chromium: changing the password, the 90-day question with
나중에 변경하기, the terms page, the consent page for a newer version, and the footer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.utils import timezone

from bizshop.accounts.models import PolicyAcceptance, User
from tests.factories import PASSWORD, MemberFactory, UserFactory
from tests.helpers.browser import fits_phone_width

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from pytest_django import Settings
    from pytest_django.live_server_helper import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "Wq!5nR8tLz"
TERMS_2026_01 = {"version": "2026-01", "effective": "2026-01-01", "template": "accounts/policies/terms_2026-01.html"}
PRIVACY_2026_01 = {
    "version": "2026-01",
    "effective": "2026-01-01",
    "template": "accounts/policies/privacy_2026-01.html",
}


def sign_in(page: Page, live_server: LiveServer, email: str, next_path: str = "/me/emoticons/") -> None:
    page.goto(f"{live_server.url}/accounts/login/?next={next_path}")
    page.get_by_label("이메일").fill(email)
    page.get_by_label("비밀번호", exact=True).fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def test_a_member_changes_the_password_after_one_refusal(
    page: Page, live_server: LiveServer, shoot: Callable[..., Path]
) -> None:
    member = MemberFactory()
    sign_in(page, live_server, member.user.email, next_path="/accounts/password/")
    assert page.get_by_role("heading", name="비밀번호 변경").is_visible()
    assert "사용 가능한 특수문자: ! @ # $ % ^ & * ( ) - + = { } [ ]" in page.locator("main").inner_text()
    fits_phone_width(page)
    shoot("1-change-page")

    page.get_by_label("현재 비밀번호").fill(PASSWORD)
    page.get_by_label("새 비밀번호", exact=True).fill("Wq~5nR8tLz")
    page.get_by_label("새 비밀번호 확인").fill("Wq~5nR8tLz")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    error = page.locator("#id_new_password1_error")
    assert error.is_visible()
    assert "사용할 수 없는 문자가 있습니다: ~. 특수문자는 ! @ # $ % ^ & * ( ) - + = { } [ ] 만" in error.inner_text()
    fits_phone_width(page)
    shoot("2-refused")

    page.get_by_label("현재 비밀번호").fill(PASSWORD)
    page.get_by_label("새 비밀번호", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("새 비밀번호 확인").fill(NEW_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.get_by_text("비밀번호를 변경했습니다. 다른 기기에서는 다시 로그인해 주세요.").is_visible()
    shoot("3-changed", full_page=False)
    member.user.refresh_from_db()
    assert member.user.check_password(NEW_PASSWORD)


def test_an_old_password_is_asked_about_and_put_off_with_later(
    page: Page, live_server: LiveServer, shoot: Callable[..., Path]
) -> None:
    user = UserFactory()
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - timedelta(days=120))

    sign_in(page, live_server, user.email)

    assert "/accounts/password/expired/" in page.url
    assert page.get_by_role("heading", name="비밀번호를 변경해 주세요").is_visible()
    later = page.get_by_role("button", name="나중에 변경하기")
    assert later.is_visible()
    fits_phone_width(page)
    shoot("1-prompt")

    later.click()
    page.wait_for_url(f"{live_server.url}/me/emoticons/")
    assert page.get_by_text("90일 후에 다시 안내해 드립니다.").is_visible()
    shoot("2-later", full_page=False)
    user.refresh_from_db()
    assert user.password_prompt_deferred_until is not None
    assert user.password_prompt_deferred_until > timezone.now() + timedelta(days=89)


def test_the_terms_page_reads_well_on_a_phone(page: Page, live_server: LiveServer, shoot: Callable[..., Path]) -> None:
    page.goto(f"{live_server.url}/terms/")

    assert page.get_by_role("heading", name="이용약관", exact=True).is_visible()
    main = page.locator("main").inner_text()
    assert "2026-01판 · 2026년 1월 1일 시행" in main and "제7조 (청약철회와 환불)" in main
    fits_phone_width(page)
    shoot("1-terms", full_page=False)
    page.get_by_role("link", name="개인정보처리방침").click()
    page.wait_for_url(f"{live_server.url}/privacy/")
    assert "개인정보 보호책임자" in page.locator("main").inner_text()
    fits_phone_width(page)
    shoot("2-privacy", full_page=False)


def test_a_newer_terms_version_must_be_accepted_before_anything_else(
    page: Page, live_server: LiveServer, shoot: Callable[..., Path], settings: Settings
) -> None:
    settings.POLICY_VERSIONS = {"terms": [TERMS_2026_01], "privacy": [PRIVACY_2026_01]}
    user = UserFactory()
    newer = {**TERMS_2026_01, "version": "2026-12", "effective": "2026-12-01"}
    settings.POLICY_VERSIONS = {"terms": [TERMS_2026_01, newer], "privacy": [PRIVACY_2026_01]}

    sign_in(page, live_server, user.email)

    assert "/accounts/consent/" in page.url
    assert page.get_by_role("heading", name="변경된 약관에 동의해 주세요").is_visible()
    assert "2026-12판" in page.locator("main").inner_text()
    fits_phone_width(page)
    shoot("1-consent")

    page.goto(f"{live_server.url}/support/")  # nothing else opens
    assert "/accounts/consent/" in page.url

    page.locator("main form button[type=submit]").first.click()  # not ticked
    page.wait_for_load_state()
    assert page.locator("#id_agree_terms_error").is_visible()
    shoot("2-not-ticked", full_page=False)

    page.get_by_label("이용약관에 동의합니다 (필수)").check()
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(f"{live_server.url}/support/")
    assert page.get_by_text("동의해 주셔서 감사합니다.").is_visible()
    shoot("3-accepted", full_page=False)
    assert PolicyAcceptance.objects.filter(user=user, document="terms", version="2026-12").exists()


def test_the_footer_shows_the_business_details_and_a_bold_privacy_link(
    page: Page, live_server: LiveServer, shoot: Callable[..., Path]
) -> None:
    page.goto(f"{live_server.url}/")
    footer = page.locator("footer.site-footer")
    footer.scroll_into_view_if_needed()

    text = footer.inner_text()
    shown = ("(주)이모티콘비즈샵", "김비즈", "214-88-01232", "제2026-성남분당A-0001호", "판교역로 166", "1577-0000")
    assert all(detail in text for detail in shown), text
    privacy = footer.get_by_role("link", name="개인정보처리방침")
    assert int(privacy.locator("strong").evaluate("e => getComputedStyle(e).fontWeight")) >= 600
    assert int(footer.get_by_role("link", name="이용약관").evaluate("e => getComputedStyle(e).fontWeight")) < 600
    fits_phone_width(page)
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    shoot("1-footer", full_page=False)


def test_the_login_and_signup_forms_show_their_checkboxes_beside_the_labels(
    page: Page, live_server: LiveServer, shoot: Callable[..., Path]
) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    keep = page.get_by_label("로그인 상태 유지")
    assert keep.is_visible() and not keep.is_checked()
    page.get_by_text("로그인 상태 유지").click()  # the label ticks it
    assert keep.is_checked()
    fits_phone_width(page)
    shoot("1-login", full_page=False)

    page.goto(f"{live_server.url}/accounts/signup/")
    page.get_by_label("이메일").fill("new@example.kr")
    page.get_by_label("비밀번호", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("비밀번호 확인").fill(NEW_PASSWORD)
    page.get_by_label("이용약관에 동의합니다 (필수)").check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#id_agree_privacy_error").is_visible()  # one consent missing
    assert not User.objects.filter(email="new@example.kr").exists()
    page.locator("#id_agree_privacy").scroll_into_view_if_needed()
    fits_phone_width(page)
    shoot("2-signup-consent-missing", full_page=False)
