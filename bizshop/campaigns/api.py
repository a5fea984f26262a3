"""Deliveries API: send an order's codes to a list of winners, follow it, resend (API.md, Deliveries)."""

from __future__ import annotations

import json
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
    inline_serializer,
)
from rest_framework import exceptions, generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bizshop.accounts.models import User
from bizshop.billing.selectors import order_get_for_partner
from bizshop.campaigns import selectors, services
from bizshop.campaigns.models import Channel, Delivery, Recipient
from bizshop.core import errors as core_errors
from bizshop.core import fields
from bizshop.core.schema import list_envelope
from bizshop.partners.authentication import request_partner


class RecipientInputSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    email = serializers.CharField(required=False)
    phone = serializers.CharField(required=False)


@extend_schema_field(
    {
        "type": "object",
        "properties": {
            "name": {"type": "string", "minLength": 1, "maxLength": 50},
            "email": {"type": "string", "maxLength": 254, "description": "required for channel email"},
            "phone": {"type": "string", "description": "a Korean mobile number, required for channel sms"},
        },
        "required": ["name"],
    }
)
class _RowField(serializers.Field):  # type: ignore[type-arg]
    """One recipient row as sent: the service checks it (with its row number in the answer)."""

    def to_internal_value(self, data: Any) -> Any:
        return data

    def to_representation(self, value: Any) -> Any:
        return value


class DeliveryCreateSerializer(serializers.Serializer[Any]):
    channel = serializers.ChoiceField(choices=Channel.values)
    template = fields.CharField(min_length=1, max_length=2000, trim_whitespace=False)
    # Checked row by row by the service (recipients.py), fast for 100,000 rows; DRF's nested
    # serializers took seconds for that many.
    recipients = serializers.ListField(child=_RowField(), min_length=1)


class DeliveryCountsSerializer(serializers.Serializer[Any]):
    queued = serializers.IntegerField()
    sending = serializers.IntegerField()
    sent = serializers.IntegerField()
    failed = serializers.IntegerField()
    registered = serializers.IntegerField()


@extend_schema_serializer(component_name="CodeDelivery")  # webhooks has its own "Delivery"
class DeliverySerializer(serializers.ModelSerializer[Delivery]):
    counts = serializers.SerializerMethodField()

    class Meta:
        model = Delivery
        fields = [
            "id",
            "order_id",
            "channel",
            "status",
            "recipient_count",
            "counts",
            "created_at",
            "finished_at",
            "contacts_erased_at",
        ]

    def get_counts(self, delivery: Delivery) -> dict[str, int]:
        return selectors.delivery_counts(delivery=delivery)


class RecipientSerializer(serializers.ModelSerializer[Recipient]):
    status = serializers.SerializerMethodField()
    name = serializers.SerializerMethodField()
    email = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()

    class Meta:
        model = Recipient
        fields = [
            "id",
            "row_number",
            "name",
            "email",
            "phone",
            "status",
            "attempts",
            "last_error",
            "sent_at",
            "message_id",
        ]

    def _contacts(self, recipient: Recipient) -> dict[str, Any]:
        cached: dict[str, Any] | None = getattr(recipient, "_masked", None)
        if cached is None:
            cached = selectors.recipient_contacts(recipient)
            recipient._masked = cached  # type: ignore[attr-defined]
        return cached

    def get_status(self, recipient: Recipient) -> str:
        """queued, sending, sent, failed; registered once the code is registered."""
        return selectors.recipient_status(recipient)

    def get_name(self, recipient: Recipient) -> str | None:
        """Masked (홍*동); null once erased."""
        value: str | None = self._contacts(recipient)["name"]
        return value

    def get_email(self, recipient: Recipient) -> str | None:
        """Masked (h***@example.com)."""
        value: str | None = self._contacts(recipient)["email"]
        return value

    def get_phone(self, recipient: Recipient) -> str | None:
        """Masked (010-****-5678)."""
        value: str | None = self._contacts(recipient)["phone"]
        return value


def _large_json_body(request: Request) -> Any:
    """The JSON body, read past DATA_UPLOAD_MAX_MEMORY_SIZE: DRF's parser goes through
    ``request.body``, which refuses anything over 2.5 MB. The size is capped before the view by
    ApiErrorBodyMiddleware (API_BODY_LIMITS)."""
    django_request = request._request
    if django_request.content_type != "application/json":
        raise exceptions.UnsupportedMediaType(django_request.content_type or "")
    try:
        return json.loads(django_request.read() or b"null")
    except (ValueError, RecursionError) as exc:
        raise exceptions.ParseError(str(core_errors.MALFORMED_JSON.message)) from exc


