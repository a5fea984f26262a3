"""Codes API: issuances, the order's codes, code lookup, and end users' registrations."""

from __future__ import annotations

import functools
from typing import Any

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import generics, serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bizshop.accounts.authentication import EndUserBasicAuthentication, EndUserTokenAuthentication
from bizshop.accounts.models import User
from bizshop.billing.selectors import order_get_for_partner
from bizshop.codes import errors, export, guide, selectors, services, stickers
from bizshop.codes import format as code_format
from bizshop.codes.crypto import get_keyring
from bizshop.codes.models import CodeExport, Issuance, Registration, SerialCode
from bizshop.core import fields
from bizshop.core.http import client_ip
from bizshop.core.idempotency import idempotent
from bizshop.core.schema import list_envelope
from bizshop.partners.authentication import request_partner


class IssuanceSerializer(serializers.ModelSerializer[Issuance]):
    class Meta:
        model = Issuance
        fields = ["id", "order_id", "status", "quantity", "issued_count", "registration_deadline", "created_at"]


class IssuanceCreateSerializer(serializers.Serializer[Any]):
    quantity = fields.IntegerField(required=False, allow_null=True, min_value=1)


class CodeSerializer(serializers.ModelSerializer[SerialCode]):
    code = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()
    registration_deadline = serializers.DateTimeField(source="issuance.registration_deadline")
    registration_url = serializers.SerializerMethodField()

    class Meta:
        model = SerialCode
        fields = ["code", "status", "issuance_id", "registration_deadline", "registered_at", "registration_url"]

    def get_code(self, code: SerialCode) -> str:
        return code_format.display(get_keyring().decrypt(code.key_id, code.ciphertext))

    def get_registration_url(self, code: SerialCode) -> str:
        """The one-tap link: the code rides in the fragment only (export.code_registration_url)."""
        return export.code_registration_url(self.get_code(code), page_url=self._page_url)

    @functools.cached_property
    def _page_url(self) -> str:
        return export.registration_url()

    def get_status(self, code: SerialCode) -> str:
        return selectors.code_effective_status(code)


class CodeInputSerializer(serializers.Serializer[Any]):
    # The shape of a code (API.md, Serial code format); its check symbol is the service's to verify.
    code = fields.CharField(
        trim_whitespace=False, max_length=64, schema={"pattern": "^[ -]*([0-9A-TV-Za-tv-z][ -]*){20}$"}
    )


class MyStickerSerializer(serializers.Serializer[Any]):
    """One sticker of the user's set: the image (PNG, WebP or GIF as uploaded) and a WebP thumbnail,
    both at URLs signed for the requesting user that stop working within minutes."""

    url = serializers.URLField()
    thumbnail_url = serializers.URLField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    animated = serializers.BooleanField()


class RegistrationSerializer(serializers.Serializer[Registration]):
    # Declared rather than a ModelSerializer: it answers every registration, and deriving a
    # ModelSerializer's fields from the model on each use was most of its cost.
    emoticon_id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(source="emoticon.title", read_only=True)
    period_days = serializers.IntegerField(read_only=True)
    registered_at = serializers.DateTimeField(read_only=True)
    usage_expires_at = serializers.DateTimeField(read_only=True)
    usage_expired = serializers.SerializerMethodField()

    def get_usage_expired(self, registration: Registration) -> bool:
        return registration.usage_expires_at <= timezone.now()


class MyEmoticonSerializer(RegistrationSerializer):
    """A registration in the user's list: the registration, the emoticon's image and its sticker set."""

    image_url = serializers.SerializerMethodField()
    stickers = serializers.SerializerMethodField()

    def get_image_url(self, registration: Registration) -> str | None:
        """The emoticon's representative image: public, at a content-hashed URL."""
        image = registration.emoticon.representative_image
        return self._absolute(image.url) if image else None

    @extend_schema_field(MyStickerSerializer(many=True))
    def get_stickers(self, registration: Registration) -> list[dict[str, Any]]:
        """The set's stickers through URLs signed for this user, valid for minutes; none once the
        usage period is over (the images are then refused)."""
        rows = self.context.get("sticker_rows")
        if rows is None:  # a registration serialized on its own
            rows = selectors.sticker_rows_for_emoticons(emoticon_ids=[registration.emoticon_id])
        signed = stickers.signed_stickers(registration=registration, stickers=rows.get(registration.emoticon_id, []))
        origin = self._origin()
        return [
            {
                "url": origin + sticker.url,
                "thumbnail_url": origin + sticker.thumbnail_url,
                "width": sticker.width,
                "height": sticker.height,
                "animated": sticker.animated,
            }
            for sticker in signed
        ]

    def _origin(self) -> str:
        """``https://host`` of the request (empty without one), worked out once per response: a page of
        sets names hundreds of sticker URLs, and each look-up of a serializer's context walks to its root."""
        context = self.context
        if "origin" not in context:
            request = context.get("request")
            context["origin"] = request.build_absolute_uri("/")[:-1] if request is not None else ""
        origin: str = context["origin"]
        return origin

    def _absolute(self, url: str) -> str:
        return self._origin() + url


