"""Contacts at rest: AES-GCM under the codes keyring's current key, bound to their own purpose.

A recipient's name, e-mail and mobile number are never stored in plaintext; the associated
data differs from the codes', so a contact blob cannot pass for a code or the reverse.
"""

from __future__ import annotations

from bizshop.codes.crypto import get_keyring

ASSOCIATED_DATA = b"bizshop:delivery-contact:v1"


def current_key_id() -> str:
    return get_keyring().current_key_id


def seal(value: str | None, *, key_id: str) -> bytes | None:
    """``value`` under the keyring's current key, which ``key_id`` (stored beside it) must name."""
    if value is None or value == "":
        return None
    sealed_under, blob = get_keyring().encrypt(value, associated_data=ASSOCIATED_DATA)
    assert sealed_under == key_id, "contacts are sealed under the current key"
    return blob


def unseal(blob: bytes | memoryview | None, *, key_id: str) -> str:
    if blob is None:
        return ""
    return get_keyring().decrypt(key_id, blob, associated_data=ASSOCIATED_DATA)


def mask_name(name: str) -> str:
    """홍길동 → 홍*동, 김철 → 김*, 남궁민수 → 남**수."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_phone(phone: str) -> str:
    """01012345678 → 010-****-5678."""
    if len(phone) < 8:
        return "*" * len(phone)
    return f"{phone[:3]}-****-{phone[-4:]}"


def mask_email(email: str) -> str:
    """hong@example.com → h***@example.com."""
    local, at, domain = email.partition("@")
    if not at:
        return "***"
    return f"{local[:1]}***@{domain}"
