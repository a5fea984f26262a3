"""1:1 문의 pages: a partner member asks with files; bad files are refused next to the field, nothing saved;
each partner sees only its own inquiries and files."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from bizshop.partners.models import Member
from bizshop.support.attachments import MAX_BYTES
from bizshop.support.models import Inquiry, InquiryAttachment
from bizshop.support.services import inquiry_create
from tests.factories import UserFactory
from tests.helpers.uploads import png_bytes, stored_files, upload

pytestmark = pytest.mark.django_db

NEW = "/support/inquiries/new/"
ATTACHMENTS_FIELD_ERROR = re.compile(
    r'<div class="field has-error">\s*<label for="id_attachments">.*?<div class="field-error" id="id_attachments_error"'
    r' role="alert">(.*?)</div>',
    re.S,
)


def form(**changes: Any) -> dict[str, Any]:
    return {"category": "payment", "title": "환불 문의", "body": "주문 #12 환불이 가능한가요?", **changes}


def attachments_error(response: Any) -> str:
    found = ATTACHMENTS_FIELD_ERROR.search(response.content.decode())
    assert found, "no error next to the attachments field"
    return found.group(1)


def test_the_inquiry_pages_need_a_signed_in_partner_member(client: Client) -> None:
    anonymous = client.get("/support/inquiries/")
    client.force_login(UserFactory())  # an end user, not a partner member
    end_user = client.get("/support/inquiries/")

    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous.url
    assert end_user.status_code == 404


def test_a_member_sends_an_inquiry_with_an_image_and_sees_it_with_its_file(
    member: Member, member_client: Client, attachment_root: Path
) -> None:
    content = png_bytes()

    response = member_client.post(NEW, form(attachments=[upload("오류화면.png", content, "image/png")]))

    inquiry = Inquiry.objects.get()
    assert response.status_code == 302 and response.url == f"/support/inquiries/{inquiry.pk}/"
    assert (inquiry.partner, inquiry.created_by, inquiry.status) == (member.partner, member.user, "waiting")
    attachment = inquiry.attachments.get()
    assert (attachment.original_name, attachment.content_type, attachment.size) == (
        "오류화면.png",
        "image/png",
        len(content),
    )
    assert "오류화면" not in attachment.file.name  # stored under a random name
    page = member_client.get(response.url).content.decode()
    assert "환불 문의" in page and "답변대기" in page and "오류화면.png" in page
    download = member_client.get(f"/support/inquiries/{inquiry.pk}/attachments/{attachment.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content
    assert download["Content-Type"] == "image/png"
    assert download["Content-Disposition"].startswith("attachment;")


def test_a_member_may_send_up_to_three_files_at_once(member_client: Client) -> None:
    files = [upload(f"{n}.png", png_bytes()) for n in range(3)]

    member_client.post(NEW, form(attachments=files))

    assert InquiryAttachment.objects.count() == 3


def test_an_inquiry_without_files_is_accepted(member_client: Client) -> None:
    response = member_client.post(NEW, form())

    assert response.status_code == 302
    assert Inquiry.objects.get().attachments.count() == 0


@pytest.mark.parametrize(
    ("attachment", "message"),
    [
        (upload("screenshot.png", b"GIF89a? no, plain text pretending", "image/png"), "파일 내용이 확장자(PNG)와 맞지"),
        (upload("huge.pdf", b"%PDF-1.7\n" + b"0" * MAX_BYTES, "application/pdf"), "5MB까지"),
        (upload("virus.exe", b"MZ\x90\x00", "application/octet-stream"), "올릴 수 없는 파일 형식"),
    ],
    ids=["fake-image", "oversized", "wrong-type"],
)
def test_a_bad_file_is_refused_next_to_its_field_and_nothing_is_saved(
    member_client: Client, attachment_root: Path, attachment: Any, message: str
) -> None:
    response = member_client.post(NEW, form(attachments=[upload("ok.png", png_bytes()), attachment]))

    assert response.status_code == 200
    error = attachments_error(response)
    assert message in error and attachment.name in error
    assert Inquiry.objects.count() == 0 and InquiryAttachment.objects.count() == 0
    assert stored_files(attachment_root) == []
    assert 'value="환불 문의"' in response.content.decode()  # what was typed stays


def test_four_files_are_refused_next_to_the_field(member_client: Client, attachment_root: Path) -> None:
    response = member_client.post(NEW, form(attachments=[upload(f"{n}.png", png_bytes()) for n in range(4)]))

    assert "3개까지" in attachments_error(response)
    assert Inquiry.objects.count() == 0 and stored_files(attachment_root) == []


def test_a_missing_title_is_shown_next_to_the_title(member_client: Client) -> None:
    response = member_client.post(NEW, form(title=""))

    assert re.search(r'id="id_title_error" role="alert">.*?<p>', response.content.decode(), re.S)
    assert Inquiry.objects.count() == 0


def test_the_list_shows_every_inquiry_of_the_members_company_only(
    member: Member, member_client: Client, inquiry: Inquiry, other_member_client: Client
) -> None:
    colleague = Member.objects.create(user=UserFactory(), partner=member.partner, role=Member.Role.MEMBER)
    inquiry_create(partner=member.partner, user=colleague.user, category="product", title="동료의 문의", body="내용")

    ours = member_client.get("/support/inquiries/").content.decode()
    theirs = other_member_client.get("/support/inquiries/").content.decode()

    assert "A사의 환불 문의" in ours and "동료의 문의" in ours
    assert "A사의 환불 문의" not in theirs and "동료의 문의" not in theirs


def test_another_partner_gets_404_on_the_inquiry_and_its_file(inquiry: Inquiry, other_member_client: Client) -> None:
    attachment = inquiry.attachments.get()

    page = other_member_client.get(f"/support/inquiries/{inquiry.pk}/")
    download = other_member_client.get(f"/support/inquiries/{inquiry.pk}/attachments/{attachment.pk}/")
    missing = other_member_client.get(f"/support/inquiries/{inquiry.pk + 1000}/")

    assert page.status_code == download.status_code == missing.status_code == 404
    assert "A사의 환불 문의".encode() not in page.content + download.content


def test_a_file_is_only_reachable_under_its_own_inquiry(
    member: Member, member_client: Client, inquiry: Inquiry
) -> None:
    second = inquiry_create(partner=member.partner, user=member.user, category="other", title="두 번째", body="내용")
    attachment = inquiry.attachments.get()

    response = member_client.get(f"/support/inquiries/{second.pk}/attachments/{attachment.pk}/")

    assert response.status_code == 404
