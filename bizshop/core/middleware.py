"""Every answer under /api/ is the JSON error body, also when Django itself answers (API.md).

DRF views render their errors through ``bizshop.core.api.exception_handler``; this middleware
covers the rest: unknown routes (Django's HTML 404, even under DEBUG), bodies over
``DATA_UPLOAD_MAX_MEMORY_SIZE`` (refused before anything reads them) and failures outside a
view, such as a session store whose Redis is down.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from typing import Any

import kombu.exceptions
import redis.exceptions
from django import db
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.signals import got_request_exception
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext_lazy as _

from bizshop.core import errors
from bizshop.core.errors import ApplicationError, ErrorCode

API_PREFIX = "/api/"
# How long a client should wait before retrying when a backing service is down.
RETRY_AFTER_SECONDS = 30
# A backing service (Redis as cache, session store and broker; PostgreSQL) that could not be reached.
UNAVAILABLE_SERVICE_ERRORS: tuple[type[BaseException], ...] = (
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    kombu.exceptions.OperationalError,
    db.OperationalError,
    db.InterfaceError,
)
_ERROR_BY_STATUS: dict[int, ErrorCode] = {
    400: ErrorCode("bad_request", 400, _("요청을 처리할 수 없습니다.")),
    403: ErrorCode("permission_denied", 403, _("권한이 없습니다.")),
    404: errors.NOT_FOUND,
    405: ErrorCode("method_not_allowed", 405, _("허용되지 않는 메서드입니다.")),
    413: errors.PAYLOAD_TOO_LARGE,
    500: ErrorCode("internal_error", 500, _("일시적인 오류가 발생했습니다.")),
    503: errors.SERVICE_UNAVAILABLE,
}


def service_unavailable() -> ApplicationError:
    return errors.SERVICE_UNAVAILABLE(retry_after=RETRY_AFTER_SECONDS)


def api_error_for_exception(exc: BaseException) -> ApplicationError | None:
    """The API's answer to an exception that is not the client's fault nor a bug: None otherwise."""
    if isinstance(exc, UNAVAILABLE_SERVICE_ERRORS):
        return service_unavailable()
    if isinstance(exc, RequestDataTooBig):
        return errors.PAYLOAD_TOO_LARGE(limit_bytes=settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    return None


def error_response(error: ApplicationError) -> JsonResponse:
    response = JsonResponse(error.as_dict(), status=error.status)
    if "retry_after" in error.details:
        response["Retry-After"] = str(error.details["retry_after"])
    return response


@receiver(got_request_exception)
def _remember_exception(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    # Django turns an exception into its HTML 500 before the middleware sees the response; the
    # exception itself decides whether the API says 503 (a service is down) instead.
    if request is not None:
        request.bizshop_exception = sys.exc_info()[1]  # type: ignore[attr-defined]


def _body_limit(path: str) -> int | None:
    """DATA_UPLOAD_MAX_MEMORY_SIZE, or the larger limit of a route in API_BODY_LIMITS."""
    for pattern, route_limit in getattr(settings, "API_BODY_LIMITS", {}).items():
        if re.match(pattern, path):
            return int(route_limit)
    default: int | None = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return default


class ApiErrorBodyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        limit = _body_limit(request.path_info)
        if limit is not None and _content_length(request) > limit:
            return error_response(errors.PAYLOAD_TOO_LARGE(limit_bytes=limit))
        response = self.get_response(request)
        if response.status_code < 400 or response.get("Content-Type", "").startswith("application/json"):
            return response
        exc = getattr(request, "bizshop_exception", None)
        error = api_error_for_exception(exc) if exc is not None else None
        if error is None:
            known = _ERROR_BY_STATUS.get(response.status_code)
            error = known() if known else ApplicationError("error", response.reason_phrase, status=response.status_code)
        return error_response(error)

    def process_view(self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any) -> Any:
        """A method the API route does not have is 405 whoever asks: DRF authenticates first, so a
        route with authentication of its own would answer an unknown method with 401."""
        view_class = getattr(view_func, "cls", None)
        if view_class is None or not request.path_info.startswith(API_PREFIX):
            return None
        allowed = {name.upper() for name in view_class.http_method_names if hasattr(view_class, name)}
        if "GET" in allowed:
            allowed.add("HEAD")
        if str(request.method).upper() in allowed:
            return None
        response = error_response(_ERROR_BY_STATUS[405]())
        response["Allow"] = ", ".join(sorted(allowed))
        return response


def _content_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0
