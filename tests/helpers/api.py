"""A partner's API client for tests: Django's test client speaking JSON with the partner's API key."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.test import Client

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

    from bizshop.partners.models import Partner


class ApiClient:
    """Django's test client speaking JSON with a partner's API key."""

    def __init__(self, partner: Partner, raw_key: str):
        self.partner = partner
        self.raw_key = raw_key
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {raw_key}")

    # ``extra`` is whatever Django's test client takes (headers as HTTP_* keys, follow, ...): any value.
    def get(self, path: str, **extra: Any) -> Response:
        return self.client.get(path, **extra)

    # ``data`` is the JSON body: any JSON value (a dict, a list, a string for a malformed body).
    def post(self, path: str, data: Any = None, **extra: Any) -> Response:
        return self.client.post(path, data=data or {}, content_type="application/json", **extra)
