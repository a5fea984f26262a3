"""How deliveries are signed: ``Bizshop-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">``.

Receivers recompute the HMAC with their endpoint's secret over the timestamp, a dot and the
raw body, compare in constant time, and reject old timestamps (replays); see the README.
"""

from __future__ import annotations

import hashlib
import hmac
import time

HEADER = "Bizshop-Signature"
TOLERANCE_SECONDS = 300


def sign(*, secret: str, body: bytes, timestamp: int | None = None) -> str:
    moment = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{moment}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={moment},v1={digest}"


def verify(*, secret: str, body: bytes, header: str, now: float | None = None) -> bool:
    """What a receiver does (and what our tests do as a receiver)."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        moment = int(parts["t"])
    except (ValueError, KeyError):
        return False
    if abs((now or time.time()) - moment) > TOLERANCE_SECONDS:
        return False
    expected = sign(secret=secret, body=body, timestamp=moment).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))
