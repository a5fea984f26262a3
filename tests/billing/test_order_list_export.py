"""구매내역 page: search by memo, order date range (Asia/Seoul days), bad dates as form errors, and the CSV export."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bizshop.billing.models import Order
from tests.helpers.api import ApiClient
from tests.helpers.sessions import signed_in

pytestmark = pytest.mark.django_db

KST = ZoneInfo("Asia/Seoul")
LIST = "/mypage/orders/"
CSV = "/mypage/orders/export.csv"


def order_links(page: str) -> list[str]:
    return re.findall(r'<a href="/mypage/orders/(\d+)/">#', page)


def dated(order: Order, moment: datetime, memo: str = "") -> Order:
    Order.objects.filter(pk=order.pk).update(created_at=moment, memo=memo)
    order.refresh_from_db()
    return order


@pytest.fixture
def march(api: ApiClient, make_order: Callable[..., Order]) -> dict[str, Order]:
    """Three orders around the KST day boundary; 1 March 00:30 KST is still 28 February in UTC."""
    return {
        "march_1": dated(make_order(api.partner), datetime(2026, 3, 1, 0, 30, tzinfo=KST), "봄 캠페인 A"),
        "march_2": dated(make_order(api.partner, paid=True), datetime(2026, 3, 2, 23, 59, tzinfo=KST), "여름 준비"),
        "march_3": dated(make_order(api.partner), datetime(2026, 3, 3, 0, 0, tzinfo=KST), "봄 캠페인 B"),
    }


def test_the_list_is_searched_by_a_word_of_the_memo(api: ApiClient, march: dict[str, Order]) -> None:
    page = signed_in(api.partner).get(LIST, {"q": "캠페인"}).content.decode()

    assert order_links(page) == [str(march["march_3"].pk), str(march["march_1"].pk)]
    assert "봄 캠페인 B" in page and "여름 준비" not in page


def test_the_list_is_filtered_by_order_days_in_seoul_both_ends_included(
    api: ApiClient, march: dict[str, Order]
) -> None:
    page = signed_in(api.partner).get(LIST, {"ordered_from": "2026-03-01", "ordered_to": "2026-03-02"})

    assert order_links(page.content.decode()) == [str(march["march_2"].pk), str(march["march_1"].pk)]


def test_no_order_in_the_range_says_so(api: ApiClient, march: dict[str, Order]) -> None:
    page = signed_in(api.partner).get(LIST, {"ordered_from": "2027-01-01"}).content.decode()

    assert "조건에 맞는 주문이 없습니다." in page and order_links(page) == []


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"ordered_from": "2026-13-45"}, "ordered_from", "날짜를 YYYY-MM-DD 형식으로 입력해 주세요."),
        ({"ordered_to": "어제"}, "ordered_to", "날짜를 YYYY-MM-DD 형식으로 입력해 주세요."),
        (
            {"ordered_from": "2026-03-05", "ordered_to": "2026-03-01"},
            "ordered_to",
            "시작일이 종료일보다 늦습니다. 기간을 확인해 주세요.",
        ),
    ],
)
def test_a_bad_date_is_an_error_next_to_its_field_not_a_500(
    api: ApiClient, march: dict[str, Order], query: dict[str, str], field: str, message: str
) -> None:
    client = signed_in(api.partner)

    page = client.get(LIST, query)
    export = client.get(CSV, query)

    assert page.status_code == export.status_code == 422
    error = re.search(rf'id="id_{field}_error" role="alert">(.*?)</div>', page.content.decode(), re.S)
    assert error is not None and f"<p>{message}</p>" in error.group(1)
    assert order_links(page.content.decode()) == []


def test_the_csv_export_is_the_filtered_list_for_excel(api: ApiClient, march: dict[str, Order]) -> None:
    response = signed_in(api.partner).get(CSV, {"q": "봄", "ordered_from": "2026-03-01", "ordered_to": "2026-03-01"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="orders-')
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    order = march["march_1"]
    assert rows[0] == [
        "주문번호", "주문일시", "이모티콘", "사용기간(일)", "수량", "단가(원)", "공급가액(원)", "부가세(원)",
        "결제금액(원)", "상태", "결제일시", "발급수량", "등록수량", "메모",
    ]  # fmt: skip
    assert rows[1:] == [
        [
            str(order.pk), "2026-03-01 00:30", order.emoticon_title, "30", "100", "1600", "160000", "16000",
            "176000", "결제대기", "", "0", "0", "봄 캠페인 A",
        ]
    ]  # fmt: skip


def test_the_csv_keeps_a_memo_that_looks_like_a_formula_as_text(
    api: ApiClient, make_order: Callable[..., Order]
) -> None:
    dated(make_order(api.partner), datetime(2026, 3, 1, 9, 0, tzinfo=KST), '=HYPERLINK("http://x")')

    body = b"".join(signed_in(api.partner).get(CSV).streaming_content).decode("utf-8-sig")

    assert list(csv.reader(io.StringIO(body)))[1][-1] == '\'=HYPERLINK("http://x")'


def test_the_csv_holds_only_the_partners_own_orders(
    api: ApiClient, other_api: ApiClient, make_order: Callable[..., Order]
) -> None:
    make_order(other_api.partner)
    mine = make_order(api.partner)

    body = b"".join(signed_in(api.partner).get(CSV).streaming_content).decode("utf-8-sig")

    assert [row[0] for row in csv.reader(io.StringIO(body))][1:] == [str(mine.pk)]


def test_the_api_answers_a_reversed_date_range_with_no_order(api: ApiClient, march: dict[str, Order]) -> None:
    # The schema cannot say "from before to", so the API does not refuse it: no day lies in such a range.
    response = api.get("/api/v1/orders/?created_from=2026-03-03&created_to=2026-03-01")

    assert response.status_code == 200 and response.json()["results"] == []
