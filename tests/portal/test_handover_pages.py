"""마이페이지 hand-over: CSV, XLSX (direct or built in the background) and the guide PDF of an order."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.test import Client
from openpyxl import load_workbook

from bizshop.billing.models import Order
from bizshop.codes.models import CodeExport
from bizshop.codes.services import issuance_start
from tests.helpers.api import ApiClient
from tests.helpers.sessions import signed_in

if TYPE_CHECKING:
    from pytest_django import DjangoCaptureOnCommitCallbacks, Settings


@pytest.fixture
def issued(
    api: ApiClient, paid_order: Order, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> Order:
    with django_capture_on_commit_callbacks(execute=True):
        issuance_start(order_id=paid_order.pk, partner=api.partner, quantity=12)
    return paid_order


def test_the_order_page_offers_csv_xlsx_and_the_guide(api_member_client: Client, issued: Order) -> None:
    page = api_member_client.get(f"/mypage/orders/{issued.pk}/").content.decode()

    for href in ("codes.csv", "codes.xlsx", "guide.pdf"):
        assert f"/mypage/orders/{issued.pk}/{href}" in page


def test_a_member_downloads_every_code_as_csv_and_xlsx(api_member_client: Client, issued: Order) -> None:
    raw = b"".join(api_member_client.get(f"/mypage/orders/{issued.pk}/codes.csv").streaming_content)
    csv_codes = [row[0] for row in csv.reader(io.StringIO(raw.decode("utf-8-sig")))][1:]
    xlsx = api_member_client.get(f"/mypage/orders/{issued.pk}/codes.xlsx")
    rows = list(load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).worksheets[0].iter_rows(values_only=True))

    assert len(csv_codes) == 12
    assert sorted(r[0] for r in rows[1:]) == sorted(csv_codes)


def test_a_large_order_gets_its_workbook_built_in_the_background(
    api_member_client: Client,
    issued: Order,
    monkeypatch: pytest.MonkeyPatch,
    settings: Settings,
    tmp_path: Path,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.CODE_XLSX_DIRECT_LIMIT = 10
    assert "엑셀 파일 만들기" in api_member_client.get(f"/mypage/orders/{issued.pk}/").content.decode()
    assert api_member_client.get(f"/mypage/orders/{issued.pk}/codes.xlsx").status_code == 302

    with django_capture_on_commit_callbacks(execute=True):
        api_member_client.post(f"/mypage/orders/{issued.pk}/exports/", {"format": "xlsx"})

    code_export = CodeExport.objects.get(order=issued)
    assert code_export.status == CodeExport.Status.READY
    download = api_member_client.get(f"/mypage/orders/{issued.pk}/exports/{code_export.pk}/file/")
    assert download.status_code == 200
    assert len(list(load_workbook(io.BytesIO(b"".join(download.streaming_content))).worksheets[0].rows)) == 13


def test_the_guide_pdf_downloads_from_the_portal(api_member_client: Client, issued: Order) -> None:
    response = api_member_client.get(f"/mypage/orders/{issued.pk}/guide.pdf")

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_another_partners_member_gets_404_on_every_download(other_api: ApiClient, issued: Order) -> None:
    client = signed_in(other_api.partner)

    for suffix in ("codes.csv", "codes.xlsx", "guide.pdf", "exports/1/file/"):
        assert client.get(f"/mypage/orders/{issued.pk}/{suffix}").status_code == 404
    assert client.post(f"/mypage/orders/{issued.pk}/exports/", {"format": "csv"}).status_code == 404
