"""Redis down: the API answers 503 service_unavailable with Retry-After, in the error body too.

Each test runs a Redis server of its own and stops it; the suite's shared Redis is not touched.
"""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import redis
from django.test import Client

from bizshop.codes import throttle

if TYPE_CHECKING:
    from pytest_django import Settings

    from bizshop.accounts.models import User
    from bizshop.catalog.models import Emoticon
    from tests.helpers.api import ApiClient


class OwnRedis:
    def __init__(self, tmp_path: Path):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp_path)],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis.from_url(self.url).ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def own_redis(settings: Settings, tmp_path: Path) -> Iterator[OwnRedis]:
    """The shop's cache, sessions and throttles on a Redis server this test may stop."""
    server = OwnRedis(tmp_path)
    settings.REDIS_URL = server.url
    settings.CACHES = {"default": {"BACKEND": "bizshop.core.cache.RedisCache", "LOCATION": server.url}}
    throttle._store.cache_clear()
    try:
        yield server
    finally:
        server.stop()
        throttle._store.cache_clear()


def assert_service_unavailable(response: Any) -> None:
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert error["code"] == "service_unavailable"
    assert int(response["Retry-After"]) > 0
    assert error["details"]["retry_after"] == int(response["Retry-After"])


def test_a_partner_call_with_redis_down_is_service_unavailable(api: ApiClient, own_redis: OwnRedis) -> None:
    assert api.get("/api/v1/orders/").status_code == 200

    own_redis.stop()

    assert_service_unavailable(api.get("/api/v1/orders/"))


def test_an_order_with_redis_down_is_service_unavailable(
    api: ApiClient, emoticon: Emoticon, own_redis: OwnRedis
) -> None:
    own_redis.stop()

    response = api.post(
        "/api/v1/orders/", {"emoticon_id": emoticon.pk, "period_days": 30, "quantity": 100}, HTTP_IDEMPOTENCY_KEY="o-1"
    )

    assert_service_unavailable(response)


def test_a_registration_with_redis_down_is_service_unavailable(end_user: User, own_redis: OwnRedis) -> None:
    # The session is read by middleware, outside any view: Django turns the failure into its
    # 500 page before the API's middleware answers (the test client would re-raise it instead).
    client = Client(raise_request_exception=False)
    client.force_login(end_user)
    own_redis.stop()

    response = client.post("/api/v1/registrations/", {"code": "ABCDE-FGHJK-MNPQR-STVW0"}, "application/json")

    assert_service_unavailable(response)
