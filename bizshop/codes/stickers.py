"""The sticker set in the end user's hands: short-lived URLs signed for one user, and the checks that serve them.

A sticker's image is the product itself, so it is never public (the catalog shows only a preview of
thumbnails). Each URL names the registration, the sticker and the image variant (full or thumbnail),
and carries an expiry and an HMAC over the registration, the sticker, the expiry *and the user's id*:
another user (or a visitor) holding the link gets
403, a tampered or expired link 403, and once the registration's usage period is over every image of
the set is refused (사용기간 만료). Expiries are rounded up to a whole window, so the same page shown
twice within a window names the same URLs and the browser's cache answers the second time.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple, Protocol

from django.conf import settings
from django.urls import reverse
from django.utils.crypto import constant_time_compare

from bizshop.catalog.models import Sticker
from bizshop.codes import errors
from bizshop.codes.models import Registration

Variant = Literal["image", "thumb"]
VARIANTS: tuple[Variant, ...] = ("image", "thumb")
_SALT = "bizshop.codes.stickers.signed-url"


def url_window_seconds() -> int:
    return int(settings.STICKER_URL_SECONDS)


def signature_expiry(now: float) -> int:
    """When URLs signed at ``now`` stop working: the end of the window after next (so between one and
    two windows from now, and the same for every page shown within one window)."""
    window = url_window_seconds()
    return (math.floor(now / window) + 2) * window


@functools.lru_cache(maxsize=4)
def _signer(secret: str) -> Any:
    """An HMAC-SHA256 keyed for sticker URLs (the key derived from SECRET_KEY as Django's salted_hmac
    derives it), made once and copied per URL: a page signs hundreds of URLs."""
    return hmac.new(hashlib.sha256((_SALT + secret).encode()).digest(), digestmod=hashlib.sha256)


def _signature(*, user_id: int, registration_id: int, sticker_id: int, expires: int) -> str:
    # The variant (image or thumbnail) is not signed: the owner may have both, and one signature a
    # sticker halves what a page of hundreds of stickers spends on HMACs.
    mac = _signer(settings.SECRET_KEY).copy()
    mac.update(f"{user_id}:{registration_id}:{sticker_id}:{expires}".encode())
    return str(mac.hexdigest()[:32])


class SignedSticker(NamedTuple):
    """What the page and the API show of one sticker of the user's set (a tuple: a page makes hundreds)."""

    url: str
    thumbnail_url: str
    download_url: str
    width: int
    height: int
    animated: bool
    position: int


def sticker_url(
    *, user_id: int, registration_id: int, sticker_id: int, variant: Variant, expires: int, prefix: str | None = None
) -> str:
    """The signed URL; ``prefix`` is the path of 내 이모티콘, passed by callers signing many URLs so that
    reverse() runs once a page rather than once a URL (codes:my-sticker's pattern extends it)."""
    prefix = reverse("codes:my-emoticons") if prefix is None else prefix
    signature = _signature(user_id=user_id, registration_id=registration_id, sticker_id=sticker_id, expires=expires)
    return f"{prefix}{registration_id}/stickers/{sticker_id}/{variant}?expires={expires}&signature={signature}"


class StickerLike(Protocol):
    """A Sticker, or the selectors' StickerRow read as a tuple."""

    @property
    def pk(self) -> int: ...
    @property
    def width(self) -> int: ...
    @property
    def height(self) -> int: ...
    @property
    def animated(self) -> bool: ...


def signed_stickers(
    *, registration: Registration, stickers: Sequence[StickerLike], now: float | None = None
) -> list[SignedSticker]:
    """Signed URLs for the set of a registration still in use; none for a set past its usage period."""
    now = time.time() if now is None else now
    if registration.usage_expires_at.timestamp() <= now:
        return []
    expires = signature_expiry(now)
    base = f"{reverse('codes:my-emoticons')}{registration.pk}/stickers/"
    signed = []
    for number, sticker in enumerate(stickers, start=1):
        signature = _signature(
            user_id=registration.user_id, registration_id=registration.pk, sticker_id=sticker.pk, expires=expires
        )
        query = f"?expires={expires}&signature={signature}"
        image = f"{base}{sticker.pk}/image{query}"
        signed.append(
            SignedSticker(
                image,
                f"{base}{sticker.pk}/thumb{query}",
                f"{image}&download=1",
                sticker.width,
                sticker.height,
                sticker.animated,
                number,
            )
        )
    return signed


@dataclass(frozen=True)
class StickerFile:
    """A sticker image the requester may have: the storage name and the set's title, for a download's name."""

    name: str
    title: str
    position: int


def sticker_file_authorize(
    *,
    user_id: int | None,
    registration_id: int,
    sticker_id: int,
    variant: str,
    expires: str,
    signature: str,
    now: float | None = None,
) -> StickerFile:
    """Check a signed sticker URL for the requesting user; the file to serve, or the ApplicationError why not.

    The signature is checked before anything is read from the database, so a forged or stale link
    costs one HMAC. Then the registration must be the user's, the sticker of its emoticon, and its
    usage period not over.
    """
    now = time.time() if now is None else now
    if user_id is None:
        raise errors.STICKER_LINK_INVALID()
    if variant not in VARIANTS or not expires.isdigit() or len(expires) > 12:
        raise errors.STICKER_LINK_INVALID()
    expected = _signature(user_id=user_id, registration_id=registration_id, sticker_id=sticker_id, expires=int(expires))
    if not constant_time_compare(expected, signature):
        raise errors.STICKER_LINK_INVALID()
    if int(expires) <= now:
        raise errors.STICKER_LINK_EXPIRED()
    row = (
        Registration.objects.filter(pk=registration_id, user_id=user_id)
        .values_list("emoticon_id", "usage_expires_at", "emoticon__title")
        .first()
    )
    if row is None:
        raise errors.STICKER_NOT_FOUND()
    emoticon_id, usage_expires_at, title = row
    if usage_expires_at.timestamp() <= now:
        raise errors.USAGE_PERIOD_EXPIRED()
    sticker = (
        Sticker.objects.filter(pk=sticker_id, emoticon_id=emoticon_id)
        .values_list("file", "thumbnail", "position")
        .first()
    )
    if sticker is None:
        raise errors.STICKER_NOT_FOUND()
    file_name, thumbnail_name, position = sticker
    name = thumbnail_name if variant == "thumb" and thumbnail_name else file_name
    return StickerFile(name=name, title=title, position=position)
