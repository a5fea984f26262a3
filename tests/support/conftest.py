"""Customer center fixtures: partner members (ours and another partner's), operators, files to upload."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from bizshop.partners.models import Member
from bizshop.support.models import Inquiry
from bizshop.support.services import inquiry_create
from tests.backoffice.conftest import make_operator, operator_client
from tests.portal.conftest import member, member_client, other_member_client

__all__ = ["make_operator", "member", "member_client", "operator_client", "other_member_client"]


@pytest.fixture(autouse=True)
def attachment_root(settings: Any, tmp_path: Path) -> Path:
    """Where inquiry files are stored (private, outside MEDIA_ROOT), a directory of the test's."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SUPPORT_ATTACHMENT_DIR = tmp_path / "support-attachments"
    return settings.SUPPORT_ATTACHMENT_DIR  # type: ignore[no-any-return]


def png_bytes(size: tuple[int, int] = (8, 8)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (254, 229, 0)).save(buffer, format="PNG")
    return buffer.getvalue()


def image_bytes(image_format: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (60, 30, 30)).save(buffer, format=image_format)
    return buffer.getvalue()


def phone_photo_bytes() -> bytes:
    """A multi-picture JPEG (MPO), as many phone cameras write."""
    buffer = io.BytesIO()
    first, second = Image.new("RGB", (4, 4), (60, 30, 30)), Image.new("RGB", (4, 4), (9, 9, 9))
    first.save(buffer, format="MPO", save_all=True, append_images=[second])
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


@pytest.fixture
def inquiry(member: Member) -> Inquiry:
    """Partner A's inquiry (the ``member`` fixture's company) with one screenshot attached."""
    return inquiry_create(
        partner=member.partner,
        user=member.user,
        category="payment",
        title="A사의 환불 문의",
        body="주문 #12 환불이 가능한가요?",
        files=[upload("screen.png", png_bytes())],
    )
