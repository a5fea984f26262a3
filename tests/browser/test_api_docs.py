"""The API's documentation pages (Swagger UI, ReDoc) in real headless Chromium under the shop's CSP."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from pytest_django.live_server_helper import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_recording_problems(page: Page, url: str) -> list[str]:
    """Open ``url`` and return every console error (a CSP refusal is one), page error, failed request
    and request that leaves the shop's origin."""
    problems: list[str] = []
    page.on("console", lambda message: message.type == "error" and problems.append(f"console: {message.text}"))
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("requestfailed", lambda request: problems.append(f"failed: {request.url}"))
    ours = (url.split("/api/")[0], "data:", "blob:")
    page.on("request", lambda request: request.url.startswith(ours) or problems.append(f"off-site: {request.url}"))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return problems


def test_swagger_ui_lists_the_operations_without_a_csp_error(
    live_server: LiveServer, page: Page, shoot: Callable[..., Path]
) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})

    problems = open_recording_problems(page, f"{live_server.url}/api/docs/")

    page.locator(".opblock-summary-path", has_text="/api/v1/orders/").first.wait_for(timeout=15_000)
    assert page.get_by_text("bizshop partner API").first.is_visible()
    assert page.locator(".opblock").count() > 20  # every operation, not an empty shell
    orders = page.locator(".opblock-summary-path", has_text="/api/v1/orders/").first
    orders.scroll_into_view_if_needed()
    assert orders.is_visible()
    shoot("swagger-ui", full_page=False)
    assert problems == [], "\n".join(problems)


def test_redoc_lists_the_operations_without_a_csp_error(
    live_server: LiveServer, page: Page, shoot: Callable[..., Path]
) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})

    problems = open_recording_problems(page, f"{live_server.url}/api/redoc/")

    page.get_by_role("heading", name="bizshop partner API").first.wait_for(timeout=15_000)
    assert page.locator("[data-section-id^='operation/']").count() > 20  # every operation, not an empty shell
    page.goto(f"{live_server.url}/api/redoc/#tag/v1/operation/v1_orders_list")
    path = page.get_by_text("/api/v1/orders/", exact=True).first
    path.wait_for(timeout=15_000)
    assert path.is_visible()
    shoot("redoc", full_page=False)
    assert problems == [], "\n".join(problems)
