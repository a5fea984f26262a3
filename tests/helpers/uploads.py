"""Files to upload (customer center attachments), made in memory, and the files a test stored."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


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
