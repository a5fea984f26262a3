"""Emoticon images: each upload checked by content with Pillow, named by its content hash, thumbnailed in WebP."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from typing import IO, Any

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from PIL import Image, UnidentifiedImageError

from bizshop.catalog import errors

STICKER_FORMATS = {"PNG": "png", "WEBP": "webp", "GIF": "gif"}
REPRESENTATIVE_FORMATS = {"PNG": "png"}  # partners download it unmodified, as a PNG
MAX_BYTES = 2 * 1024 * 1024
MIN_SIDE = 360
MAX_SIDE = 2048  # also keeps decompression bombs out: 2048² pixels a frame at most
MAX_FRAMES = 24
STICKERS_MIN, STICKERS_MAX = 8, 32
PREVIEW_STICKERS = 4
THUMBNAIL_SIZE = (240, 240)
CONTENT_TYPES = {"png": "image/png", "webp": "image/webp", "gif": "image/gif"}


@dataclass(frozen=True)
class CheckedImage:
    """What Pillow read from an upload that passed every rule."""

    extension: str
    width: int
    height: int
    frame_count: int

    @property
    def animated(self) -> bool:
        return self.frame_count > 1


def image_validate(upload: IO[bytes] | Any, *, formats: dict[str, str] = STICKER_FORMATS) -> CheckedImage:
    """Read an upload by its content (never its name) and check it against the shop's image rules.

    The size is checked before Pillow decodes anything; the sides before any frame is decoded.
    Raises the rule's own ErrorCode with a Korean message an operator can act on.
    """
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
    if size > MAX_BYTES:
        raise errors.IMAGE_TOO_LARGE(size=size, max_bytes=MAX_BYTES)
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image_format = image.format or ""
            if image_format not in formats:
                if formats is REPRESENTATIVE_FORMATS and image_format in STICKER_FORMATS:
                    raise errors.REPRESENTATIVE_IMAGE_NOT_PNG(format=image_format)
                raise errors.IMAGE_TYPE_NOT_ALLOWED(format=image_format)
            width, height = image.size
            if width != height:
                raise errors.IMAGE_NOT_SQUARE(width=width, height=height)
            if width < MIN_SIDE:
                raise errors.IMAGE_TOO_SMALL(width=width, min_side=MIN_SIDE)
            if width > MAX_SIDE:
                raise errors.IMAGE_TOO_BIG_SIDES(width=width, max_side=MAX_SIDE)
            frame_count = int(getattr(image, "n_frames", 1))
            if frame_count > MAX_FRAMES:
                raise errors.IMAGE_TOO_MANY_FRAMES(frame_count=frame_count, max_frames=MAX_FRAMES)
            if formats is REPRESENTATIVE_FORMATS and frame_count > 1:
                raise errors.REPRESENTATIVE_IMAGE_NOT_PNG(format="APNG")
            image.verify()  # reads the whole file: a truncated or corrupt image fails here
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError) as exc:
        raise errors.IMAGE_TYPE_NOT_ALLOWED(format="unreadable") from exc
    finally:
        upload.seek(0)
    return CheckedImage(extension=formats[image_format], width=width, height=height, frame_count=frame_count)


def content_name(upload: IO[bytes] | Any, extension: str) -> str:
    """The file's name: its SHA-256 and extension, so a URL names exactly one content and may be cached forever."""
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: upload.read(64 * 1024), b""):
        digest.update(chunk)
    upload.seek(0)
    return f"{digest.hexdigest()}.{extension}"


def thumbnail_make(upload: IO[bytes] | Any) -> ContentFile[bytes]:
    """A WebP thumbnail fitting THUMBNAIL_SIZE (first frame of an animated image), named by its content hash."""
    upload.seek(0)
    with Image.open(upload) as image:
        image.seek(0)
        frame = image.convert("RGBA")
        frame.thumbnail(THUMBNAIL_SIZE, Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        frame.save(buffer, format="WEBP", quality=85)
    upload.seek(0)
    data = buffer.getvalue()
    return ContentFile(data, name=f"{hashlib.sha256(data).hexdigest()}.webp")


class ContentAddressedStorage(FileSystemStorage):
    """MEDIA_ROOT storage where a name is a content hash: the same name is the same bytes, written once."""

    def __init__(self, **kwargs: Any) -> None:
        # Two uploads of the same bytes at once write the same bytes: overwriting is harmless, and
        # the default (a random suffix) would break the name-is-the-content rule.
        super().__init__(allow_overwrite=True, **kwargs)

    def _save(self, name: str, content: Any) -> str:
        if self.exists(name):
            return name
        saved: str = super()._save(name, content)  # type: ignore[misc]
        return saved


def image_storage() -> ContentAddressedStorage:
    """The storage of every emoticon image field (a callable, so tests' MEDIA_ROOT applies)."""
    return ContentAddressedStorage()
