"""What an SMS / LMS / 알림톡 provider adapter implements (README, Sending codes by SMS).

``SMS_PROVIDER`` names the adapter class by dotted path; the shop calls ``send`` once per
recipient from a Celery task and records what it answers on that recipient.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

# Above this many bytes in EUC-KR a message is an LMS (장문), not an SMS (단문).
SMS_MAX_BYTES = 90


class SmsPermanentError(Exception):
    """The provider refused this number or message for good (no such subscriber, blocked, spam):
    the recipient is marked failed with this reason and never retried."""


class SmsTransientError(Exception):
    """The provider could not take it now (timeout, 5xx, rate limit): retried with backoff."""


@dataclass(frozen=True)
class SmsResult:
    message_id: str  # the provider's id of the message, stored on the recipient
    kind: str  # "sms", "lms" or "alimtalk"


class SmsProvider(Protocol):
    def send(self, *, to: str, text: str, reference: str) -> SmsResult:
        """Send ``text`` to ``to`` (digits only, 01012345678); ``reference`` is ours, unique per
        recipient and attempt series (the provider may use it to drop a duplicate)."""
        ...


def message_kind(text: str) -> str:
    return "sms" if len(text.encode("euc-kr", errors="replace")) <= SMS_MAX_BYTES else "lms"
