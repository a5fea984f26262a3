"""Uploaded emoticon images: checked to be real images with Pillow, and their thumbnails."""

from __future__ import annotations

import io
from typing import IO, Any

from django.core.files.base import ContentFile
from PIL import Image, UnidentifiedImageError

from bizshop.catalog import errors

ALLOWED_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}
MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 4096  # also keeps decompression bombs out: 4096² pixels at most
THUMBNAIL_SIZE = (240, 240)


def image_validate(upload: IO[bytes] | Any) -> tuple[str, tuple[int, int]]:
    """The image's format and size, or ``invalid_image`` when Pillow cannot read it as an allowed image."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise errors.INVALID_IMAGE(reason="too_large", max_bytes=MAX_BYTES)
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image_format = image.format or ""
            dimensions = image.size
            if image_format not in ALLOWED_FORMATS:
                raise errors.INVALID_IMAGE(reason="format", format=image_format)
            if max(dimensions) > MAX_SIDE:
                raise errors.INVALID_IMAGE(reason="too_many_pixels", max_side=MAX_SIDE)
            image.verify()  # reads the whole file: a truncated or corrupt image fails here
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise errors.INVALID_IMAGE(reason="unreadable") from exc
    finally:
        upload.seek(0)
    return image_format, dimensions


def thumbnail_make(upload: IO[bytes] | Any, *, name: str) -> ContentFile[bytes]:
    """A PNG thumbnail fitting THUMBNAIL_SIZE, aspect ratio kept (first frame of an animated image)."""
    upload.seek(0)
    with Image.open(upload) as image:
        image.seek(0)
        frame = image.convert("RGBA")
        frame.thumbnail(THUMBNAIL_SIZE, Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        frame.save(buffer, format="PNG", optimize=True)
    upload.seek(0)
    stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0] or "image"
    return ContentFile(buffer.getvalue(), name=f"{stem}-thumb.png")
