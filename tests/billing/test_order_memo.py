"""메모 on an order: the partner's own note, edited on the order page or by API, seen by nobody else."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from pypdf import PdfReader

from bizshop.billing.models import Order
from tests.factories import UserFactory
from tests.helpers.api import ApiClient
from tests.helpers.sessions import signed_in

pytestmark = pytest.mark.django_db

CAMPAIGN = "2026 봄 고객 감사 이벤트"


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def memo_url(order: Order) -> str:
    return f"/mypage/orders/{order.pk}/memo/"


def detail_url(order: Order) -> str:
    return f"/mypage/orders/{order.pk}/"


def test_a_member_writes_a_memo_on_the_order_page_and_sees_it_there_and_in_the_list(
    api: ApiClient, make_order: Callable[..., Order]
) -> None:
    order = make_order(api.partner)
    client = signed_in(api.partner)

    response = client.post(memo_url(order), {"memo": f"  {CAMPAIGN}  "}, follow=True)

    order.refresh_from_db()
    assert order.memo == CAMPAIGN
    page = response.content.decode()
    assert "메모를 저장했습니다." in page and f'value="{CAMPAIGN}"' in page
    assert CAMPAIGN in client.get("/mypage/orders/").content.decode()


def test_a_memo_over_200_characters_is_refused_on_the_page_and_the_old_one_stays(
    api: ApiClient, make_order: Callable[..., Order]
) -> None:
    order = make_order(api.partner)
    client = signed_in(api.partner)
    client.post(memo_url(order), {"memo": CAMPAIGN})

    response = client.post(memo_url(order), {"memo": "가" * 201}, follow=True)

    assert "메모는 200자까지 쓸 수 있습니다." in response.content.decode()
    order.refresh_from_db()
    assert order.memo == CAMPAIGN


def test_another_partner_can_neither_write_nor_read_the_memo(
    api: ApiClient, other_api: ApiClient, make_order: Callable[..., Order]
) -> None:
    order = make_order(api.partner)
    signed_in(api.partner).post(memo_url(order), {"memo": CAMPAIGN})
    intruder = signed_in(other_api.partner)

    answers = [
        intruder.post(memo_url(order), {"memo": "덮어쓰기"}).status_code,
        intruder.get(detail_url(order)).status_code,
        other_api.get(f"/api/v1/orders/{order.pk}/").status_code,
        other_api.client.patch(
            f"/api/v1/orders/{order.pk}/", {"memo": "덮어쓰기"}, content_type="application/json"
        ).status_code,
    ]
    listed = other_api.get(f"/api/v1/orders/?memo={CAMPAIGN.split()[1]}").json()["results"]

    assert answers == [404, 404, 404, 404]
    assert listed == []
    order.refresh_from_db()
    assert order.memo == CAMPAIGN


def test_the_owning_partner_reads_sets_and_filters_by_memo_in_the_api(
    api: ApiClient, make_order: Callable[..., Order]
) -> None:
    spring, other = make_order(api.partner), make_order(api.partner)

    patched = api.client.patch(f"/api/v1/orders/{spring.pk}/", {"memo": CAMPAIGN}, content_type="application/json")
    found = api.get("/api/v1/orders/", data={"memo": "봄 고객"}).json()["results"]
    too_long = api.client.patch(f"/api/v1/orders/{other.pk}/", {"memo": "x" * 201}, content_type="application/json")

    assert patched.status_code == 200 and patched.json()["memo"] == CAMPAIGN
    assert [(item["id"], item["memo"]) for item in found] == [(spring.pk, CAMPAIGN)]
    assert api.get(f"/api/v1/orders/{other.pk}/").json()["memo"] == ""
    assert too_long.status_code == 422 and too_long.json()["error"]["code"] == "memo_too_long"


def test_the_memo_is_never_printed_on_the_money_documents(api: ApiClient, make_order: Callable[..., Order]) -> None:
    order = make_order(api.partner, paid=True)
    client = signed_in(api.partner)
    client.post(memo_url(order), {"memo": "SECRETCAMPAIGN"})

    statement = client.get(f"/mypage/orders/{order.pk}/statement.pdf")
    receipt = client.get(f"/mypage/orders/{order.pk}/receipt.pdf")

    assert statement.status_code == receipt.status_code == 200
    assert "SECRETCAMPAIGN" not in pdf_text(statement.content) + pdf_text(receipt.content)


def test_operators_do_not_see_the_memo_in_the_admin(api: ApiClient, make_order: Callable[..., Order]) -> None:
    order = make_order(api.partner)
    signed_in(api.partner).post(memo_url(order), {"memo": "SECRETCAMPAIGN"})
    client = signed_in(UserFactory(is_staff=True, is_superuser=True))

    page = client.get(f"/admin/billing/order/{order.pk}/change/")

    assert page.status_code == 200 and "SECRETCAMPAIGN" not in page.content.decode()


def test_the_api_takes_only_a_string_as_memo_and_a_patch_without_it_changes_nothing(
    api: ApiClient, make_order: Callable[..., Order]
) -> None:
    order = make_order(api.partner)
    api.client.patch(f"/api/v1/orders/{order.pk}/", {"memo": CAMPAIGN}, content_type="application/json")

    number = api.client.patch(f"/api/v1/orders/{order.pk}/", {"memo": 0}, content_type="application/json")
    nothing = api.client.patch(f"/api/v1/orders/{order.pk}/", {}, content_type="application/json")
    empty_filter = api.get("/api/v1/orders/?memo=")

    assert number.status_code == 422 and number.json()["error"]["code"] == "invalid_request"
    assert nothing.status_code == 200 and nothing.json()["memo"] == CAMPAIGN
    assert empty_filter.status_code == 422
