"""One application error with a stable code, an HTTP status and a Korean message.

Services raise ``ApplicationError``; the API renders it as
``{"error": {"code", "message", "details"}}`` and portal views show the same message.
Each app lists its codes in its own ``errors.py`` as ``ErrorCode`` values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


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


# Answers of the API's plumbing rather than of a service (bizshop/core/middleware.py, api.py).
NOT_FOUND = ErrorCode("not_found", 404, _("찾을 수 없습니다."))
MALFORMED_JSON = ErrorCode("malformed_json", 400, _("요청 본문이 올바른 JSON 이 아니거나 너무 깊게 중첩되어 있습니다."))
PAYLOAD_TOO_LARGE = ErrorCode("payload_too_large", 413, _("요청 본문이 너무 큽니다."))
SERVICE_UNAVAILABLE = ErrorCode(
    "service_unavailable", 503, _("일시적으로 서비스를 이용할 수 없습니다. 잠시 후 다시 시도해 주세요.")
)