class IssuanceListCreateApi(APIView):
    @extend_schema(
        operation_id="v1_orders_issuances_list", responses=list_envelope("IssuanceList", IssuanceSerializer())
    )
    def get(self, request: Request, order_id: int) -> Response:
        order = order_get_for_partner(partner=request_partner(request), order_id=order_id)
        issuances = selectors.issuance_list_for_order(order=order)
        return Response({"results": IssuanceSerializer(issuances, many=True).data, "next": None})

    @extend_schema(request=IssuanceCreateSerializer, responses={202: IssuanceSerializer})
    @idempotent
    def post(self, request: Request, order_id: int) -> Response:
        data = IssuanceCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        issuance = services.issuance_start(
            order_id=order_id, partner=request_partner(request), quantity=data.validated_data.get("quantity")
        )
        issuance.refresh_from_db()  # tasks that ran in-process have already moved it on
        return Response(IssuanceSerializer(issuance).data, status=status.HTTP_202_ACCEPTED)


class IssuanceDetailApi(APIView):
    @extend_schema(responses=IssuanceSerializer)
    def get(self, request: Request, order_id: int, issuance_id: int) -> Response:
        order = order_get_for_partner(partner=request_partner(request), order_id=order_id)
        issuance = selectors.issuance_list_for_order(order=order).filter(pk=issuance_id).first()
        if issuance is None:
            raise errors.ISSUANCE_NOT_FOUND()
        return Response(IssuanceSerializer(issuance).data)


