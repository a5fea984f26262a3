"""Login throttling: failed logins counted per account (the e-mail typed) and per IP.

Counts live in the cache — Redis when REDIS_URL is set, so every web process shares them and
a restart forgets nothing; local memory in the embedded default. Fixed windows: the first
failure opens a window of ``WINDOW_SECONDS``; past the limit every attempt is refused until
the window closes, even with the right password, so guessing is slow whatever the attacker does.
"""

from __future__ import annotations

import math
import time

from django.core.cache import cache

WINDOW_SECONDS = 15 * 60
ACCOUNT_LIMIT = 5  # failed logins per e-mail per window
IP_LIMIT = 20  # failed logins per IP per window (many accounts from one address)


def _subjects(email: str, client_ip: str) -> list[tuple[str, int]]:
    subjects = [(f"bizshop:login-failures:account:{email.strip().lower()}", ACCOUNT_LIMIT)]
    if client_ip:
        subjects.append((f"bizshop:login-failures:ip:{client_ip}", IP_LIMIT))
    return subjects


def retry_after(*, email: str, client_ip: str) -> int | None:
    """Seconds until a login may be tried again, or None when it may be tried now."""
    waits: list[int] = []
    now = time.time()
    for key, limit in _subjects(email, client_ip):
        values = cache.get_many([f"{key}:count", f"{key}:start"])
        count, start = int(values.get(f"{key}:count", 0)), values.get(f"{key}:start")
        if count >= limit and start is not None and float(start) + WINDOW_SECONDS > now:
            waits.append(max(1, math.ceil(float(start) + WINDOW_SECONDS - now)))
    return max(waits) if waits else None


def record_failure(*, email: str, client_ip: str) -> None:
    now = time.time()
    for key, _ in _subjects(email, client_ip):
        # add() only sets what is missing, so the window starts at the first failure.
        cache.add(f"{key}:start", now, WINDOW_SECONDS)
        cache.add(f"{key}:count", 0, WINDOW_SECONDS)
        try:
            cache.incr(f"{key}:count")
        except ValueError:  # expired between add() and incr()
            cache.set(f"{key}:count", 1, WINDOW_SECONDS)


def reset_account(*, email: str) -> None:
    """A successful login or a password reset clears the account's count (not the IP's)."""
    key, _ = _subjects(email, "")[0]
    cache.delete_many([f"{key}:count", f"{key}:start"])
