"""End-user API tokens: sign in once for a short-lived token, revoke it when done."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bizshop.accounts import services
from bizshop.accounts.authentication import EndUserTokenAuthentication
from bizshop.accounts.models import ApiToken
from bizshop.core.http import client_ip


class TokenRequestSerializer(serializers.Serializer[Any]):
    email = serializers.CharField(min_length=1, max_length=254, trim_whitespace=True)
    password = serializers.CharField(min_length=1, max_length=4096, trim_whitespace=False)


class TokenSerializer(serializers.Serializer[Any]):
    token = serializers.CharField()
    token_type = serializers.CharField()
    expires_at = serializers.DateTimeField()


class ApiTokenApi(APIView):
    """``POST``: an end user's e-mail and password for a token (throttled and audited like the
    portal login); ``DELETE`` with that token: revoke it."""

    authentication_classes = [EndUserTokenAuthentication]
    required_scope = ""  # not a partner route

    def get_permissions(self) -> list[Any]:
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]

    def get_authenticators(self) -> list[Any]:
        # Signing in carries no credential header to check; a stale token sent along must not fail it.
        request = getattr(self, "request", None)
        if request is not None and request.method == "POST":
            return []
        return super().get_authenticators()

    @extend_schema(request=TokenRequestSerializer, responses={201: TokenSerializer}, auth=[])
    def post(self, request: Request) -> Response:
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        issued = services.api_token_issue(
            email=data.validated_data["email"], password=data.validated_data["password"], client_ip=client_ip(request)
        )
        body = {"token": issued.raw_token, "token_type": "Bearer", "expires_at": issued.token.expires_at}
        return Response(
            TokenSerializer(body).data, status=status.HTTP_201_CREATED, headers={"Cache-Control": "no-store"}
        )

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request) -> Response:
        if not isinstance(request.auth, ApiToken):  # only a token can revoke itself
            raise exceptions.NotAuthenticated()
        services.api_token_revoke(token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)
