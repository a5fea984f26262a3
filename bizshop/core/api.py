"""API plumbing shared by every app: errors, JSON parsing, pagination.

Who is calling (API keys, their partner and scopes) is partners' business: ``bizshop/partners/authentication.py``.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, pagination, parsers
from rest_framework.request import Request
from rest_framework.response import Response

from bizshop.core import errors
from bizshop.core.errors import ApplicationError
from bizshop.core.middleware import api_error_for_exception

logger = logging.getLogger(__name__)


_DRF_CODES: dict[type[exceptions.APIException], str] = {
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "too_many_requests",
    exceptions.ParseError: "malformed_json",
    exceptions.ValidationError: "invalid_request",
}
_DRF_MESSAGES: dict[str, Any] = {
    "not_authenticated": _("인증이 필요합니다. Authorization: Bearer <API 키> 헤더를 보내 주세요."),
    "not_found": _("찾을 수 없습니다."),
    "invalid_request": _("요청 값이 올바르지 않습니다."),
    "malformed_json": errors.MALFORMED_JSON.message,
    "method_not_allowed": _("허용되지 않는 메서드입니다."),
    "permission_denied": _("권한이 없습니다."),
    "too_many_requests": _("요청이 너무 많습니다. 잠시 후 다시 시도해 주세요."),
}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Render every error as ``{"error": {"code", "message", "details"}}``."""
    exc = api_error_for_exception(exc) or exc
    if isinstance(exc, ApplicationError):
        response = Response(exc.as_dict(), status=exc.status)
        if "retry_after" in exc.details:
            response["Retry-After"] = str(exc.details["retry_after"])
        return response
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        # Partner systems parse JSON: an unexpected failure is logged with its traceback and
        # answered in the error body, never as an HTML page.
        logger.exception("unhandled API error", exc_info=exc)
        body = {"error": {"code": "internal_error", "message": str(_("일시적인 오류가 발생했습니다.")), "details": {}}}
        return Response(body, status=500)
    code = next((c for cls, c in _DRF_CODES.items() if isinstance(exc, cls)), "error")
    details: dict[str, Any] = {}
    if isinstance(exc, exceptions.ValidationError):
        details = {"fields": exc.detail}
        message = _DRF_MESSAGES[code]
    else:
        message = _DRF_MESSAGES.get(code) or str(exc.detail)
    headers: dict[str, str] = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header  # type: ignore[attr-defined]
    if getattr(exc, "wait", None) is not None:
        headers["Retry-After"] = str(int(exc.wait))  # type: ignore[attr-defined]
    status_code = exc.status_code
    if code == "invalid_request":
        status_code = 422
    body = {"error": {"code": code, "message": str(message), "details": details}}
    return Response(body, status=status_code, headers=headers)


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing JSON nested deeper than the decoder's recursion limit as
    ``malformed_json`` (DRF lets the RecursionError through: a 500)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise exceptions.ParseError(str(errors.MALFORMED_JSON.message)) from exc


class CursorPagination(pagination.CursorPagination):
    """Stable, index-friendly paging: ``{"results": [...], "next": url | null}``."""

    ordering = "-id"
    page_size_query_param = "page_size"
    max_page_size = 1000

    def get_page_size(self, request: Request) -> int:
        """``page_size`` as the schema describes it, 1 to 1000 in ASCII digits; anything else
        (``null``, ``AAA``, empty, ``１０``, 5000) is 422, not silently the default."""
        assert self.page_size is not None
        value = request.query_params.get(self.page_size_query_param, None)
        if value is None:
            return self.page_size
        number = int(value) if re.fullmatch(r"[0-9]{1,4}", value) else 0
        if not 1 <= number <= self.max_page_size:
            message = _("page_size 는 1부터 %(max)d까지의 정수입니다.") % {"max": self.max_page_size}
            raise exceptions.ValidationError({self.page_size_query_param: [message]})
        return number

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_page_size}
        return parameters

    def get_paginated_response(self, data: Any) -> Response:
        return Response({"results": data, "next": self.get_next_link()})

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["results", "next"],
            "properties": {"results": schema, "next": {"type": "string", "format": "uri", "nullable": True}},
        }
