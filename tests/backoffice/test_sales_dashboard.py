"""/backoffice/sales/: revenue and units per day and per emoticon, an SVG chart, CSV export; operators only."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from django.test import Client
from django.utils import timezone

from bizshop.backoffice.management.commands.setup_operator_groups import BILLING, CATALOG_MANAGER, SUPPORT
from bizshop.backoffice.models import OperatorAction
from bizshop.billing import services as billing
from bizshop.catalog.services import ranking_refresh
from tests.factories import EmoticonFactory, UserFactory

if TYPE_CHECKING:
    from bizshop.accounts.models import User
    from bizshop.catalog.models import Emoticon
    from tests.helpers.api import ApiClient

PATH = "/backoffice/sales/"


@pytest.fixture
def sales(api: ApiClient) -> tuple[Emoticon, Emoticon]:
    """Two orders of one emoticon (100 and 200 units at 1,600원) and one of another, paid today, aggregated."""
    first, second = EmoticonFactory(title="춘식이"), EmoticonFactory(title="라이언")
    for emoticon, quantity in ((first, 100), (first, 200), (second, 100)):
        order = billing.order_create(partner=api.partner, emoticon_id=emoticon.pk, period_days=30, quantity=quantity)
        billing.order_pay_by_card(order_id=order.pk, partner=api.partner, card_token="tok_sandbox_approve")
    ranking_refresh()
    return first, second


def test_the_dashboard_shows_revenue_per_day_and_per_emoticon_in_won(
    sales: tuple[Emoticon, Emoticon], make_operator: Callable[..., User], operator_client: Callable[[User], Client]
) -> None:
    response = operator_client(make_operator(BILLING)).get(PATH)

    assert response.status_code == 200
    page = response.content.decode()
    assert "<svg" in page and "일별 매출(공급가액)" in page
    by_emoticon = [(row.title, row.units, row.supply_amount) for row in response.context["emoticons"]]
    assert by_emoticon == [("춘식이", 300, 480_000), ("라이언", 100, 160_000)]
    today = next(day for day in response.context["days"] if day.day == timezone.localdate())
    assert (today.transactions, today.units, today.supply_amount, today.total_amount) == (3, 400, 640_000, 704_000)
    assert "176,000원" in page  # 라이언: 160,000 + VAT 16,000
    assert "704,000원" in page


def test_the_csv_export_has_a_row_per_day_and_emoticon_and_is_audited(
    sales: tuple[Emoticon, Emoticon], make_operator: Callable[..., User], operator_client: Callable[[User], Client]
) -> None:
    operator = make_operator(CATALOG_MANAGER)

    response = operator_client(operator).get(PATH, {"format": "csv"})

    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    header, *rows = list(csv.reader(io.StringIO(text)))
    assert header[:3] == ["일자", "이모티콘ID", "이모티콘명"]
    today = timezone.localdate().isoformat()
    assert sorted((row[0], row[2], row[4], row[5], row[6]) for row in rows) == [
        (today, "라이언", "100", "160000", "176000"),
        (today, "춘식이", "300", "480000", "528000"),
    ]
    assert OperatorAction.objects.get().kind == "sales_exported"
    assert OperatorAction.objects.get().operator == operator


def test_an_inverted_range_is_refused_with_invalid_date_range(
    make_operator: Callable[..., User], operator_client: Callable[[User], Client]
) -> None:
    response = operator_client(make_operator(BILLING)).get(PATH, {"start": "2026-03-10", "end": "2026-03-01"})

    assert response.status_code == 422
    assert response.context["error"].code == "invalid_date_range"


@pytest.mark.parametrize("who", ["anonymous", "end_user"])
def test_the_dashboard_sends_non_staff_to_the_admin_login(db: None, who: str) -> None:
    client = Client()
    if who == "end_user":
        client.force_login(UserFactory())

    response = client.get(PATH)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_staff_without_the_dashboard_permission_get_403(
    make_operator: Callable[..., User], operator_client: Callable[[User], Client]
) -> None:
    assert operator_client(make_operator(SUPPORT)).get(PATH).status_code == 403
