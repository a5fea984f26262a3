"""코드 보내기 pages: upload CSV/XLSX, row errors, not enough codes, preview, send, progress, CSV."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook

from bizshop.campaigns.models import Delivery, Recipient
from tests.helpers.html import parse

TEMPLATE = "{name}님 {title} 일련번호 {code}"


@pytest.fixture
def portal(api: Any) -> Client:
    client = Client()
    client.force_login(api.partner.members.get().user)
    return client


def csv_upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("winners.csv", text.encode("utf-8-sig"), content_type="text/csv")


def xlsx_upload(rows: list[list[Any]]) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("winners.xlsx", buffer.getvalue())


def page(order: Any) -> str:
    return f"/mypage/orders/{order.pk}/deliveries/new/"


def test_rows_with_errors_are_listed(portal: Client, order_with_codes: Any) -> None:
    order, _ = order_with_codes
    body = "이름,이메일,휴대폰\n홍길동,hong@example.com,010-1234-5678\n김철수,not-mail,\n,x@example.com,\n"

    response = portal.post(
        page(order), {"channel": "email", "template": TEMPLATE, "file": csv_upload(body), "action": "send"}
    )

    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="bad-rows"' in html
    assert "<td>2</td><td>email</td>" in html
    assert "<td>3</td><td>name</td>" in html
    assert "홍길동님" in html  # the preview of the first recipient
    assert not Delivery.objects.exists()


def test_not_enough_codes_offers_to_issue_the_rest(portal: Client, order_with_codes: Any) -> None:
    order, _ = order_with_codes
    rows = [["이름", "이메일"], *([f"사람{i}", f"p{i}@example.com"] for i in range(11))]

    response = portal.post(
        page(order), {"channel": "email", "template": TEMPLATE, "file": xlsx_upload(rows), "action": "send"}
    )

    assert response.status_code == 422
    html = response.content.decode()
    assert "받는 사람 11명, 보낼 수 있는 일련번호 10개입니다." in html
    assert "더 이상 환불할 수 없습니다" in html


def test_preview_then_send_an_xlsx_then_follow_it(
    portal: Client, order_with_codes: Any, django_capture_on_commit_callbacks: Any
) -> None:
    order, _ = order_with_codes
    rows = [["name", "email", "phone"], ["홍길동", "hong@example.com", 1012345678], ["이영희", "lee@example.com", None]]

    preview = portal.post(
        page(order), {"channel": "email", "template": TEMPLATE, "file": xlsx_upload(rows), "action": "preview"}
    )
    assert preview.status_code == 200
    assert "홍길동님" in preview.content.decode()
    assert not Delivery.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        sent = portal.post(
            page(order), {"channel": "email", "template": TEMPLATE, "file": xlsx_upload(rows), "action": "send"}
        )

    delivery = Delivery.objects.get()
    assert sent.status_code == 302 and sent["Location"].endswith(f"/deliveries/{delivery.pk}/")
    assert sorted(m.to[0] for m in mail.outbox) == ["hong@example.com", "lee@example.com"]
    assert Recipient.objects.get(row_number=1).status == Recipient.Status.SENT

    detail = portal.get(sent["Location"]).content.decode()
    assert "홍*동" in detail and "h***@example.com" in detail and "010-****-5678" in detail
    assert "hong@example.com" not in detail
    filters = [
        link.text() for link in parse(detail).find_all(lambda e: e.tag == "a" and "?status=" in e.attrs.get("href", ""))
    ]
    assert filters == ["대기", "보내는 중", "발송완료", "실패", "등록완료"]  # what a person reads, not the API values
    progress = portal.get(f"/mypage/orders/{order.pk}/deliveries/{delivery.pk}/progress/").json()
    assert progress["counts"]["sent"] == 2 and progress["finished"] is True
    csv_text = b"".join(
        portal.get(f"/mypage/orders/{order.pk}/deliveries/{delivery.pk}/recipients.csv").streaming_content
    ).decode("utf-8-sig")
    assert csv_text.splitlines()[1].startswith("1,홍*동,h***@example.com,010-****-5678,sent,1,")


def test_resend_failed_from_the_page(portal: Client, api: Any, order_with_codes: Any) -> None:
    from bizshop.campaigns.services import delivery_create

    order, _ = order_with_codes
    delivery = delivery_create(
        order_id=order.pk,
        partner=api.partner,
        channel="email",
        template="{code}",
        recipients=[{"name": "가", "email": "a@example.com"}],
    )
    Recipient.objects.filter(delivery=delivery).update(status=Recipient.Status.FAILED, last_error="SMTP 550")

    response = portal.post(f"/mypage/orders/{order.pk}/deliveries/{delivery.pk}/resend-failed/")

    assert response.status_code == 302
    assert Recipient.objects.get(delivery=delivery).status == Recipient.Status.QUEUED
