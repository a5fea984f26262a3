"""Home page (TOP10, catalog, search), the emoticon page and its order form."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from bizshop.billing import services as billing
from bizshop.billing.models import Order, OrderStatus
from bizshop.catalog.models import Emoticon
from bizshop.catalog.services import ranking_refresh
from bizshop.partners.models import Member
from tests.factories import EmoticonFactory, MemberFactory

pytestmark = pytest.mark.django_db


def _section(html: str, start_marker: str, end_marker: str) -> str:
    start = html.index(start_marker)
    return html[start : html.index(end_marker, start)]


def _sell(emoticon: Emoticon, times: int) -> None:
    partner = MemberFactory().partner
    for _ in range(times):
        order = billing.order_create(partner=partner, emoticon_id=emoticon.pk, period_days=30, quantity=100)
        billing.order_pay_by_card(order_id=order.pk, partner=partner, card_token="tok_sandbox_approve")


def test_home_shows_the_top10_in_rank_order_and_the_catalog_with_prices() -> None:
    best = EmoticonFactory(title="춘식이의 하루", prices={30: 1_600, 60: 2_500})
    second = EmoticonFactory(title="라이언 오피스", prices={30: 1_800, 60: 2_900})
    unsold = EmoticonFactory(title="무지와 콘", prices={30: 1_400, 60: 2_200})
    _sell(best, 2)
    _sell(second, 1)
    ranking_refresh()

    html = Client().get(reverse("catalog:home")).content.decode()

    ranking = _section(html, 'id="ranking-title"', "</ol>")
    assert ranking.index(best.title) < ranking.index(second.title)
    assert "2건 거래" in ranking
    assert unsold.title not in ranking
    catalog = _section(html, 'id="catalog-title"', "</section>")
    for emoticon in (best, second, unsold):
        assert emoticon.title in catalog
    assert "1,600원" in catalog
    assert "2,900원" in catalog
    assert "VAT 별도" in catalog


def test_home_search_filters_the_catalog_by_title_or_creator() -> None:
    EmoticonFactory(title="춘식이의 하루", creator="카카오프렌즈")
    EmoticonFactory(title="고양이 냥냥", creator="모찌작가")
    EmoticonFactory(title="라이언 오피스", creator="카카오프렌즈")

    by_title = Client().get(reverse("catalog:home"), {"q": "냥냥"})
    by_creator = Client().get(reverse("catalog:home"), {"q": "카카오"})

    assertContains(by_title, "고양이 냥냥")
    assertNotContains(by_title, "춘식이의 하루")
    assertContains(by_creator, "춘식이의 하루")
    assertContains(by_creator, "라이언 오피스")
    assertNotContains(by_creator, "고양이 냥냥")


def _catalog_titles(response: Any, titles: list[str]) -> list[str]:
    catalog = _section(response.content.decode(), 'id="catalog-title"', "</section>")
    return sorted((title for title in titles if title in catalog), key=catalog.index)


def test_home_sorts_the_catalog_by_ranking_price_or_newest() -> None:
    cheap = EmoticonFactory(title="무지와 콘", prices={30: 900, 60: 1_500})
    best = EmoticonFactory(title="춘식이의 하루", prices={30: 1_600, 60: 2_500})
    dear = EmoticonFactory(title="라이언 오피스", prices={30: 2_000, 60: 3_000})
    titles = [cheap.title, best.title, dear.title]
    _sell(best, 1)
    ranking_refresh()
    home = reverse("catalog:home")

    assert _catalog_titles(Client().get(home), titles)[0] == best.title  # the TOP10 first by default
    assert _catalog_titles(Client().get(home, {"sort": "price"}), titles) == [cheap.title, best.title, dear.title]
    assert _catalog_titles(Client().get(home, {"sort": "-price"}), titles) == [dear.title, best.title, cheap.title]
    assert _catalog_titles(Client().get(home, {"sort": "newest"}), titles) == [dear.title, best.title, cheap.title]


def test_home_filters_the_catalog_by_the_highest_unit_price_a_buyer_will_pay() -> None:
    EmoticonFactory(title="무지와 콘", prices={30: 900, 60: 1_500})
    EmoticonFactory(title="라이언 오피스", prices={30: 2_000, 60: 3_000})

    response = Client().get(reverse("catalog:home"), {"max_unit_price": "1000"})

    assertContains(response, "무지와 콘")
    assertNotContains(response, "라이언 오피스")
    assertContains(response, "조건에 맞는 이모티콘 1개")


@pytest.mark.parametrize("params", [{"sort": "price; DROP"}, {"max_unit_price": "²"}, {"max_unit_price": "-5"}])
def test_home_ignores_a_filter_value_that_makes_no_sense(params: dict[str, str]) -> None:
    EmoticonFactory(title="무지와 콘")

    response = Client().get(reverse("catalog:home"), params)

    assert response.status_code == 200
    assertContains(response, "무지와 콘")


def test_home_leaves_emoticons_that_are_not_on_sale_out_of_the_catalog() -> None:
    EmoticonFactory(title="판매종료 이모티콘", on_sale=False)

    response = Client().get(reverse("catalog:home"))

    assertNotContains(response, "판매종료 이모티콘")
    assertContains(response, "판매 중인 이모티콘이 없습니다.")


def test_emoticon_page_shows_prices_quantity_range_and_image_rules(emoticon: Emoticon) -> None:
    response = Client().get(reverse("catalog:emoticon-detail", args=[emoticon.pk]))

    assertContains(response, emoticon.title)
    assertContains(response, "1,600원")
    assertContains(response, "2,500원")
    assertContains(response, "최소 100개 ~ 최대 1,000,000개")
    assertContains(response, "원본 그대로")
    assertContains(response, "경품 소개 용도로만 사용 가능")
    assertContains(response, "인쇄 불가")
    assertContains(response, "thumb-placeholder")  # no representative image yet


def test_emoticon_page_offers_no_order_form_to_visitors(emoticon: Emoticon) -> None:
    response = Client().get(reverse("catalog:emoticon-detail", args=[emoticon.pk]))

    assertNotContains(response, 'id="order-form"')
    assertContains(response, "파트너 회원으로 로그인하면")


def test_emoticon_page_of_an_emoticon_not_on_sale_is_not_found() -> None:
    hidden = EmoticonFactory(on_sale=False)

    assert Client().get(reverse("catalog:emoticon-detail", args=[hidden.pk])).status_code == 404


def test_order_form_previews_amounts_computed_by_the_server(member_client: Client, emoticon: Emoticon) -> None:
    response = member_client.get(
        reverse("catalog:emoticon-detail", args=[emoticon.pk]), {"period_days": 60, "quantity": 333}
    )

    assertContains(response, 'id="order-form"')
    # 2,500 × 333 = 832,500 supply; VAT 83,250; total 915,750.
    assertContains(response, '<dd data-amount="supply">832,500원</dd>', html=True)
    assertContains(response, '<dd data-amount="vat">83,250원</dd>', html=True)
    assertContains(response, '<dd data-amount="total">915,750원</dd>', html=True)


def test_order_form_creates_the_order_and_shows_its_total(
    member: Member, member_client: Client, emoticon: Emoticon
) -> None:
    response = member_client.post(
        reverse("billing:order-create"),
        {"emoticon_id": emoticon.pk, "period_days": 30, "quantity": 100},
        follow=True,
    )

    order = Order.objects.get(partner=member.partner)
    assertRedirects(response, reverse("billing:order-detail", args=[order.pk]))
    assert (order.unit_price, order.supply_amount, order.vat_amount, order.total_amount) == (
        1_600,
        160_000,
        16_000,
        176_000,
    )
    assert order.status == OrderStatus.PENDING_PAYMENT
    assertContains(response, "176,000원")
    assertContains(response, "결제대기")


def test_order_form_shows_the_quantity_refusal_next_to_the_field(member_client: Client, emoticon: Emoticon) -> None:
    response = member_client.post(
        reverse("billing:order-create"), {"emoticon_id": emoticon.pk, "period_days": 30, "quantity": 99}
    )

    assert response.status_code == 200
    assert not Order.objects.exists()
    assertContains(
        response,
        '<p id="quantity-error" class="field-error" role="alert"><span class="visually-hidden">수량: </span>'
        "구매 수량이 허용 범위를 벗어났습니다.</p>",
        html=True,
    )


def test_order_form_is_for_partner_members_only(end_user_client: Client, emoticon: Emoticon) -> None:
    data: dict[str, Any] = {"emoticon_id": emoticon.pk, "period_days": 30, "quantity": 100}

    anonymous = Client().post(reverse("billing:order-create"), data)
    end_user = end_user_client.post(reverse("billing:order-create"), data)

    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("accounts:login"))
    assert end_user.status_code == 404
    assert not Order.objects.exists()
