"""Login throttling: failed logins counted per account (the e-mail typed) and per IP; and the
password-reset e-mails, counted per address typed and per IP.

Counts live in the cache — Redis when REDIS_URL is set, so every web process shares them and
a restart forgets nothing; local memory in the embedded default. Fixed windows: the first
failure opens a window of ``WINDOW_SECONDS``; past the limit every attempt is refused until
the window closes, even with the right password, so guessing is slow whatever the attacker does.
"""

from __future__ import annotations

import contextlib
import math
import time

from django.core.cache import cache

WINDOW_SECONDS = 15 * 60
ACCOUNT_LIMIT = 5  # failed logins per e-mail per window
IP_LIMIT = 20  # failed logins per IP per window (many accounts from one address)

# Password-reset e-mails: every request counts, whether the address has an account or not, so
# being refused tells nothing about the address.
RESET_WINDOW_SECONDS = 60 * 60
RESET_ACCOUNT_LIMIT = 3  # reset requests per address typed per window
RESET_IP_LIMIT = 10  # reset requests per IP per window

Subjects = list[tuple[str, int]]


def _subjects(email: str, client_ip: str) -> Subjects:
    subjects = [(f"bizshop:login-failures:account:{email.strip().lower()}", ACCOUNT_LIMIT)]
    if client_ip:
        subjects.append((f"bizshop:login-failures:ip:{client_ip}", IP_LIMIT))
    return subjects


def _reset_subjects(email: str, client_ip: str) -> Subjects:
    subjects = [(f"bizshop:password-resets:account:{email.strip().lower()}", RESET_ACCOUNT_LIMIT)]
    if client_ip:
        subjects.append((f"bizshop:password-resets:ip:{client_ip}", RESET_IP_LIMIT))
    return subjects


def _wait(subjects: Subjects, window_seconds: int) -> int | None:
    waits: list[int] = []
    now = time.time()
    for key, limit in subjects:
        values = cache.get_many([f"{key}:count", f"{key}:start"])
        count, start = int(values.get(f"{key}:count", 0)), values.get(f"{key}:start")
        if count >= limit and start is not None and float(start) + window_seconds > now:
            waits.append(max(1, math.ceil(float(start) + window_seconds - now)))
    return max(waits) if waits else None


def _count(subjects: Subjects, window_seconds: int) -> None:
    for key, _ in subjects:
        _incr(key, window_seconds)


def _incr(key: str, window_seconds: int) -> int:
    # add() only sets what is missing, so the window starts at the first event.
    now = time.time()
    cache.add(f"{key}:start", now, window_seconds)
    cache.add(f"{key}:count", 0, window_seconds)
    try:
        return int(cache.incr(f"{key}:count"))
    except ValueError:  # expired between add() and incr()
        cache.set(f"{key}:count", 1, window_seconds)
        return 1


def _decr(key: str) -> None:
    with contextlib.suppress(ValueError):  # the window has ended meanwhile: nothing to give back
        cache.decr(f"{key}:count")


def _take(subjects: Subjects, window_seconds: int) -> int | None:
    """Count one event for every subject at once, unless one is already at its limit: then
    nothing is counted and the wait in seconds is returned (None: counted, go ahead).

    Counting first, by Redis's atomic INCR, is what makes a limit hold under parallel requests:
    checking and then recording let 19 of 24 simultaneous wrong passwords through a limit of 5."""
    counted: list[str] = []
    for key, limit in subjects:
        counted.append(key)
        if _incr(key, window_seconds) > limit:
            for taken in counted:
                _decr(taken)
            return _wait(subjects, window_seconds) or 1
    return None


def attempt_begin(*, email: str, client_ip: str) -> int | None:
    """Count a login attempt *before* its password is checked, or return the wait when the account
    or the IP is at its limit. The attempt stays counted as a failure unless ``attempt_succeeded``
    gives it back. The price of exactness: attempts still being checked count too, so more
    simultaneous sign-ins of one account (or one IP) than its limit get 429 until others finish."""
    return _take(_subjects(email, client_ip), WINDOW_SECONDS)


def attempt_succeeded(*, email: str, client_ip: str) -> None:
    """The password was right: the account's count starts afresh, the IP's attempt is given back."""
    reset_account(email=email)
    for key, _ in _subjects(email, client_ip)[1:]:
        _decr(key)


def retry_after(*, email: str, client_ip: str) -> int | None:
    """Seconds until a login may be tried again, or None when it may be tried now."""
    return _wait(_subjects(email, client_ip), WINDOW_SECONDS)


def record_failure(*, email: str, client_ip: str) -> None:
    _count(_subjects(email, client_ip), WINDOW_SECONDS)


def reset_account(*, email: str) -> None:
    """A successful login or a password reset clears the account's count (not the IP's)."""
    key, _ = _subjects(email, "")[0]
    cache.delete_many([f"{key}:count", f"{key}:start"])


def password_reset_take(*, email: str, client_ip: str) -> int | None:
    """Count a request for a reset e-mail, or return the wait when the address or the IP is at its limit."""
    return _take(_reset_subjects(email, client_ip), RESET_WINDOW_SECONDS)
