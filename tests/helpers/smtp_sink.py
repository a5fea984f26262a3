"""A real SMTP server for tests and the bench: aiosmtpd on a free local port, keeping each message.

``refuse`` addresses get 550 at RCPT (a permanent refusal); ``defer_once`` addresses get 451 the
first time, then are accepted; ``defer_always`` addresses get 451 every time.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


@dataclass
class SinkHandler:
    refuse: set[str] = field(default_factory=set)
    defer_once: set[str] = field(default_factory=set)
    defer_always: set[str] = field(default_factory=set)
    keep: bool = True
    messages: list[EmailMessage] = field(default_factory=list)
    count: int = 0
    _deferred: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any) -> str:
        if address in self.refuse:
            return f"550 5.1.1 <{address}>: Recipient address rejected: No such user here"
        if address in self.defer_always:
            return "451 4.3.0 Try again later"
        with self._lock:
            if address in self.defer_once and address not in self._deferred:
                self._deferred.add(address)
                return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self._lock:
            self.count += 1
            if self.keep:
                parsed = message_from_bytes(envelope.content, policy=policy.default)
                self.messages.append(parsed)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def smtp_sink(handler: SinkHandler | None = None) -> Iterator[tuple[SinkHandler, int]]:
    handler = handler or SinkHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def html_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("html",))
    assert part is not None
    return str(part.get_content())
