"""Inquiry attachments: the type is decided by the file's content, and must agree with its extension.

Images are opened and verified with Pillow, PDFs must start with the ``%PDF-`` signature, XLSX
workbooks must be a ZIP holding a workbook part, and text files (TXT, CSV) must decode as
UTF-8 or CP949 (what Korean Excel writes) with no NUL bytes. Anything else is refused.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Any

from PIL import Image, UnidentifiedImageError

from bizshop.core.errors import ApplicationError, ErrorCode
from bizshop.support import errors

MAX_BYTES = 5 * 1024 * 1024
MAX_FILES = 3
MAX_IMAGE_PIXELS = 8192 * 8192  # larger is a decompression bomb, not a screenshot

# extension → (what the content must be, the content type we serve it with)
ALLOWED: dict[str, tuple[str, str]] = {
    "png": ("PNG", "image/png"),
    "jpg": ("JPEG", "image/jpeg"),
    "jpeg": ("JPEG", "image/jpeg"),
    "gif": ("GIF", "image/gif"),
    "pdf": ("PDF", "application/pdf"),
    "txt": ("TEXT", "text/plain; charset=utf-8"),
    "csv": ("TEXT", "text/csv; charset=utf-8"),
    "xlsx": ("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}
ACCEPT = ",".join(f".{extension}" for extension in ALLOWED)


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content_type: str
    size: int


def _refuse(error: ErrorCode, **details: Any) -> ApplicationError:
    return error(error.message % details, **details)


def _extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _size_of(upload: IO[bytes] | Any) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    return int(size)


def _is_image(upload: IO[bytes] | Any, expected_format: str) -> bool:
    try:
        with Image.open(upload) as image:
            # Many phone cameras write MPO: a JPEG with further frames after the first.
            actual_format = "JPEG" if image.format == "MPO" else image.format
            if actual_format != expected_format:
                return False
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                return False
            image.verify()  # reads the whole file: truncated or corrupt images fail here
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return False
    return True


def _is_pdf(upload: IO[bytes] | Any) -> bool:
    return bytes(upload.read(5)) == b"%PDF-"


def _is_xlsx(upload: IO[bytes] | Any) -> bool:
    # Only the ZIP directory is read, nothing is decompressed.
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return "[Content_Types].xml" in names and "xl/workbook.xml" in names


def _is_text(upload: IO[bytes] | Any) -> bool:
    data = bytes(upload.read())
    if b"\x00" in data:
        return False
    for encoding in ("utf-8-sig", "cp949"):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False


def _content_matches(upload: IO[bytes] | Any, kind: str) -> bool:
    upload.seek(0)
    try:
        if kind == "PDF":
            return _is_pdf(upload)
        if kind == "XLSX":
            return _is_xlsx(upload)
        if kind == "TEXT":
            return _is_text(upload)
        return _is_image(upload, kind)
    finally:
        upload.seek(0)


def attachment_check(upload: IO[bytes] | Any) -> CheckedFile:
    """One uploaded file, checked by size, extension and content; refused with the file's name in the message."""
    name = str(getattr(upload, "name", "") or "file").rsplit("/", 1)[-1][:200]
    size = _size_of(upload)
    if size > MAX_BYTES:
        raise _refuse(errors.ATTACHMENT_TOO_LARGE, name=name, max_mb=MAX_BYTES // (1024 * 1024))
    extension = _extension(name)
    if extension not in ALLOWED:
        raise _refuse(errors.ATTACHMENT_TYPE_NOT_ALLOWED, name=name)
    kind, content_type = ALLOWED[extension]
    if size == 0 or not _content_matches(upload, kind):
        raise _refuse(errors.ATTACHMENT_CONTENT_MISMATCH, name=name, extension=extension.upper())
    return CheckedFile(name=name, content_type=content_type, size=size)


def attachments_check(uploads: Sequence[IO[bytes] | Any]) -> list[CheckedFile]:
    """Every file of one inquiry: at most MAX_FILES, each allowed."""
    if len(uploads) > MAX_FILES:
        raise _refuse(errors.TOO_MANY_ATTACHMENTS, max=MAX_FILES)
    return [attachment_check(upload) for upload in uploads]
