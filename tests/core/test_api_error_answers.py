"""Every answer under /api/ is JSON, the errors Django or the parser would answer in HTML included."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client

from bizshop.billing.models import Order

if TYPE_CHECKING:
    from pytest_django import Settings

    from bizshop.catalog.models import Emoticon
    from tests.helpers.api import ApiClient


def error_of(response: Any) -> tuple[int, str]:
    assert response["Content-Type"] == "application/json", response.content[:200]
    body = json.loads(response.content)
    assert set(body["error"]) == {"code", "message", "details"}
    return response.status_code, body["error"]["code"]


def order_body(emoticon: Emoticon, **extra: Any) -> dict[str, Any]:
    return {"emoticon_id": emoticon.pk, "period_days": 30, "quantity": 100, **extra}


def test_a_3_mb_body_is_payload_too_large(api: ApiClient, emoticon: Emoticon) -> None:
    body = json.dumps(order_body(emoticon, note="x" * 3_000_000))

    response = api.client.post("/api/v1/orders/", data=body, content_type="application/json")

    assert error_of(response) == (413, "payload_too_large")
    assert not Order.objects.exists()


def test_a_3_mb_body_with_an_idempotency_key_is_payload_too_large(api: ApiClient, emoticon: Emoticon) -> None:
    body = json.dumps(order_body(emoticon, note="x" * 3_000_000))

    response = api.client.post(
        "/api/v1/orders/", data=body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="big-1"
    )

    assert error_of(response) == (413, "payload_too_large")


def test_a_body_that_is_not_json_is_malformed_json(api: ApiClient) -> None:
    response = api.client.post("/api/v1/orders/", data="{not json", content_type="application/json")

    assert error_of(response) == (400, "malformed_json")


def test_json_nested_2000_deep_is_malformed_json(api: ApiClient) -> None:
    response = api.client.post("/api/v1/orders/", data="[" * 2000 + "]" * 2000, content_type="application/json")

    assert error_of(response) == (400, "malformed_json")


def test_json_nested_2000_deep_with_an_idempotency_key_is_malformed_json(api: ApiClient) -> None:
    body = '{"emoticon_id": ' + "[" * 2000 + "]" * 2000 + "}"

    response = api.client.post("/api/v1/orders/", data=body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k")

    assert error_of(response) == (400, "malformed_json")


@pytest.mark.parametrize(
    "path",
    ["/api/v1/no-such-thing/", "/api/v1/orders/-1/", "/api/v1/orders/abc/", "/api/v1/orders/1/nothing/", "/api/v2/"],
)
def test_an_unknown_api_route_is_not_found(api: ApiClient, path: str) -> None:
    assert error_of(api.get(path)) == (404, "not_found")
    assert error_of(api.post(path, {})) == (404, "not_found")


def test_an_unknown_api_route_is_not_found_without_a_key_too(db: None) -> None:
    assert error_of(Client().get("/api/v1/orders/-1/")) == (404, "not_found")


def test_an_unknown_api_route_is_json_under_debug_too(api: ApiClient, settings: Settings) -> None:
    settings.DEBUG = True

    assert error_of(api.get("/api/v1/no-such-thing/")) == (404, "not_found")


def test_a_missing_page_of_the_portal_stays_a_page(db: None) -> None:
    response = Client().get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_form_encoded_body_is_unsupported_media_type(api: ApiClient, emoticon: Emoticon) -> None:
    response = api.client.post("/api/v1/orders/", order_body(emoticon))  # multipart/form-data

    assert error_of(response) == (415, "unsupported_media_type")
    assert not Order.objects.exists()


def test_a_method_the_route_lacks_is_method_not_allowed_before_authentication(db: None) -> None:
    response = Client().generic("TRACE", "/api/v1/orders/")

    assert error_of(response) == (405, "method_not_allowed")
    assert set(response["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS", "POST"}
