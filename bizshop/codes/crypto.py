"""Codes at rest: AES-GCM ciphertext under a rotatable keyring plus an HMAC-SHA256 blind index.

The blind index lets us find a code by what the end user typed without storing it in
plaintext; the ciphertext lets the partner download its codes again.

The blind index is 2 bytes of the HMAC of the code's bucket (``format.BUCKET_POSITIONS``, shared
by a batch of codes written together) followed by 30 bytes of the HMAC of the code. A batch's
index entries therefore sit together in the unique B-tree: with 50 million codes stored, writing
a million new ones touched (and wrote to the WAL in full) 885,506 pages when every entry landed
at a random place, against a few thousand now (bench/scale_50m.py). Codes stored before this
carry the plain 32-byte HMAC (``legacy_blind_index``); lookups try both, and a lookup-key
rotation rewrites every code in the bucketed form.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass
from functools import cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from bizshop.codes import format as code_format

NONCE_BYTES = 12
# Binds each ciphertext to its purpose: a blob copied to another kind of record will not decrypt.
ASSOCIATED_DATA = b"bizshop:serial-code:v1"
KEY_ID_CONTEXT = b"bizshop:code-key-id:v1:"
KEY_ID_LENGTH = 16
BUCKET_CONTEXT = b"bizshop:code-bucket:v1:"
BUCKET_PREFIX_BYTES = 2


def bucket_prefix(key: bytes, bucket: bytes) -> bytes:
    """The first bytes of the blind index of every code in ``bucket``."""
    return hmac.digest(key, BUCKET_CONTEXT + bucket, "sha256")[:BUCKET_PREFIX_BYTES]


def bucketed_index(key: bytes, code: bytes) -> bytes:
    """The blind index of a canonical code under ``key``: its bucket's prefix, then its own HMAC."""
    return bucket_prefix(key, code_format.bucket_of(code)) + hmac.digest(key, code, "sha256")[BUCKET_PREFIX_BYTES:]


@dataclass(frozen=True)
class Keyring:
    keys: dict[str, AESGCM]
    current_key_id: str
    lookup_key: bytes
    # Rotating the blind-index key (a dual index, see rotation.py): the key being moved to, set
    # while ``blind_index_next`` is filled; then the key moved from, set while the new index is
    # copied into ``blind_index``.
    next_lookup_key: bytes | None = None
    previous_lookup_key: bytes | None = None

    @property
    def mirror_lookup_key(self) -> bytes | None:
        """The key of ``blind_index_next`` for new codes: the next key, or the current one while the
        previous one is still in ``blind_index`` of older codes (so the unique index covers both)."""
        if self.next_lookup_key is not None:
            return self.next_lookup_key
        return self.lookup_key if self.previous_lookup_key is not None else None

    @property
    def lookup_reads_next_index(self) -> bool:
        """True in the rotation's second half: every code has the current key's HMAC in
        ``blind_index_next`` (filled, then written with each new code), not yet all in ``blind_index``."""
        return self.previous_lookup_key is not None

    def encrypt(self, text: str, *, associated_data: bytes = ASSOCIATED_DATA) -> tuple[str, bytes]:
        """``text`` under the current key: (its key id, nonce + AES-GCM ciphertext). Another purpose
        than a code (e.g. a delivery's contacts) passes its own ``associated_data``."""
        nonce = os.urandom(NONCE_BYTES)
        return self.current_key_id, nonce + self.keys[self.current_key_id].encrypt(
            nonce, text.encode(), associated_data
        )

    def decrypt(self, key_id: str, blob: bytes | memoryview, *, associated_data: bytes = ASSOCIATED_DATA) -> str:
        blob = bytes(blob)
        return self.keys[key_id].decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], associated_data).decode()

    def blind_index(self, code: str) -> bytes:
        return bucketed_index(self.lookup_key, code.encode())

    def legacy_blind_index(self, code: str) -> bytes:
        """The index of a code stored before blind indexes were bucketed (found by lookups only)."""
        return hmac.new(self.lookup_key, code.encode(), hashlib.sha256).digest()

    def mirror_index(self, code: str) -> bytes | None:
        key = self.mirror_lookup_key
        return None if key is None else bucketed_index(key, code.encode())


def _decode_key(text: str, what: str) -> bytes:
    try:
        key = base64.b64decode(text, validate=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{what} is not valid base64") from exc
    if len(key) != 32:
        raise ImproperlyConfigured(f"{what} must be 32 bytes (base64 of 32 random bytes)")
    return key


def key_fingerprint(key: bytes) -> str:
    """A key's id: derived from the key itself, so two different keys never share one (64 bits)."""
    return hashlib.sha256(KEY_ID_CONTEXT + key).hexdigest()[:KEY_ID_LENGTH]


def parse_keyring(
    encryption_keys: str, lookup_key: str, next_lookup_key: str = "", previous_lookup_key: str = ""
) -> Keyring:
    """``encryption_keys`` is ``"base64,base64"``; the last one encrypts new codes.

    Each key is known by its fingerprint (``key_fingerprint``), which new codes store. An
    entry may carry a label, ``"k1:base64"``: the codes stored under that label before key ids
    were fingerprints decrypt with it too (until a rotation moves them to the fingerprint).
    """
    keys: dict[str, AESGCM] = {}
    current = ""
    for item in filter(None, (part.strip() for part in encryption_keys.split(","))):
        label, _, encoded = item.rpartition(":")  # base64 has no ':'
        if ":" in item and (not label or len(label) > 8):
            raise ImproperlyConfigured(
                "CODE_ENCRYPTION_KEYS entries look like base64key or label:base64key (label up to 8 chars)"
            )
        key = _decode_key(encoded, f"CODE_ENCRYPTION_KEYS[{label or len(keys)}]")
        aead = AESGCM(key)
        current = key_fingerprint(key)
        for key_id in filter(None, (current, label)):
            if key_id in keys:
                raise ImproperlyConfigured(f"CODE_ENCRYPTION_KEYS names {key_id!r} twice")
            keys[key_id] = aead
    if not keys:
        raise ImproperlyConfigured("CODE_ENCRYPTION_KEYS is empty")
    if next_lookup_key and previous_lookup_key:
        raise ImproperlyConfigured("CODE_LOOKUP_KEY_NEXT and CODE_LOOKUP_KEY_PREVIOUS: one rotation step at a time")
    return Keyring(
        keys=keys,
        current_key_id=current,
        lookup_key=_decode_key(lookup_key, "CODE_LOOKUP_KEY"),
        next_lookup_key=_decode_key(next_lookup_key, "CODE_LOOKUP_KEY_NEXT") if next_lookup_key else None,
        previous_lookup_key=(
            _decode_key(previous_lookup_key, "CODE_LOOKUP_KEY_PREVIOUS") if previous_lookup_key else None
        ),
    )


@cache
def _keyring(encryption_keys: str, lookup_key: str, next_lookup_key: str, previous_lookup_key: str) -> Keyring:
    return parse_keyring(encryption_keys, lookup_key, next_lookup_key, previous_lookup_key)


def get_keyring() -> Keyring:
    return _keyring(
        settings.CODE_ENCRYPTION_KEYS,
        settings.CODE_LOOKUP_KEY,
        settings.CODE_LOOKUP_KEY_NEXT,
        settings.CODE_LOOKUP_KEY_PREVIOUS,
    )
