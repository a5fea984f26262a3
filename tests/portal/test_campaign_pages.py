"""The order page's campaign section and the 잘못 보낸 코드 교체 form, read as a person reads them."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bizshop.codes.format import display
from bizshop.codes.models import Issuance
from bizshop.codes.services import code_register
from bizshop.partners.models import Member
from tests.factories import UserFactory
from tests.helpers.campaign import register_at
from tests.helpers.html import Element, parse

pytestmark = pytest.mark.django_db
SEOUL = ZoneInfo("Asia/Seoul")


def _stat(page: Element, name: str) -> str:
    return page.find(lambda e: e.attrs.get("data-stat") == name).text()


def test_the_order_page_shows_the_campaign_counts_and_a_bar_per_day(
    member: Member, member_client: Client, make_order: Any, issue_codes: Any
) -> None:
    order = make_order(member.partner, quantity=100, paid=True)
    codes = issue_codes(order, quantity=4)
    today = timezone.localdate(timezone.now(), SEOUL)
    noon = datetime.combine(today, datetime.min.time(), tzinfo=SEOUL) + timedelta(hours=12)
    Issuance.objects.filter(order=order).update(created_at=noon - timedelta(days=4))
    register_at(codes[0], noon - timedelta(days=4))
    register_at(codes[1], noon - timedelta(days=2))
    register_at(codes[2], noon - timedelta(days=2))

    page = parse(member_client.get(reverse("billing:order-detail", args=[order.pk])).content)

    section = page.by_id("campaign")
    assert "캠페인 현황" in section.text()
    assert [_stat(section, n) for n in ("issued", "registered", "unregistered_open", "expired_unregistered")] == [
        "4",
        "3",
        "1",
        "0",
    ]
    assert _stat(section, "voided") == "0"
    chart = section.by_id("registrations-chart")
    assert chart.tag == "svg" and chart.attrs["role"] == "img"
    bars = chart.find_all(lambda e: e.tag == "rect" and "chart-bar" in e.attrs.get("class", ""))
    assert len(bars) == 5  # every day from the first tranche to today
    assert [int(bar.attrs["data-count"]) for bar in bars] == [1, 0, 2, 0, 0]
    heights = [float(bar.attrs["height"]) for bar in bars]
    assert heights[2] > heights[0] > 0 == heights[1]
    assert bars[2].find(lambda e: e.tag == "title").text() == f"{today - timedelta(days=2)}: 2"
    # The same numbers as text, for whoever cannot see the chart.
    rows = section.by_id("registrations-table").find_all(lambda e: e.tag == "tr")[1:]
    assert [row.text() for row in rows] == [
        f"{today - timedelta(days=4 - i)} {count}" for i, count in enumerate([1, 0, 2, 0, 0])
    ]


def test_the_void_form_on_the_order_page_gives_a_replacement_and_the_old_code_stops_working(
    member: Member, member_client: Client, make_order: Any, issue_codes: Any
) -> None:
    order = make_order(member.partner, quantity=100, paid=True)
    codes = issue_codes(order, quantity=2)
    detail = parse(member_client.get(reverse("billing:order-detail", args=[order.pk])).content)
    form = detail.by_id("code-void-form")
    assert form.attrs["action"] == reverse("codes:order-code-void", args=[order.pk])
    assert "잘못 보낸 코드 교체" in detail.by_id("code-void-title").text()

    response = member_client.post(form.attrs["action"], {"code": display(codes[0])})

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = parse(response.content)
    shown = page.by_id("replacement-code").text()
    assert shown.replace("-", "") not in codes
    assert "새 일련번호가 발급되었습니다" in page.by_id("code-replaced").text()
    assert codes[0][-4:] in page.by_id("code-replaced").text()
    registration = code_register(user=UserFactory(), raw_code=shown)
    assert registration.emoticon_id == order.emoticon_id
    after = parse(member_client.get(reverse("billing:order-detail", args=[order.pk])).content)
    assert _stat(after.by_id("campaign"), "voided") == "1"
    assert _stat(after.by_id("campaign"), "issued") == "3"


def test_a_registered_code_is_refused_on_the_form_with_the_reason(
    member: Member, member_client: Client, make_order: Any, issue_codes: Any
) -> None:
    order = make_order(member.partner, quantity=100, paid=True)
    [code] = issue_codes(order, quantity=1)
    code_register(user=UserFactory(), raw_code=code)

    response = member_client.post(reverse("codes:order-code-void", args=[order.pk]), {"code": code})

    assert response.status_code == 422
    page = parse(response.content)
    assert "이미 등록된 일련번호입니다" in page.by_id("error-summary").text()
    assert not page.find_all(lambda e: e.attrs.get("id") == "replacement-code")


def test_another_partners_member_gets_404_and_voids_nothing(
    other_member_client: Client, member: Member, make_order: Any, issue_codes: Any
) -> None:
    order = make_order(member.partner, quantity=100, paid=True)
    [code] = issue_codes(order, quantity=1)

    response = other_member_client.post(reverse("codes:order-code-void", args=[order.pk]), {"code": code})

    assert response.status_code == 404
    assert Issuance.objects.get(order=order).replaced_count == 0


def test_the_order_page_counts_the_codes_its_deliveries_assigned(
    member: Member, member_client: Client, make_order: Any, issue_codes: Any
) -> None:
    from bizshop.campaigns.services import delivery_create

    order = make_order(member.partner, quantity=100, paid=True)
    issue_codes(order, quantity=5)
    url = reverse("billing:order-detail", args=[order.pk])
    before = parse(member_client.get(url).content).by_id("campaign")
    assert before.find_all(lambda e: e.attrs.get("data-stat") == "assigned") == []  # no delivery, no rows
    people = [{"name": f"당첨자{i}", "email": f"winner{i}@example.com"} for i in range(3)]
    delivery_create(order_id=order.pk, partner=member.partner, channel="email", template="{code}", recipients=people)

    section = parse(member_client.get(url).content).by_id("campaign")

    assert [_stat(section, n) for n in ("assigned", "sent", "delivery_failed")] == ["3", "0", "0"]
