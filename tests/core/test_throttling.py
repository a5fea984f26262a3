"""Per-API-key throttling: a key over its budget gets 429 with Retry-After; other keys are untouched."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.helpers.api import ApiClient

if TYPE_CHECKING:
    from pytest_django import Settings


def test_a_key_over_its_rate_gets_429_with_retry_after_and_others_do_not(
    api: ApiClient, other_api: ApiClient, settings: Settings
) -> None:
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"api_key": "3/min"}}

    answers = [api.get("/api/v1/orders/").status_code for _ in range(3)]
    refused = api.get("/api/v1/orders/")
    other = other_api.get("/api/v1/orders/")

    assert answers == [200, 200, 200]
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "too_many_requests"
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert other.status_code == 200
