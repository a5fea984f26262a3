"""Webhook secrets and delivery payloads at rest: AES-GCM under the code keyring's keys.

The keyring (``bizshop.codes.crypto``) is the shop's one set of data keys, configured, kept and
rotated in one place. Each purpose has its own associated data, so a blob copied from one kind
of record to another (a payload into a secret, a code into a payload) does not decrypt.
"""

from __future__ import annotations

import os

from bizshop.codes.crypto import NONCE_BYTES, get_keyring

SECRET = b"bizshop:webhook-secret:v1"
PAYLOAD = b"bizshop:webhook-payload:v1"


def seal(text: str, *, purpose: bytes) -> tuple[str, bytes]:
    """``text`` encrypted under the keyring's current key: ``(key id, nonce + ciphertext)``."""
    keyring = get_keyring()
    nonce = os.urandom(NONCE_BYTES)
    return keyring.current_key_id, nonce + keyring.keys[keyring.current_key_id].encrypt(nonce, text.encode(), purpose)


def unseal(key_id: str, blob: bytes | memoryview, *, purpose: bytes) -> str:
    """The text sealed for ``purpose``; KeyError for a key the keyring no longer holds,
    cryptography's InvalidTag for a blob of another purpose or key."""
    blob = bytes(blob)
    return get_keyring().keys[key_id].decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], purpose).decode()
