"""Webhook fixtures: a partner's receiver, a real HTTP server on loopback."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests.helpers.dns import ScriptedResolver


class Receiver:
    """A partner's webhook receiver: records each request, answers with the next queued status."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.statuses: list[int] = []
        self.location = ""  # sent as Location (with a 3xx status)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({"headers": dict(self.headers), "body": body})
                self.send_response(receiver.statuses.pop(0) if receiver.statuses else 200)
                if receiver.location:
                    self.send_header("Location", receiver.location)
                self.end_headers()

            def do_GET(self) -> None:
                receiver.requests.append({"headers": dict(self.headers), "body": b""})
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/bizshop"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


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
