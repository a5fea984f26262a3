"""Webhook helpers: a partner's receiver, a real HTTP server on loopback."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TypedDict


class ReceivedRequest(TypedDict):
    headers: dict[str, str]
    body: bytes


class Receiver:
    """A partner's webhook receiver: records each request, answers with the next queued status."""

    def __init__(self) -> None:
        self.requests: list[ReceivedRequest] = []
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

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/bizshop"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
