"""OpenAPI helpers: describe responses exactly as the API renders them, and the schema's
conventions (error body, Idempotency-Key, auth and paging) written once.

``list_envelope`` describes a list's page. ``ApiSchema`` (DRF's schema class) gives every
``/api/v1/`` operation the error body for its 4xx answers and, on the POSTs wrapped by
``@idempotent``, the ``Idempotency-Key`` header;
``describe_api`` (a drf-spectacular postprocessing hook) writes the API's description, with
the table of every error code the services can raise, read from the apps' ``errors.py``.
"""

from __future__ import annotations

import importlib
from typing import Any

from django.apps import apps
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from bizshop.core.errors import ErrorCode


def list_envelope(name: str, item: serializers.BaseSerializer[Any]) -> serializers.Serializer[Any]:
    """``{"results": [item, …], "next": url | null}``: every list of the API (API.md)."""
    return inline_serializer(
        name,
        {"results": item.__class__(many=True), "next": serializers.URLField(allow_null=True)},
    )


ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Every error of the API has this body.",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "details"],
            "properties": {
                "code": {"type": "string", "description": "stable snake_case code (see the table in the description)"},
                "message": {"type": "string", "description": "Korean text, safe to show to a person"},
                "details": {"type": "object", "additionalProperties": True, "description": "the code's figures"},
            },
        }
    },
}
ERROR_REF = {"$ref": "#/components/schemas/Error"}
IDEMPOTENCY_KEY_PARAMETER: dict[str, Any] = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
    "description": (
        "Optional. The same key with the same body returns the first response again (kept 24 hours); "
        "the same key with another body is 422 idempotency_key_reused."
    ),
}


class ApiSchema(AutoSchema):
    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation: dict[str, Any] | None = super().get_operation(*args, **kwargs)
        if operation is None or not self.path.startswith("/api/v1/"):
            return operation
        self.registry.register_on_missing(
            ResolvedComponent(name="Error", type=ResolvedComponent.SCHEMA, object="Error", schema=ERROR_SCHEMA)  # type: ignore[no-untyped-call]
        )
        handler = getattr(self.view, self.method.lower(), None)
        if getattr(handler, "honours_idempotency_key", False):
            operation.setdefault("parameters", []).append(IDEMPOTENCY_KEY_PARAMETER)
        responses: dict[str, Any] = operation.setdefault("responses", {})
        for status, response in responses.items():
            if status.startswith("4") and "content" not in response:
                response["content"] = {"application/json": {"schema": ERROR_REF}}
        responses.setdefault(
            "4XX",
            {
                "description": "Refused: the error body, with one of the codes listed in the API description.",
                "content": {"application/json": {"schema": ERROR_REF}},
            },
        )
        return operation


def error_codes() -> list[ErrorCode]:
    """Every ErrorCode the apps declare in their ``errors.py``, once per (code, status, message)."""
    found: dict[tuple[str, int, str], ErrorCode] = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("bizshop."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.errors")
        except ModuleNotFoundError:
            continue
        for value in vars(module).values():
            if isinstance(value, ErrorCode):
                found.setdefault((value.code, value.status, str(value.message)), value)
    return sorted(found.values(), key=lambda e: (e.status, e.code, str(e.message)))


DESCRIPTION = """이모티콘 비즈샵 파트너 API (partner API of the emoticon business shop).

## Authentication
Send `Authorization: Bearer <API key>` (issued in the portal under 마이페이지 › API 키, or by
`manage.py create_api_key`). A missing, malformed or revoked key is **401** `not_authenticated`;
a key whose scopes (`orders`, `codes`, `invoices`, `webhooks`, `partner`) do not cover the endpoint
is **403** `scope_required`. Another partner's object is always **404** `not_found`, exactly as if it did not
exist. End-user endpoints (`/registrations/`, `/me/…`) take an end-user API token
(`POST /auth/token/` with e-mail and password → `Authorization: Bearer eut_…`, valid one hour,
`DELETE /auth/token/` revokes it), the end user's session, or HTTP Basic with the end user's e-mail
and password (compatibility only: slow, a password hash per request). Token sign-ins and Basic
count in the portal login's windows: **429** `too_many_login_attempts` with `Retry-After` once over.
Keys are throttled: **429** `too_many_requests` with `Retry-After`.

## Errors
Every error has the same body, whatever the status:

```json
{"error": {"code": "codes_already_issued",
           "message": "일련번호가 이미 발급된 주문은 취소/환불할 수 없습니다.",
           "details": {"issued_quantity": 10}}}
```

`code` is stable and meant for programs; `message` is Korean text for people; `details` carries the
figures of that code. Invalid input is **422** `invalid_request` with `details.fields`.

## Idempotency
Every `POST` that creates or changes something honours an optional `Idempotency-Key` header: the same
key with the same body returns the first response again (kept 24 hours), so a retry after a timeout
is safe; the same key with another body is **422** `idempotency_key_reused`.

## Lists
Lists are paginated with a cursor: `{"results": [...], "next": <url|null>}` (`page_size` up to 1000).
Filters are query parameters, listed on each list operation; days are Asia/Seoul calendar days.

## Money and time
Money is integer KRW: `supply_amount` × 10% VAT rounded down = `vat_amount`, `total_amount` is their
sum. Times are ISO 8601 with their offset.
"""


def describe_api(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: the description above plus the table of error codes."""
    rows = "\n".join(
        f"| {error.status} | `{error.code}` | {str(error.message).replace('|', '/')} |" for error in error_codes()
    )
    table = "\n## Error codes\n| HTTP | code | message |\n|---|---|---|\n" + rows + "\n"
    result.setdefault("info", {})["description"] = DESCRIPTION + table
    return result
