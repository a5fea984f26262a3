"""Every API error has the same body: {"error": {"code", "message", "details"}} with a Korean message."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.test import Client

if TYPE_CHECKING:
    from bizshop.catalog.models import Emoticon
    from tests.helpers.api import ApiClient

HANGUL = re.compile(r"[가-힣]")


def test_an_application_error_has_code_korean_message_and_details(api: ApiClient, emoticon: Emoticon) -> None:
    response = api.post("/api/v1/orders/", {"emoticon_id": emoticon.pk, "period_days": 45, "quantity": 100})

    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == "invalid_period"
    assert HANGUL.search(body["error"]["message"])
    assert body["error"]["details"] == {"period_days": 45}


def test_a_missing_field_is_invalid_request_naming_the_field(api: ApiClient, emoticon: Emoticon) -> None:
    response = api.post("/api/v1/orders/", {"emoticon_id": emoticon.pk, "period_days": 30})

    assert (response.status_code, response.json()["error"]["code"]) == (422, "invalid_request")
    assert set(response.json()["error"]["details"]["fields"]) == {"quantity"}


def test_an_authentication_error_has_the_same_shape(db: None) -> None:
    body = Client().get("/api/v1/orders/").json()

    assert set(body["error"]) == {"code", "message", "details"}
    assert HANGUL.search(body["error"]["message"])
