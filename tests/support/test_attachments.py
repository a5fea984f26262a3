"""Attachment rule: the type is read from the content and must agree with the extension; 5 MB and 3 files at most."""

from __future__ import annotations

import pytest

from bizshop.core.errors import ApplicationError
from bizshop.support.attachments import MAX_BYTES, attachment_check, attachments_check
from tests.helpers.uploads import image_bytes, phone_photo_bytes, png_bytes, upload, xlsx_bytes


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("screen.png", png_bytes(), "image/png"),
        ("photo.JPG", image_bytes("JPEG"), "image/jpeg"),
        ("photo.jpeg", image_bytes("JPEG"), "image/jpeg"),
        ("phone.jpg", phone_photo_bytes(), "image/jpeg"),
        ("anim.gif", image_bytes("GIF"), "image/gif"),
        ("견적서.pdf", b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n", "application/pdf"),
        ("log.txt", "결제 오류 로그\nline 2\n".encode(), "text/plain; charset=utf-8"),
        ("codes.csv", "일련번호,상태\nABC,issued\n".encode("cp949"), "text/csv; charset=utf-8"),
        ("orders.xlsx", xlsx_bytes(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_an_allowed_file_is_accepted_with_the_type_its_content_has(
    name: str, content: bytes, content_type: str
) -> None:
    checked = attachment_check(upload(name, content))

    assert (checked.name, checked.content_type, checked.size) == (name, content_type, len(content))


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("fake.png", b"this is not an image at all"),
        ("jpeg-named-png.png", image_bytes("JPEG")),
        ("truncated.png", png_bytes()[:40]),
        ("fake.pdf", b"<html>not a pdf</html>"),
        ("fake.xlsx", b"PK\x03\x04 broken zip"),
        ("binary.txt", b"\x00\x01\x02\xff\xfe"),
        ("empty.txt", b""),
    ],
)
def test_a_file_whose_content_does_not_match_its_extension_is_refused(name: str, content: bytes) -> None:
    with pytest.raises(ApplicationError) as refused:
        attachment_check(upload(name, content))

    assert refused.value.code == "attachment_content_mismatch"
    assert name in str(refused.value.message)


@pytest.mark.parametrize("name", ["setup.exe", "page.html", "script.svg", "archive.zip", "noextension"])
def test_a_file_type_not_on_the_list_is_refused(name: str) -> None:
    with pytest.raises(ApplicationError) as refused:
        attachment_check(upload(name, png_bytes()))

    assert refused.value.code == "attachment_type_not_allowed"


def test_a_file_over_5_mb_is_refused() -> None:
    with pytest.raises(ApplicationError) as refused:
        attachment_check(upload("big.txt", b"a" * (MAX_BYTES + 1)))

    assert refused.value.code == "attachment_too_large"
    assert "5MB" in str(refused.value.message)


def test_a_file_of_exactly_5_mb_is_accepted() -> None:
    assert attachment_check(upload("big.txt", b"a" * MAX_BYTES)).size == MAX_BYTES


def test_more_than_three_files_are_refused() -> None:
    with pytest.raises(ApplicationError) as refused:
        attachments_check([upload(f"{n}.png", png_bytes()) for n in range(4)])

    assert refused.value.code == "too_many_attachments"