class CodeExportSerializer(serializers.ModelSerializer[CodeExport]):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = CodeExport
        fields = ["id", "order_id", "format", "status", "row_count", "created_at", "finished_at", "download_url"]

    def get_download_url(self, code_export: CodeExport) -> str | None:
        if code_export.status != CodeExport.Status.READY:
            return None
        path = reverse("api:code-export-file", args=[code_export.order_id, code_export.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class OrderCodeListApi(generics.ListAPIView[SerialCode]):
    """Paged JSON; ``?format=csv`` or ``?format=xlsx`` hands over every code of the order as a file."""

    serializer_class = CodeSerializer

    def get_queryset(self) -> Any:
        order = order_get_for_partner(partner=request_partner(self.request), order_id=self.kwargs["order_id"])
        return selectors.code_list_for_order(order=order)

    def paginate_queryset(self, queryset: Any) -> Any:
        assert self.paginator is not None
        self.paginator.ordering = "id"  # type: ignore[attr-defined]
        return super().paginate_queryset(queryset)

    @extend_schema(
        parameters=[OpenApiParameter("format", str, enum=["json", "csv", "xlsx"], required=False)],
        responses={
            (200, "application/json"): list_envelope("CodeList", CodeSerializer()),
            (200, "text/csv"): bytes,
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): bytes,
            202: OpenApiResponse(
                CodeExportSerializer,
                description="format=xlsx of an order of more than 100,000 codes: the file is built in the "
                "background (poll the export in Location until status is ready, then GET its download_url).",
            ),
        },
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        wanted = request.query_params.get("format", "json")
        if wanted == "json":
            return super().get(request, *args, **kwargs)
        order = order_get_for_partner(partner=request_partner(request), order_id=kwargs["order_id"])
        filename = f"bizshop-order-{order.pk}-codes"
        if wanted == "csv":
            response = StreamingHttpResponse(export.csv_stream(order=order), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
            return response
        if wanted == "xlsx" and order.issued_quantity > export.xlsx_direct_limit():
            # An XLSX is written whole before its first byte (its zip directory comes last): for a large
            # order that is a minute of silence past any proxy's timeout. The file is built in the
            # background instead, as the portal does; the answer says where to poll.
            code_export = services.code_export_request(order_id=order.pk, partner=order.partner, file_format="xlsx")
            code_export.refresh_from_db()  # built in-process when tasks run eagerly
            location = reverse("api:code-export-detail", args=[order.pk, code_export.pk])
            accepted = Response(CodeExportSerializer(code_export, context={"request": request}).data, status=202)
            accepted["Location"] = request.build_absolute_uri(location)
            return accepted
        if wanted == "xlsx":
            return FileResponse(
                export.xlsx_file(order=order),
                as_attachment=True,
                filename=f"{filename}.xlsx",
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        raise errors.UNSUPPORTED_EXPORT_FORMAT(format=wanted)


class CodeExportCreateSerializer(serializers.Serializer[Any]):
    format = serializers.ChoiceField(choices=CodeExport.Format.choices)


class CodeExportListCreateApi(APIView):
    """Background files of every code of an order: request one, then poll until ``ready``."""

    @extend_schema(
        operation_id="v1_orders_exports_list", responses=list_envelope("CodeExportList", CodeExportSerializer())
    )
    def get(self, request: Request, order_id: int) -> Response:
        order = order_get_for_partner(partner=request_partner(request), order_id=order_id)
        exports = selectors.code_export_list_for_order(order=order)
        return Response(
            {"results": CodeExportSerializer(exports, many=True, context={"request": request}).data, "next": None}
        )

    @extend_schema(request=CodeExportCreateSerializer, responses={202: CodeExportSerializer})
    @idempotent
    def post(self, request: Request, order_id: int) -> Response:
        data = CodeExportCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        code_export = services.code_export_request(
            order_id=order_id, partner=request_partner(request), file_format=data.validated_data["format"]
        )
        code_export.refresh_from_db()  # built in-process when tasks run eagerly
        return Response(CodeExportSerializer(code_export, context={"request": request}).data, status=202)


def _own_export(request: Request, order_id: int, export_id: int) -> CodeExport:
    order = order_get_for_partner(partner=request_partner(request), order_id=order_id)
    code_export = selectors.code_export_list_for_order(order=order).filter(pk=export_id).first()
    if code_export is None:
        raise errors.EXPORT_NOT_FOUND()
    return code_export


class CodeExportDetailApi(APIView):
    @extend_schema(responses=CodeExportSerializer)
    def get(self, request: Request, order_id: int, export_id: int) -> Response:
        code_export = _own_export(request, order_id, export_id)
        return Response(CodeExportSerializer(code_export, context={"request": request}).data)


class CodeExportFileApi(APIView):
    @extend_schema(
        responses={(200, content_type.split(";")[0]): bytes for content_type in export.EXPORT_CONTENT_TYPES.values()}
    )
    def get(self, request: Request, order_id: int, export_id: int) -> StreamingHttpResponse:
        code_export = _own_export(request, order_id, export_id)
        content = services.code_export_download(
            code_export=code_export, api_key_id=getattr(request.auth, "pk", None), ip=client_ip(request) or ""
        )
        return export.file_response(code_export, content)


class OrderGuidePdfApi(APIView):
    """사용방법 안내 가이드 PDF of the order."""

    @extend_schema(responses={(200, "application/pdf"): bytes})
    def get(self, request: Request, order_id: int) -> HttpResponse:
        order = order_get_for_partner(partner=request_partner(request), order_id=order_id)
        response = HttpResponse(guide.guide_pdf(order=order), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="bizshop-order-{order.pk}-guide.pdf"'
        return response


class CodeLookupApi(APIView):
    @extend_schema(request=CodeInputSerializer, responses=CodeSerializer)
    def post(self, request: Request) -> Response:
        data = CodeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        code = services.code_lookup(partner=request_partner(request), raw_code=data.validated_data["code"])
        return Response(CodeSerializer(code).data)


class VoidedCodeSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    last_characters = serializers.CharField(help_text="The voided code's last 4 characters.")
    status = serializers.CharField()


class ReplacementCodeSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    code = serializers.CharField()
    status = serializers.CharField()
    issuance_id = serializers.IntegerField()
    registration_deadline = serializers.DateTimeField()
    registration_url = serializers.CharField()


class CodeVoidResponseSerializer(serializers.Serializer[Any]):
    voided = VoidedCodeSerializer()
    replacement = ReplacementCodeSerializer()


def code_replacement_data(result: services.CodeReplacement) -> dict[str, Any]:
    """The answer to a void-and-replace: shared by the API and the portal's form."""
    display = code_format.display(result.replacement_code)
    return {
        "voided": {"id": result.voided.pk, "last_characters": result.voided_last_characters, "status": "voided"},
        "replacement": {
            "id": result.replacement.pk,
            "code": display,
            "status": "issued",
            "issuance_id": result.replacement.issuance_id,
            "registration_deadline": result.registration_deadline,
            "registration_url": export.code_registration_url(display),
        },
    }


class OrderCodeVoidApi(APIView):
    """잘못 보낸 코드 교체: void one unregistered code of the order and get its replacement at once.

    Not idempotent by key on purpose: the answer holds a new code in plaintext, which the
    idempotency store would keep unencrypted. A retry after a lost answer gets ``code_voided``;
    the replacement is then the order's newest code (GET …/codes/).
    """

    @extend_schema(
        request=CodeInputSerializer,
        responses={
            200: CodeVoidResponseSerializer,
            404: OpenApiResponse(description="not_found (the order), code_not_found"),
            409: OpenApiResponse(description="code_already_registered"),
            410: OpenApiResponse(description="code_voided, registration_period_over"),
            422: OpenApiResponse(description="invalid_code_format, invalid_check_character"),
        },
    )
    def post(self, request: Request, order_id: int) -> Response:
        partner = request_partner(request)
        order_get_for_partner(partner=partner, order_id=order_id)  # another partner's order: 404 before all
        data = CodeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.code_void_and_replace(
            order_id=order_id,
            partner=partner,
            code=data.validated_data["code"],
            actor=request.user if isinstance(request.user, User) else None,
        )
        return Response(CodeVoidResponseSerializer(code_replacement_data(result)).data)


class DayCountSerializer(serializers.Serializer[Any]):
    date = serializers.DateField()
    count = serializers.IntegerField()


class OrderCampaignStatsSerializer(serializers.Serializer[Any]):
    issued = serializers.IntegerField()
    registered = serializers.IntegerField()
    expired_unregistered = serializers.IntegerField()
    voided = serializers.IntegerField()
    unregistered_open = serializers.IntegerField()
    registrations_by_day = DayCountSerializer(many=True)
    assigned = serializers.IntegerField(help_text="codes given to a delivery recipient (코드 보내기)")
    sent = serializers.IntegerField(help_text="codes sent to their recipient")
    delivery_failed = serializers.IntegerField(help_text="codes whose sending failed")


class OrderCampaignStatsApi(APIView):
    @extend_schema(responses=OrderCampaignStatsSerializer)
    def get(self, request: Request, order_id: int) -> Response:
        order = order_get_for_partner(partner=request_partner(request), order_id=order_id)
        stats = selectors.order_campaign_stats(order_id=order.pk)
        return Response(OrderCampaignStatsSerializer(stats).data)


class EndUserApi(APIView):
    """End-user endpoints: an API token, a signed-in session, or HTTP Basic with e-mail and
    password (compatibility only: slow, throttled, end users only; accounts.authentication)."""

    # Basic first: DRF takes the challenge from the first class, so missing or wrong
    # credentials answer 401 with WWW-Authenticate (Session has no challenge and gave 403).
    authentication_classes = [EndUserBasicAuthentication, EndUserTokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated]


class RegistrationCreateApi(EndUserApi):
    @extend_schema(
        request=CodeInputSerializer,
        responses={
            201: inline_serializer(
                "RegistrationCreated",
                {
                    "emoticon_id": serializers.IntegerField(),
                    "title": serializers.CharField(),
                    "registered_at": serializers.DateTimeField(),
                    "usage_expires_at": serializers.DateTimeField(),
                },
            ),
            403: OpenApiResponse(description="email_not_verified: 이메일 인증 전인 사용자는 등록할 수 없습니다."),
            404: OpenApiResponse(description="code_not_found"),
            409: OpenApiResponse(description="code_already_registered"),
            410: OpenApiResponse(description="registration_period_over, code_voided"),
            422: OpenApiResponse(description="invalid_code_format, invalid_check_character"),
            429: OpenApiResponse(description="too_many_attempts (Retry-After 헤더)"),
        },
    )
    @idempotent
    def post(self, request: Request) -> Response:
        data = CodeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        registration = services.code_register(
            user=request.user,  # type: ignore[arg-type]
            raw_code=data.validated_data["code"],
            client_ip=client_ip(request),
        )
        return Response(RegistrationSerializer(registration).data, status=status.HTTP_201_CREATED)


class MyEmoticonListApi(EndUserApi, generics.ListAPIView[Registration]):
    """The end user's emoticons, newest first, paged like every list of the API."""

    serializer_class = MyEmoticonSerializer

    def get_queryset(self) -> Any:
        return selectors.registration_list_for_user(user=self.request.user)  # type: ignore[arg-type]

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset()) or []
        # Every sticker of the page's sets in one query, read as tuples rather than models.
        rows = selectors.sticker_rows_for_emoticons(emoticon_ids=[r.emoticon_id for r in page])
        context = {**self.get_serializer_context(), "sticker_rows": rows}
        return self.get_paginated_response(MyEmoticonSerializer(page, many=True, context=context).data)  # type: ignore[arg-type]
