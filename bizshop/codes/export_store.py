"""Export files at rest: encrypted with the code keyring, under random names, outside any served path.

A file is a run of segments, each ``nonce || AES-GCM(plaintext of up to 1 MiB)``, sealed with
the export's id, the segment's number and whether it is the last one as associated data: a
segment moved to another file or position, or a file cut short, does not decrypt. Segments
let a file of millions of codes be written and read back in constant memory.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

from bizshop.codes.crypto import NONCE_BYTES, Keyring

SEGMENT_BYTES = 1024 * 1024
TAG_BYTES = 16
_CONTEXT = b"bizshop:code-export:v1:"


def export_dir() -> Path:
    """The directory of export files: never under MEDIA_ROOT or STATIC_ROOT, readable by the shop's user only."""
    path = Path(settings.CODE_EXPORT_DIR)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def new_name() -> str:
    return f"{secrets.token_urlsafe(24)}.enc"


def path_of(stored_name: str) -> Path:
    if not stored_name or "/" in stored_name or stored_name.startswith("."):
        raise ValueError("not an export file name")
    return export_dir() / stored_name


def _associated_data(export_id: int, index: int, last: bool) -> bytes:
    return _CONTEXT + export_id.to_bytes(8, "big") + index.to_bytes(8, "big") + (b"\x01" if last else b"\x00")


def write(*, keyring: Keyring, export_id: int, stored_name: str, parts: Iterable[bytes]) -> int:
    """Encrypt ``parts`` into a new file of mode 0600 under the current key; returns the plaintext size."""
    aead = keyring.keys[keyring.current_key_id]
    fd = os.open(path_of(stored_name), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    size = 0
    index = 0
    buffer = bytearray()
    with os.fdopen(fd, "wb") as handle:

        def seal(segment: bytes, last: bool) -> None:
            nonce = os.urandom(NONCE_BYTES)
            handle.write(nonce + aead.encrypt(nonce, segment, _associated_data(export_id, index, last)))

        for part in parts:
            buffer += part
            size += len(part)
            while len(buffer) > SEGMENT_BYTES:  # keep at least one byte back: the last segment is sealed as last
                seal(bytes(buffer[:SEGMENT_BYTES]), last=False)
                del buffer[:SEGMENT_BYTES]
                index += 1
        seal(bytes(buffer), last=True)
    return size


def read(*, keyring: Keyring, key_id: str, export_id: int, stored_name: str) -> Iterator[bytes]:
    """The file's plaintext, a segment at a time."""
    aead = keyring.keys[key_id]
    record = NONCE_BYTES + SEGMENT_BYTES + TAG_BYTES
    with open(path_of(stored_name), "rb") as handle:
        yield from _decrypt(aead, handle, record, export_id)


def _decrypt(aead: AESGCM, handle: IO[bytes], record: int, export_id: int) -> Iterator[bytes]:
    current = handle.read(record)
    index = 0
    while True:
        following = handle.read(record)
        last = not following
        yield aead.decrypt(current[:NONCE_BYTES], current[NONCE_BYTES:], _associated_data(export_id, index, last))
        if last:
            return
        current = following
        index += 1


def delete(stored_name: str) -> None:
    if stored_name:
        path_of(stored_name).unlink(missing_ok=True)
