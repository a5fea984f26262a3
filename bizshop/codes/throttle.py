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


# The same rule as ``_wait`` over every window, inside Redis: prune, count, and the longest wait
# of the windows that are full (0: none is). KEYS are the windows; ARGV now, then seconds and
# limit per window. (Under Redis Cluster the keys would need one hash tag per subject.)
RETRY_AFTER_LUA = """
local now = tonumber(ARGV[1])
local longest = 0
for i, key in ipairs(KEYS) do
  local seconds = tonumber(ARGV[2 * i])
  local limit = tonumber(ARGV[2 * i + 1])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - seconds)
  if redis.call('ZCARD', key) >= limit then
    local oldest = tonumber(redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')[2])
    longest = math.max(longest, math.max(1, math.ceil(oldest + seconds - now)))
  end
end
return longest
"""

# The check and the count as one step (issue 15: 48 parallel guesses got 11-16 answers when they
# were two). Same windows and waits as RETRY_AFTER_LUA; when none is full the attempt is
# counted in every window at once (ARGV[2] is its member), before it is tried, so that racers
# see each other. A successful attempt is taken back afterwards (``Attempt.release``).
RESERVE_LUA = """
local now = tonumber(ARGV[1])
local longest = 0
for i, key in ipairs(KEYS) do
  local seconds = tonumber(ARGV[2 * i + 1])
  local limit = tonumber(ARGV[2 * i + 2])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - seconds)
  if redis.call('ZCARD', key) >= limit then
    local oldest = tonumber(redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')[2])
    longest = math.max(longest, math.max(1, math.ceil(oldest + seconds - now)))
  end
end
if longest > 0 then
  return longest
end
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, ARGV[2])
  redis.call('EXPIRE', key, tonumber(ARGV[2 * i + 1]))
end
return 0
"""


class _MemoryStore:
    """Fallback for the embedded default (one process): the same sliding windows in memory."""

    def __init__(self) -> None:
        self._events: dict[str, list[float]] = defaultdict(list)
        self._members: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()

    def add(self, keys: list[tuple[str, int]], now: float) -> None:
        with self._lock:
            for key, _ in keys:
                self._events[key].append(now)

    def retry_after(self, windows: list[tuple[str, Window]], now: float) -> int | None:
        with self._lock:
            return self._retry_after(windows, now)

    def _retry_after(self, windows: list[tuple[str, Window]], now: float) -> int | None:
        waits = []
        for key, window in windows:
            events = [t for t in self._events[key] if t > now - window.seconds]
            self._events[key] = events
            if len(events) >= window.limit:
                waits.append(_wait(oldest=events[0], window=window, now=now))
        return max(waits) if waits else None

    def reserve(self, windows: list[tuple[str, Window]], now: float, member: str) -> int | None:
        with self._lock:
            wait = self._retry_after(windows, now)
            if wait is None:
                for key, _ in windows:
                    self._events[key].append(now)
                    self._members[(key, member)] = now
            return wait

    def release(self, keys: list[str], member: str) -> None:
        with self._lock:
            for key in keys:
                at = self._members.pop((key, member), None)
                if at is not None and at in self._events[key]:
                    self._events[key].remove(at)

    def clear(self, keys: list[str]) -> None:
        with self._lock:
            for key in keys:
                self._events.pop(key, None)


class _RedisStore:
    """Every window of a request in one round trip: a script to ask, a pipeline to record."""

    def __init__(self, url: str) -> None:
        self._redis = redis.Redis.from_url(url)
        self._retry_after_script = self._redis.register_script(RETRY_AFTER_LUA)
        self._reserve_script = self._redis.register_script(RESERVE_LUA)

    def add(self, keys: list[tuple[str, int]], now: float) -> None:
        member = f"{now:.6f}:{secrets.token_hex(4)}"
        pipe = self._redis.pipeline(transaction=False)
        for key, window in keys:
            pipe.zadd(key, {member: now})
            pipe.expire(key, window)
        pipe.execute()

    def retry_after(self, windows: list[tuple[str, Window]], now: float) -> int | None:
        # Every registration attempt asks this: one script call instead of a pipeline of three
        # commands per window, which cost about a millisecond of Python per request.
        limits = [number for _, window in windows for number in (window.seconds, window.limit)]
        wait = int(self._retry_after_script(keys=[key for key, _ in windows], args=[repr(now), *limits]))
        return wait or None

    def reserve(self, windows: list[tuple[str, Window]], now: float, member: str) -> int | None:
        limits = [number for _, window in windows for number in (window.seconds, window.limit)]
        keys = [key for key, _ in windows]
        wait = int(self._reserve_script(keys=keys, args=[repr(now), member, *limits]))
        return wait or None

    def release(self, keys: list[str], member: str) -> None:
        pipe = self._redis.pipeline(transaction=False)
        for key in keys:
            pipe.zrem(key, member)
        pipe.execute()

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


@dataclass(frozen=True)
class Attempt:
    """An attempt counted as a failure before it is tried; ``release`` takes it back if it succeeds."""

    retry_after: int | None
    keys: list[str]
    member: str

    def release(self) -> None:
        if self.retry_after is None:
            _store(settings.REDIS_URL).release(self.keys, self.member)


def attempt_reserve(*, user_id: int, client_ip: str | None) -> Attempt:
    """Check every window and, if none is full, count this attempt in all of them: one atomic step.

    A refused attempt (``retry_after`` set) is not counted. Attempts in flight count against
    the limit, so N concurrent guesses never get more than the limit's worth of answers.
    """
    windows = _windows(user_id, client_ip)
    now = time.time()
    member = f"{now:.6f}:{secrets.token_hex(8)}"
    wait = _store(settings.REDIS_URL).reserve(windows, now, member)
    return Attempt(retry_after=wait, keys=[key for key, _ in windows], member=member)


def retry_after(*, user_id: int, client_ip: str | None) -> int | None:
    """Seconds until another attempt is allowed, or None when one is allowed now."""
    return _store(settings.REDIS_URL).retry_after(_windows(user_id, client_ip), time.time())


def _wait(*, oldest: float, window: Window, now: float) -> int:
    """A full window frees a place when its oldest failure leaves it."""
    return max(1, math.ceil(oldest + window.seconds - now))


def record_failure(*, user_id: int, client_ip: str | None) -> None:
    windows = _windows(user_id, client_ip)
    _store(settings.REDIS_URL).add([(k, w.seconds) for k, w in windows], time.time())


def reset(*, user_id: int, client_ip: str | None) -> None:
    """Forget the counts (operators, tests)."""
    _store(settings.REDIS_URL).clear([k for k, _ in _windows(user_id, client_ip)])
