"""How end users authenticate on the API: an API token (fast), or HTTP Basic (slow, throttled)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, BasicAuthentication, get_authorization_header
from rest_framework.request import Request

from bizshop.accounts import services
from bizshop.accounts.models import ApiToken, User
from bizshop.core.errors import ApplicationError
from bizshop.core.http import client_ip


class EndUserBasicAuthentication(BasicAuthentication):
    """HTTP Basic with an end user's e-mail and password, kept for compatibility.

    Every request hashes the password (on purpose slow: ~0.3 s of CPU), so clients should sign in
    once for an API token instead. Failures count in the portal login's per-account and per-IP
    windows (429 with Retry-After once over) and are audited; only end-user accounts get in.
    """

    def authenticate_credentials(self, userid: str, password: str, request: Request | None = None) -> tuple[User, None]:
        try:
            user = services.end_user_sign_in(
                email=userid,
                password=password,
                client_ip=client_ip(request) if request is not None else "",
                channel="http_basic",
            )
        except ApplicationError as exc:
            if exc.status == 401:  # DRF's own failure, so the answer carries the Basic challenge
                raise exceptions.AuthenticationFailed(str(exc.message)) from exc
            raise
        return (user, None)


class EndUserTokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer eut_…``: a token from ``POST /api/v1/auth/token/``.

    Bearer values without the end-user prefix are left alone (a partner API key sent here is
    simply not an end user's credential)."""

    keyword = b"bearer"

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        header = get_authorization_header(request).split()
        if len(header) != 2 or header[0].lower() != self.keyword:
            return None
        raw_token = header[1].decode("latin-1")
        if not raw_token.startswith(services.API_TOKEN_PREFIX):
            return None
        token = services.api_token_authenticate(raw_token=raw_token)
        if token is None:
            raise exceptions.AuthenticationFailed(
                _("유효하지 않거나 만료·폐기된 토큰입니다. 다시 로그인해 새 토큰을 받아 주세요.")
            )
        return (token.user, token)

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="end-user"'


class EndUserTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "bizshop.accounts.authentication.EndUserTokenAuthentication"
    name = "EndUserToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer", "description": "최종 사용자 API 토큰 (POST /api/v1/auth/token/)"}


class EndUserBasicScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "bizshop.accounts.authentication.EndUserBasicAuthentication"
    name = "EndUserBasic"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "basic",
            "description": "최종 사용자 이메일·비밀번호 (호환용, 느림: 요청마다 비밀번호 해시). API 토큰을 쓰세요.",
        }
