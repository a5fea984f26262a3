"""Real headless Chromium (Debian's package) driven by Playwright against Django's live server."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.helpers.browser import ARTIFACTS, CHROMIUM

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/system-deps.sh (Debian package chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ko-KR")  # a phone
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def shoot(page: Page, request: pytest.FixtureRequest) -> Callable[..., Path]:
    """Save a screenshot as a test artefact: test-artifacts/screenshots/<test>-<step>.png."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(step: str, *, full_page: bool = True) -> Path:
        """The whole page, or with ``full_page=False`` only what the phone's screen shows now."""
        path = ARTIFACTS / f"{request.node.name}-{step}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take
