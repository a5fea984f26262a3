"""고객센터 public pages: the FAQ by category with a category filter, and notices, for anyone."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from bizshop.support.models import Faq, Notice, Topic

pytestmark = pytest.mark.django_db

NOTICE_LINK = re.compile(r'href="/support/notices/(\d+)/"')


def faq(category: Topic, question: str, **fields: object) -> Faq:
    return Faq.objects.create(category=category, question=question, answer=f"{question}의 답변", **fields)


def test_the_faq_is_shown_grouped_by_category_in_the_fixed_category_order(client: Client) -> None:
    faq(Topic.ACCOUNT, "탈퇴는 어떻게 하나요?")
    faq(Topic.SERVICE, "비즈샵은 무엇인가요?")
    faq(Topic.PAYMENT, "환불은 언제까지 되나요?")

    page = client.get("/support/").content.decode()

    assert page.index("서비스이용</h3>") < page.index("결제/취소/환불</h3>") < page.index("가입/탈퇴</h3>")
    assert (
        page.index("비즈샵은 무엇인가요?") < page.index("환불은 언제까지 되나요?") < page.index("탈퇴는 어떻게 하나요?")
    )
    assert "상품안내</h3>" not in page  # a category without entries has no empty box


def test_the_category_filter_shows_only_that_category(client: Client) -> None:
    faq(Topic.PRODUCT, "사용기간은 어떻게 되나요?")
    faq(Topic.PAYMENT, "환불은 언제까지 되나요?")

    page = client.get("/support/", {"category": "product"}).content.decode()

    assert "사용기간은 어떻게 되나요?" in page
    assert "환불은 언제까지 되나요?" not in page
    assert 'href="?category=product" aria-current="true"' in page


def test_an_unknown_category_shows_every_category(client: Client) -> None:
    faq(Topic.PRODUCT, "사용기간은 어떻게 되나요?")

    response = client.get("/support/", {"category": "nonsense"})

    assert response.status_code == 200
    assert "사용기간은 어떻게 되나요?" in response.content.decode()


def test_entries_within_a_category_follow_their_order_and_unpublished_ones_are_hidden(client: Client) -> None:
    faq(Topic.SERVICE, "두 번째 질문", order=2)
    faq(Topic.SERVICE, "첫 번째 질문", order=1)
    faq(Topic.SERVICE, "숨긴 질문", is_published=False)

    page = client.get("/support/").content.decode()

    assert page.index("첫 번째 질문") < page.index("두 번째 질문")
    assert "숨긴 질문" not in page


def test_an_answer_is_shown_as_text_never_as_html(client: Client) -> None:
    faq(Topic.SERVICE, "<script>alert(1)</script>")

    page = client.get("/support/").content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_latest_notices_are_on_the_customer_center_page_pinned_first(client: Client) -> None:
    now = timezone.now()
    Notice.objects.create(title="새 공지", body="본문", published_at=now - timedelta(hours=1))
    Notice.objects.create(title="고정 공지", body="본문", published_at=now - timedelta(days=30), pinned=True)

    page = client.get("/support/").content.decode()

    assert page.index("고정 공지") < page.index("새 공지")


def test_a_notice_page_shows_its_body_to_anyone(client: Client) -> None:
    notice = Notice.objects.create(title="시스템 점검 안내", body="3월 2일 02:00~04:00 점검합니다.")

    response = client.get(f"/support/notices/{notice.pk}/")

    assert response.status_code == 200
    assert "3월 2일 02:00~04:00 점검합니다." in response.content.decode()


def test_a_notice_scheduled_for_later_is_neither_listed_nor_shown(client: Client) -> None:
    later = Notice.objects.create(title="예약 공지", body="아직", published_at=timezone.now() + timedelta(days=1))

    assert "예약 공지" not in client.get("/support/").content.decode()
    assert "예약 공지" not in client.get("/support/notices/").content.decode()
    assert client.get(f"/support/notices/{later.pk}/").status_code == 404


def test_the_notice_list_pages_through_every_published_notice(client: Client) -> None:
    Notice.objects.bulk_create(Notice(title=f"공지 {n:02}", body="본문") for n in range(25))

    first = client.get("/support/notices/").content.decode()
    second = client.get("/support/notices/", {"page": 2}).content.decode()

    links = NOTICE_LINK.findall(first) + NOTICE_LINK.findall(second)
    assert (len(NOTICE_LINK.findall(first)), len(set(links))) == (20, 25)


def test_the_site_nav_links_to_the_customer_center(client: Client) -> None:
    assert 'href="/support/"' in client.get("/").content.decode()
