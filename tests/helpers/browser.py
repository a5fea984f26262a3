"""Browser test helpers: where Chromium is, where screenshots go, and the phone-width check."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def fits_phone_width(page: Page) -> None:
    """Nothing on the page scrolls sideways at phone width."""
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url} overflows horizontally: {widths[0]}px > {widths[1]}px"
