"""Codes at rest: AES-GCM ciphertext under a rotatable keyring plus an HMAC-SHA256 blind index.

The blind index lets us find a code by what the end user typed without storing it in
plaintext; the ciphertext lets the partner download its codes again.
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

NONCE_BYTES = 12
# Binds each ciphertext to its purpose: a blob copied to another kind of record will not decrypt.
ASSOCIATED_DATA = b"bizshop:serial-code:v1"


@dataclass(frozen=True)
class Keyring:
    keys: dict[str, AESGCM]
    current_key_id: str
    lookup_key: bytes

    def encrypt(self, code: str) -> tuple[str, bytes]:
        nonce = os.urandom(NONCE_BYTES)
        return self.current_key_id, nonce + self.keys[self.current_key_id].encrypt(
            nonce, code.encode(), ASSOCIATED_DATA
        )

    def decrypt(self, key_id: str, blob: bytes | memoryview) -> str:
        blob = bytes(blob)
        return self.keys[key_id].decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], ASSOCIATED_DATA).decode()

    def blind_index(self, code: str) -> bytes:
        return hmac.new(self.lookup_key, code.encode(), hashlib.sha256).digest()


def _decode_key(text: str, what: str) -> bytes:
    try:
        key = base64.b64decode(text, validate=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{what} is not valid base64") from exc
    if len(key) != 32:
        raise ImproperlyConfigured(f"{what} must be 32 bytes (base64 of 32 random bytes)")
    return key


def parse_keyring(encryption_keys: str, lookup_key: str) -> Keyring:
    """``encryption_keys`` is ``"id:base64,id:base64"``; the last one encrypts new codes."""
    keys: dict[str, AESGCM] = {}
    current = ""
    for item in filter(None, (part.strip() for part in encryption_keys.split(","))):
        key_id, _, encoded = item.partition(":")
        if not key_id or len(key_id) > 8 or not encoded:
            raise ImproperlyConfigured("CODE_ENCRYPTION_KEYS entries look like id:base64key (id up to 8 chars)")
        keys[key_id] = AESGCM(_decode_key(encoded, f"CODE_ENCRYPTION_KEYS[{key_id}]"))
        current = key_id
    if not keys:
        raise ImproperlyConfigured("CODE_ENCRYPTION_KEYS is empty")
    return Keyring(keys=keys, current_key_id=current, lookup_key=_decode_key(lookup_key, "CODE_LOOKUP_KEY"))


@cache
def _keyring(encryption_keys: str, lookup_key: str) -> Keyring:
    return parse_keyring(encryption_keys, lookup_key)


def get_keyring() -> Keyring:
    return _keyring(settings.CODE_ENCRYPTION_KEYS, settings.CODE_LOOKUP_KEY)
