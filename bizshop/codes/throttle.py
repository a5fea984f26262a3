"""Guessing defence for registration: failed attempts counted per account and per IP in
sliding windows (Redis sorted sets, so the counts survive a web-process restart and are
shared by every web process; the embedded default without Redis keeps them in memory)."""

from __future__ import annotations

import math
import secrets
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from functools import cache

import redis
from django.conf import settings


@dataclass(frozen=True)
class Window:
    seconds: int
    limit: int


# Failed registrations allowed before 429 (see README, "Guessing defence", for the odds).
ACCOUNT_WINDOWS = (Window(600, 10), Window(86_400, 50))
IP_WINDOWS = (Window(600, 30), Window(86_400, 300))


class _MemoryStore:
    """Fallback for the embedded default (one process): the same sliding windows in memory."""

    def __init__(self) -> None:
        self._events: dict[str, list[float]] = defaultdict(list)
        self._lock = threading.Lock()

    def add(self, keys: list[tuple[str, int]], now: float) -> None:
        with self._lock:
            for key, _ in keys:
                self._events[key].append(now)

    def oldest_and_counts(self, keys: list[tuple[str, int]], now: float) -> list[tuple[float | None, int]]:
        with self._lock:
            answers: list[tuple[float | None, int]] = []
            for key, window in keys:
                events = [t for t in self._events[key] if t > now - window]
                self._events[key] = events
                answers.append(((events[0] if events else None), len(events)))
            return answers

    def clear(self, keys: list[str]) -> None:
        with self._lock:
            for key in keys:
                self._events.pop(key, None)


class _RedisStore:
    """Every window of a request in one round trip (a pipeline)."""

    def __init__(self, url: str) -> None:
        self._redis = redis.Redis.from_url(url)

    def add(self, keys: list[tuple[str, int]], now: float) -> None:
        member = f"{now:.6f}:{secrets.token_hex(4)}"
        pipe = self._redis.pipeline(transaction=False)
        for key, window in keys:
            pipe.zadd(key, {member: now})
            pipe.expire(key, window)
        pipe.execute()

    def oldest_and_counts(self, keys: list[tuple[str, int]], now: float) -> list[tuple[float | None, int]]:
        pipe = self._redis.pipeline(transaction=False)
        for key, window in keys:
            pipe.zremrangebyscore(key, "-inf", now - window)
            pipe.zrange(key, 0, 0, withscores=True)
            pipe.zcard(key)
        replies = pipe.execute()
        return [
            ((replies[i + 1][0][1] if replies[i + 1] else None), int(replies[i + 2])) for i in range(0, len(replies), 3)
        ]

    def clear(self, keys: list[str]) -> None:
        self._redis.delete(*keys)


@cache
def _store(url: str) -> _MemoryStore | _RedisStore:
    return _RedisStore(url) if url else _MemoryStore()


def _windows(user_id: int, client_ip: str | None) -> list[tuple[str, Window]]:
    subjects = [(f"user:{user_id}", ACCOUNT_WINDOWS)]
    if client_ip:
        subjects.append((f"ip:{client_ip}", IP_WINDOWS))
    return [
        (f"bizshop:registration-failures:{subject}:{w.seconds}", w) for subject, windows in subjects for w in windows
    ]


def retry_after(*, user_id: int, client_ip: str | None) -> int | None:
    """Seconds until another attempt is allowed, or None when one is allowed now."""
    windows = _windows(user_id, client_ip)
    now = time.time()
    answers = _store(settings.REDIS_URL).oldest_and_counts([(k, w.seconds) for k, w in windows], now)
    waits = [
        max(1, math.ceil(oldest + window.seconds - now))
        for (_, window), (oldest, count) in zip(windows, answers, strict=True)
        if count >= window.limit and oldest is not None
    ]
    return max(waits) if waits else None


def record_failure(*, user_id: int, client_ip: str | None) -> None:
    windows = _windows(user_id, client_ip)
    _store(settings.REDIS_URL).add([(k, w.seconds) for k, w in windows], time.time())


def reset(*, user_id: int, client_ip: str | None) -> None:
    """Forget the counts (operators, tests)."""
    _store(settings.REDIS_URL).clear([k for k, _ in _windows(user_id, client_ip)])
