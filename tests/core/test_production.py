"""Production settings: `make serve` is production, and production takes no sandbox money."""

from __future__ import annotations

import importlib
import os
import signal
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.test import Client
from django.urls import clear_url_caches

from tests.helpers.production import ROOT, manage, production_env

if TYPE_CHECKING:
    from pytest_django import Settings

    from bizshop.billing.models import Order
    from tests.helpers.api import ApiClient

SANDBOX_REFUSAL = "ALLOW_SANDBOX_PAYMENTS"


def test_make_serve_runs_with_production_settings(tmp_path: Path) -> None:
    # serve.sh under the sandbox gateway: with PRODUCTION=1 its first manage.py refuses and it
    # stops; without it, it would go on to start gunicorn (killed below, and the test fails).
    env = production_env(tmp_path)
    del env["PRODUCTION"]
    process = subprocess.Popen(
        ["bash", "scripts/serve.sh"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGTERM)
        output, _ = process.communicate()
        pytest.fail("serve.sh started the shop with the sandbox gateway:\n" + output[-2000:])

    assert process.returncode != 0
    assert SANDBOX_REFUSAL in output


def test_production_refuses_to_start_with_the_sandbox_gateway(tmp_path: Path) -> None:
    result = manage(production_env(tmp_path), "check")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert SANDBOX_REFUSAL in result.stderr


def test_production_starts_with_the_sandbox_when_explicitly_allowed(tmp_path: Path) -> None:
    result = manage(production_env(tmp_path, ALLOW_SANDBOX_PAYMENTS="1"), "check")

    assert result.returncode == 0, result.stderr


SANDBOX_ROUTED = "from django.urls import resolve; resolve('/api/v1/sandbox/deposits/'); print('routed')"


def test_production_with_a_real_gateway_starts_without_sandbox_routes(tmp_path: Path) -> None:
    env = production_env(tmp_path, PAYMENT_GATEWAY="bizshop.billing.gateways.base.PaymentGateway")

    result = manage(env, "shell", "-c", SANDBOX_ROUTED)

    assert "Resolver404" in result.stderr
    assert "routed" not in result.stdout


@pytest.fixture
def sandbox_off(settings: Settings) -> Iterator[None]:
    """The URL patterns as a shop with a real gateway builds them at start-up."""
    from bizshop import api_urls, urls

    before = settings.SANDBOX_PAYMENTS
    settings.PAYMENT_GATEWAY = "bizshop.billing.gateways.base.PaymentGateway"
    settings.SANDBOX_PAYMENTS = False
    importlib.reload(api_urls)
    importlib.reload(urls)
    clear_url_caches()
    yield
    settings.SANDBOX_PAYMENTS = before
    importlib.reload(api_urls)
    importlib.reload(urls)
    clear_url_caches()


def test_without_the_sandbox_gateway_the_sandbox_routes_do_not_exist(
    api: ApiClient, make_order: Callable[..., Order], sandbox_off: None
) -> None:
    order = make_order(api.partner)

    response = api.post("/api/v1/sandbox/deposits/", {"order_id": order.pk})

    assert (response.status_code, response.json()["error"]["code"]) == (404, "not_found")


def test_with_the_sandbox_gateway_the_sandbox_routes_exist(api: ApiClient, make_order: Callable[..., Order]) -> None:
    order = make_order(api.partner)
    api.post(f"/api/v1/orders/{order.pk}/payment/", {"method": "virtual_account"})

    response = api.post("/api/v1/sandbox/deposits/", {"order_id": order.pk})

    assert (response.status_code, response.json()["status"]) == (200, "paid")


def test_the_schema_lists_no_sandbox_route_without_the_sandbox(db: None, sandbox_off: None) -> None:
    paths = Client().get("/api/schema/", HTTP_ACCEPT="application/json").json()["paths"]

    assert not [path for path in paths if "sandbox" in path]
