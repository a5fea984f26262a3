"""GET /api/v1/partner/: the key's own partner profile."""

from __future__ import annotations

from typing import Any


def test_profile_is_the_keys_partner(api: Any, other_api: Any) -> None:
    body = api.get("/api/v1/partner/").json()

    assert body["id"] == api.partner.pk
    assert body["business_registration_number"] == api.partner.business_registration_number
    assert body["status"] == "active"
