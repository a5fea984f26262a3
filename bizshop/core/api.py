"""API plumbing shared by every app: API-key auth, partner permission, errors, pagination."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions, pagination, parsers, permissions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request
from rest_framework.response import Response

from bizshop.core import errors
from bizshop.core.errors import ApplicationError
from bizshop.core.middleware import api_error_for_exception

if TYPE_CHECKING:
    from bizshop.partners.models import ApiKey, Partner

logger = logging.getLogger(__name__)


class ApiKeyAuthentication(BaseAuthentication):
    """``Authorization: Bearer <api key>``; the key's partner becomes ``request.auth.partner``."""

    keyword = b"bearer"

    def authenticate(self, request: Request) -> tuple[Any, ApiKey] | None:
        from bizshop.partners.services import api_key_authenticate

        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("API 키 형식이 올바르지 않습니다."))
        try:
            raw_key = header[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(_("API 키 형식이 올바르지 않습니다.")) from exc
        api_key = api_key_authenticate(raw_key=raw_key)
        if api_key is None:
            raise exceptions.AuthenticationFailed(_("유효하지 않거나 폐기된 API 키입니다."))
        return (api_key.created_by, api_key)

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "bizshop.core.api.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer", "description": "파트너 API 키"}


# API key scopes: a key limited to some scopes may call only the routes of those scopes,
# anything else is 403 ``scope_required``; a key with no scopes may call every route (keys made
# before scopes existed keep working). Every partner route is declared here by its URL name;
# tests/partners/test_scopes.py reads the URLconf and fails on a partner route missing from it,
# and at run time an undeclared route is open to unscoped keys only.
SCOPE_BY_ROUTE: dict[str, str] = {
    "order-list": "orders",
    "order-detail": "orders",
    "order-payment": "orders",
    "order-cancel": "orders",
    "order-refund": "orders",
    "order-events": "orders",
    "order-statement": "orders",
    "order-receipt": "orders",
    "quote-pdf": "orders",
    "sandbox-deposit": "orders",
    "issuance-list": "codes",
    "issuance-detail": "codes",
    "order-codes": "codes",
    "code-export-list": "codes",
    "code-export-detail": "codes",
    "code-export-file": "codes",
    "order-guide": "codes",
    "code-lookup": "codes",
    "invoice-list": "invoices",
    "invoice-detail": "invoices",
    "invoice-pdf": "invoices",
    "invoice-merge-request-create": "invoices",
    "webhook-endpoint-list": "webhooks",
    "webhook-endpoint-detail": "webhooks",
    "webhook-delivery-list": "webhooks",
    "webhook-delivery-replay": "webhooks",
    "partner-profile": "partner",
    "partner-withdrawal": "partner",
}


def required_scope(request: Request) -> str | None:
    """The scope of the route called; None for a route not declared in ``SCOPE_BY_ROUTE``."""
    match = getattr(request, "resolver_match", None)
    return SCOPE_BY_ROUTE.get((match.url_name or "") if match else "")


class IsPartner(permissions.BasePermission):
    """The request carries a valid API key of an active partner, with the endpoint's scope."""

    def has_permission(self, request: Request, view: Any) -> bool:
        from bizshop.partners.models import ApiKey

        api_key = request.auth
        if not isinstance(api_key, ApiKey):
            return False
        scope = required_scope(request)
        if api_key.scopes and scope not in api_key.scopes:
            message = (
                _("이 API 키에는 '%(scope)s' 권한이 없습니다.") % {"scope": scope}
                if scope
                else _("권한 범위가 제한되지 않은 API 키만 쓸 수 있습니다.")
            )
            raise ApplicationError(
                "scope_required",
                message,
                status=403,
                details={"required_scope": scope, "key_scopes": list(api_key.scopes)},
            )
        return True


def request_partner(request: Request) -> Partner:
    from bizshop.partners.models import ApiKey

    auth = request.auth
    if not isinstance(auth, ApiKey):
        raise exceptions.NotAuthenticated()
    return auth.partner


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
