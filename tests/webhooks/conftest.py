"""Webhook fixtures: a partner's receiver and an internal service (tests.helpers.webhooks.Receiver), fake DNS."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.helpers.dns import ScriptedResolver
from tests.helpers.webhooks import Receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.server.shutdown()


@pytest.fixture
def internal_service() -> Iterator[Receiver]:
    """A service of the shop's own network on loopback, which no webhook may reach."""
    r = Receiver()
    yield r
    r.server.shutdown()


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> ScriptedResolver:
    """Deliveries and endpoint checks resolve names through this fake instead of the system's DNS."""
    from bizshop.webhooks import transport

    fake = ScriptedResolver()
    monkeypatch.setattr(transport, "resolver", fake)
    return fake
