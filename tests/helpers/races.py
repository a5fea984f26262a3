"""Run calls at the same moment in real threads, each with its own database connection."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from django.db import connection

from bizshop.core.errors import ApplicationError

T = TypeVar("T")


def run_together(*calls: Callable[[], T]) -> list[T | BaseException]:
    """Start every call at once (a barrier), return each one's result or the exception it raised."""
    barrier = threading.Barrier(len(calls))
    results: dict[int, T | BaseException] = {}

    def run(index: int, call: Callable[[], T]) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except BaseException as exc:  # reported to the caller, never swallowed
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a racing thread hung"
    return [results[index] for index in range(len(calls))]


def outcome(call: Callable[[], object]) -> Callable[[], str]:
    """A service call's result as 'ok' or its error code; anything else propagates."""

    def wrapped() -> str:
        try:
            call()
        except ApplicationError as exc:
            return exc.code
        return "ok"

    return wrapped
