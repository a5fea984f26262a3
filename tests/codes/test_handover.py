"""Handing codes over: CSV and XLSX of every code, and the usage-guide PDF read back as text."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from openpyxl import load_workbook
from pypdf import PdfReader

from bizshop.billing.models import Order
from bizshop.codes import export
from bizshop.codes.services import issuance_start
from tests.helpers.api import ApiClient

if TYPE_CHECKING:
    from pytest_django import DjangoCaptureOnCommitCallbacks, Settings

    from bizshop.accounts.models import User


@pytest.fixture
def issued_order(
    api: ApiClient, paid_order: Order, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> Order:
    with django_capture_on_commit_callbacks(execute=True):
        issuance_start(order_id=paid_order.pk, partner=api.partner, quantity=30)
    with django_capture_on_commit_callbacks(execute=True):
        issuance_start(order_id=paid_order.pk, partner=api.partner, quantity=20)
    return paid_order


def api_codes(api: ApiClient, order: Order) -> list[str]:
    body = api.get(f"/api/v1/orders/{order.pk}/codes/?page_size=1000").json()
    return [row["code"] for row in body["results"]]


def test_csv_has_a_bom_a_header_and_every_code_with_its_message(api: ApiClient, issued_order: Order) -> None:
    response = api.get(f"/api/v1/orders/{issued_order.pk}/codes/?format=csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == export.HEADER
    assert sorted(r[0] for r in rows[1:]) == sorted(api_codes(api, issued_order))
    first = rows[1]
    assert first[1] == issued_order.emoticon_title
    assert first[2] == "30"
    assert first[4] == f"{settings.SITE_URL}/register/#code={first[0]}"
    assert first[0] in first[6] and first[3] in first[6] and "30일" in first[6] and first[4] in first[6]


def test_every_code_in_the_api_has_its_registration_link_with_the_code_in_the_fragment_only(
    api: ApiClient, issued_order: Order
) -> None:
    rows = api.get(f"/api/v1/orders/{issued_order.pk}/codes/?page_size=1000").json()["results"]

    assert len(rows) == 50
    for row in rows:
        link = urlsplit(row["registration_url"])
        assert row["registration_url"].startswith(settings.SITE_URL)
        assert (link.path, link.query, link.fragment) == ("/register/", "", f"code={row['code']}")


def test_the_xlsx_gives_each_code_its_registration_link_and_message(api: ApiClient, issued_order: Order) -> None:
    workbook = load_workbook(export.xlsx_file(order=issued_order), read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))[1:]

    links = {row[0]: row[4] for row in rows}
    assert links == {code: f"{settings.SITE_URL}/register/#code={code}" for code in api_codes(api, issued_order)}
    assert all(str(row[4]) in str(row[6]) for row in rows)


def test_csv_rows_equal_the_export_rows_even_for_a_title_that_needs_quoting(
    api: ApiClient, issued_order: Order, end_user: User
) -> None:
    from bizshop.codes.services import code_register

    Order.objects.filter(pk=issued_order.pk).update(emoticon_title='춘식이, "특별판"\n2탄')
    issued_order.refresh_from_db()
    code_register(user=end_user, raw_code=api_codes(api, issued_order)[3])  # another status, another template

    raw = b"".join(api.get(f"/api/v1/orders/{issued_order.pk}/codes/?format=csv").streaming_content)
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))

    assert rows[1:] == list(export.export_rows(order=issued_order))
    assert {row[5] for row in rows[1:]} == {"발급", "등록완료"}
    assert all(row[1] == '춘식이, "특별판"\n2탄' for row in rows[1:])


def test_xlsx_holds_the_same_codes_as_the_api(api: ApiClient, issued_order: Order) -> None:
    response = api.get(f"/api/v1/orders/{issued_order.pk}/codes/?format=xlsx")

    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert list(rows[0]) == export.HEADER
    assert sorted(r[0] for r in rows[1:]) == sorted(api_codes(api, issued_order))


def test_xlsx_starts_a_new_sheet_past_the_row_limit(
    api: ApiClient, issued_order: Order, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export, "EXCEL_MAX_ROWS", 21)  # 20 codes + header per sheet

    workbook = load_workbook(export.xlsx_file(order=issued_order), read_only=True)

    sizes = [len(list(sheet.iter_rows(values_only=True))) for sheet in workbook.worksheets]
    assert sizes == [21, 21, 11]


def test_an_unknown_export_format_is_refused(api: ApiClient, issued_order: Order) -> None:
    response = api.get(f"/api/v1/orders/{issued_order.pk}/codes/?format=pdf")

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "unsupported_export_format"


def test_another_partner_gets_no_file(other_api: ApiClient, issued_order: Order) -> None:
    for suffix in ("codes/?format=csv", "codes/?format=xlsx", "guide.pdf"):
        response = other_api.get(f"/api/v1/orders/{issued_order.pk}/{suffix}")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def test_the_usage_guide_pdf_says_what_a_customer_must_know(api: ApiClient, issued_order: Order) -> None:
    response = api.get(f"/api/v1/orders/{issued_order.pk}/guide.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    deadline = issued_order.issuances.order_by("id").first().registration_deadline  # type: ignore[union-attr]
    from django.utils import timezone

    local = timezone.localtime(deadline)
    for expected in (
        "사용방법 안내 가이드",
        issued_order.emoticon_title,
        "일련번호",
        "등록일로부터 30일",
        f"{local.year}년 {local.month}월 {local.day}일",
        "/register/",
        "등록 방법",
        "경품 소개 용도로만",
        "인쇄",
    ):
        assert expected in text, expected


def test_a_background_xlsx_export_becomes_ready_with_every_code(
    api: ApiClient,
    issued_order: Order,
    settings: Settings,
    tmp_path: Path,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post(f"/api/v1/orders/{issued_order.pk}/exports/", {"format": "xlsx"})
    assert created.status_code == 202
    export_id = created.json()["id"]

    detail = api.get(f"/api/v1/orders/{issued_order.pk}/exports/{export_id}/").json()
    assert detail["status"] == "ready"
    assert detail["row_count"] == 50
    download = api.get(detail["download_url"].replace("http://testserver", ""))

    assert download.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)), read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert sorted(r[0] for r in rows[1:]) == sorted(api_codes(api, issued_order))


def test_a_large_order_asked_for_xlsx_gets_202_and_an_export_to_poll_never_a_silent_minute(
    api: ApiClient,
    issued_order: Order,
    settings: Settings,
    tmp_path: Path,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.CODE_XLSX_DIRECT_LIMIT = 49  # the order has 50 codes

    with django_capture_on_commit_callbacks(execute=True):
        response = api.get(f"/api/v1/orders/{issued_order.pk}/codes/?format=xlsx")
    poll = api.get(response["Location"].replace("http://testserver", "")).json()
    csv_response = api.get(f"/api/v1/orders/{issued_order.pk}/codes/?format=csv")

    assert response.status_code == 202
    body = response.json()
    assert body["format"] == "xlsx" and body["order_id"] == issued_order.pk
    assert poll["id"] == body["id"] and poll["status"] == "ready" and poll["row_count"] == 50
    download = api.get(poll["download_url"].replace("http://testserver", ""))
    rows = list(
        load_workbook(io.BytesIO(b"".join(download.streaming_content))).worksheets[0].iter_rows(values_only=True)
    )
    assert sorted(r[0] for r in rows[1:]) == sorted(api_codes(api, issued_order))
    assert csv_response.status_code == 200  # CSV streams at any size


def test_a_queued_export_is_not_downloadable_yet(
    api: ApiClient, issued_order: Order, settings: Settings, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    created = api.post(f"/api/v1/orders/{issued_order.pk}/exports/", {"format": "csv"}).json()  # task not run

    response = api.get(f"/api/v1/orders/{issued_order.pk}/exports/{created['id']}/file/")

    assert created["status"] == "queued"
    assert created["download_url"] is None
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "export_not_ready"


def test_another_partner_cannot_see_or_fetch_an_export(
    api: ApiClient, other_api: ApiClient, issued_order: Order, settings: Settings, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    created = api.post(f"/api/v1/orders/{issued_order.pk}/exports/", {"format": "csv"}).json()

    for path in (f"exports/{created['id']}/", f"exports/{created['id']}/file/", "exports/"):
        response = other_api.get(f"/api/v1/orders/{issued_order.pk}/{path}")
        assert response.status_code == 404
    assert other_api.post(f"/api/v1/orders/{issued_order.pk}/exports/", {"format": "csv"}).status_code == 404
