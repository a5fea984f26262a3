"""Partner profile and withdrawal API."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bizshop.core.http import client_ip
from bizshop.partners.authentication import request_partner
from bizshop.partners.models import ApiKey, Partner
from bizshop.partners.services import partner_withdraw


class PartnerSerializer(serializers.ModelSerializer[Partner]):
    class Meta:
        model = Partner
        fields = [
            "id",
            "name",
            "business_registration_number",
            "representative",
            "address",
            "contact_name",
            "contact_phone",
            "invoice_email",
            "status",
            "created_at",
        ]


class PartnerProfileApi(APIView):
    @extend_schema(responses=PartnerSerializer)
    def get(self, request: Request) -> Response:
        return Response(PartnerSerializer(request_partner(request)).data)


class WithdrawalSerializer(serializers.Serializer[Any]):
    password = serializers.CharField(
        help_text="비밀번호 확인: API 키를 만든 관리자(소유자)의 로그인 비밀번호", trim_whitespace=False, min_length=1
    )


class PartnerWithdrawalApi(APIView):
    """탈퇴. The key's creator must be an owner and confirm with their password."""

    @extend_schema(
        request=WithdrawalSerializer,
        responses={
            204: OpenApiResponse(description="탈퇴 완료"),
            403: OpenApiResponse(description="owner_required / invalid_password"),
            409: OpenApiResponse(
                description="withdrawal_blocked: details.reasons = [{code: pending_deposit|unissued_codes|"
                "refund_in_progress, order_ids: [...]}]"
            ),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = WithdrawalSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        partner = request_partner(request)  # also asserts request.auth is an ApiKey
        api_key: ApiKey = request.auth  # type: ignore[assignment]
        partner_withdraw(
            partner=partner,
            user=api_key.created_by,
            password=serializer.validated_data["password"],
            ip=client_ip(request),
        )
        return Response(status=204)
