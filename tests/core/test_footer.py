"""Every page's footer: the shop's business details (from settings) and the two policies."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.test import Client

if TYPE_CHECKING:
    from pytest_django import Settings

pytestmark = pytest.mark.django_db


def footer_of(html: str) -> str:
    return html[html.index('<footer class="site-footer">') : html.index("</footer>")]


@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/terms/", "/support/", "/partners/signup/"])
def test_every_page_shows_the_business_details_and_both_policies(url: str) -> None:
    footer = footer_of(Client().get(url).content.decode())

    for shown in (
        "<dt>상호</dt><dd>(주)이모티콘비즈샵</dd>",
        "<dt>대표자</dt><dd>김비즈</dd>",
        "<dt>사업자등록번호</dt><dd>214-88-01232</dd>",
        "<dt>통신판매업 신고번호</dt><dd>제2026-성남분당A-0001호</dd>",
        "<dt>주소</dt><dd>경기도 성남시 분당구 판교역로 166</dd>",
        '<a href="tel:15770000">1577-0000</a> (평일 10:00~18:00 (점심 12:00~13:00, 주말·공휴일 휴무))',
        '<a href="/terms/">이용약관</a>',
        '<a href="/privacy/"><strong>개인정보처리방침</strong></a>',
    ):
        assert shown in footer


def test_a_signed_in_members_pages_show_the_footer_too(end_user_client: Client) -> None:
    assert "<dt>통신판매업 신고번호</dt>" in footer_of(end_user_client.get("/me/emoticons/").content.decode())


def test_the_footer_follows_the_settings(settings: Settings) -> None:
    settings.SHOP_NAME = "(주)다른상점"
    settings.SHOP_MAIL_ORDER_NUMBER = "제2027-서울강남-1234호"

    footer = footer_of(Client().get("/").content.decode())

    assert "<dd>(주)다른상점</dd>" in footer and "<dd>제2027-서울강남-1234호</dd>" in footer
