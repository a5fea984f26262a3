"""Who calls the API: a partner's API key (``Authorization: Bearer``), its scopes, and its partner.

It was core's once; it is partners' because an API key, its scopes and its partner are partners'
rows, and core, the ground every app stands on, imports no domain app.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions, permissions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from bizshop.core.errors import ApplicationError
from bizshop.partners.models import ApiKey, Partner
from bizshop.partners.services import api_key_authenticate


class ApiKeyAuthentication(BaseAuthentication):
    """``Authorization: Bearer <api key>``; the key's partner becomes ``request.auth.partner``."""

    keyword = b"bearer"

    def authenticate(self, request: Request) -> tuple[Any, ApiKey] | None:
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
    target_class = "bizshop.partners.authentication.ApiKeyAuthentication"
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
    "order-code-void": "codes",
    "order-stats": "codes",
    "code-export-list": "codes",
    "code-export-detail": "codes",
    "code-export-file": "codes",
    "order-guide": "codes",
    "code-lookup": "codes",
    "delivery-list": "codes",
    "delivery-detail": "codes",
    "delivery-recipients": "codes",
    "delivery-recipient-resend": "codes",
    "delivery-resend-failed": "codes",
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
    auth = request.auth
    if not isinstance(auth, ApiKey):
        raise exceptions.NotAuthenticated()
    return auth.partner
