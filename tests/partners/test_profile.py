"""GET /api/v1/partner/: the key's own partner profile."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.helpers.api import ApiClient


def test_profile_is_the_keys_partner(api: ApiClient, other_api: ApiClient) -> None:
    body = api.get("/api/v1/partner/").json()

    assert body["id"] == api.partner.pk
    assert body["business_registration_number"] == api.partner.business_registration_number
    assert body["status"] == "active"
