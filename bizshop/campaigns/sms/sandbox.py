"""The sandbox SMS provider: sends nothing, keeps each message in this process's memory.

Tests read ``SandboxSmsProvider.outbox``; numbers starting 0100000 are refused (permanent) and
0109999 fail once (transient), to try the failure paths end to end.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass
from typing import ClassVar

from bizshop.campaigns.sms.base import SmsPermanentError, SmsResult, SmsTransientError, message_kind


@dataclass(frozen=True)
class SandboxMessage:
    to: str
    text: str
    kind: str
    message_id: str
    reference: str


class SandboxSmsProvider:
    outbox: ClassVar[list[SandboxMessage]] = []
    _failed_once: ClassVar[set[str]] = set()
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def send(self, *, to: str, text: str, reference: str) -> SmsResult:
        if to.startswith("0100000"):
            raise SmsPermanentError("sandbox: 없는 번호")
        with self._lock:
            if to.startswith("0109999") and to not in self._failed_once:
                self._failed_once.add(to)
                raise SmsTransientError("sandbox: 일시 장애")
            result = SmsResult(message_id=f"sandbox-{uuid.uuid4().hex}", kind=message_kind(text))
            self.outbox.append(SandboxMessage(to, text, result.kind, result.message_id, reference))
        return result

    @classmethod
    def reset(cls) -> None:
        with cls._lock:
            cls.outbox.clear()
            cls._failed_once.clear()
