"""One application error with a stable code, an HTTP status and a Korean message.

Services raise ``ApplicationError``; the API renders it as
``{"error": {"code", "message", "details"}}`` and portal views show the same message.
Each app lists its codes in its own ``errors.py`` as ``ErrorCode`` values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise


class ApplicationError(Exception):
    def __init__(self, code: str, message: str | Promise, *, status: int, details: dict[str, Any] | None = None):
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.status = status
        self.details = details or {}

    def as_dict(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": str(self.message), "details": self.details}}


@dataclass(frozen=True)
class ErrorCode:
    """A documented error: ``raise errors.INVALID_STATE(status="paid")`` builds the exception."""

    code: str
    status: int
    message: str | Promise

    def __call__(self, message: str | Promise | None = None, **details: Any) -> ApplicationError:
        return ApplicationError(self.code, message or self.message, status=self.status, details=details)