def _user(request: Request) -> User | None:
    user = getattr(request, "user", None)
    return user if isinstance(user, User) else None


class DeliveryListCreateApi(generics.ListAPIView[Delivery]):
    """The order's deliveries, newest first (paged); POST starts one."""

    serializer_class = DeliverySerializer

    def get_queryset(self) -> QuerySet[Delivery]:
        order = order_get_for_partner(partner=request_partner(self.request), order_id=self.kwargs["order_id"])
        return selectors.delivery_list_for_order(order_id=order.pk)

    @extend_schema(responses=list_envelope("DeliveryList", DeliverySerializer()))
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=DeliveryCreateSerializer,
        responses={
            202: inline_serializer(
                "DeliveryAccepted",
                {
                    "id": serializers.IntegerField(),
                    "status": serializers.CharField(),
                    "recipient_count": serializers.IntegerField(),
                },
            )
        },
    )
    def post(self, request: Request, order_id: int) -> Response:
        data = DeliveryCreateSerializer(data=_large_json_body(request))
        data.is_valid(raise_exception=True)
        delivery = services.delivery_create(
            order_id=order_id,
            partner=request_partner(request),
            channel=data.validated_data["channel"],
            template=data.validated_data["template"],
            recipients=data.validated_data["recipients"],
            user=_user(request),
        )
        delivery.refresh_from_db()
        return Response(
            {"id": delivery.pk, "status": delivery.status, "recipient_count": delivery.recipient_count},
            status=status.HTTP_202_ACCEPTED,
        )


class DeliveryDetailApi(APIView):
    @extend_schema(responses=DeliverySerializer)
    def get(self, request: Request, order_id: int, send_id: int) -> Response:
        delivery = selectors.delivery_get(order_id=order_id, partner=request_partner(request), delivery_id=send_id)
        return Response(DeliverySerializer(delivery).data)


class RecipientListApi(generics.ListAPIView[Recipient]):
    serializer_class = RecipientSerializer

    def get_queryset(self) -> QuerySet[Recipient]:
        delivery = selectors.delivery_get(
            order_id=self.kwargs["order_id"], partner=request_partner(self.request), delivery_id=self.kwargs["send_id"]
        )
        wanted = self.request.query_params.get("status") or None
        if wanted is not None and wanted not in selectors.RECIPIENT_STATUS_FILTERS:
            raise serializers.ValidationError({"status": [f"one of {', '.join(selectors.RECIPIENT_STATUS_FILTERS)}"]})
        return selectors.recipient_list(delivery=delivery, status=wanted)

    def paginate_queryset(self, queryset: Any) -> Any:
        assert self.paginator is not None
        self.paginator.ordering = "id"  # type: ignore[attr-defined]
        return super().paginate_queryset(queryset)

    @extend_schema(
        parameters=[OpenApiParameter("status", str, enum=list(selectors.RECIPIENT_STATUS_FILTERS), required=False)],
        responses=list_envelope("RecipientList", RecipientSerializer()),
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        return super().get(request, *args, **kwargs)


class RecipientResendApi(APIView):
    @extend_schema(request=None, responses={202: RecipientSerializer})
    def post(self, request: Request, order_id: int, send_id: int, recipient_id: int) -> Response:
        recipient = services.recipient_resend(
            order_id=order_id, partner=request_partner(request), delivery_id=send_id, recipient_id=recipient_id
        )
        recipient = selectors.recipient_list(delivery=recipient.delivery).get(pk=recipient.pk)
        return Response(RecipientSerializer(recipient).data, status=status.HTTP_202_ACCEPTED)


class DeliveryResendFailedApi(APIView):
    @extend_schema(
        request=None, responses={202: inline_serializer("ResendFailed", {"queued": serializers.IntegerField()})}
    )
    def post(self, request: Request, order_id: int, send_id: int) -> Response:
        queued = services.delivery_resend_failed(
            order_id=order_id, partner=request_partner(request), delivery_id=send_id
        )
        return Response({"queued": queued}, status=status.HTTP_202_ACCEPTED)
