"""Orders API: create, list, pay (card or virtual account), cancel, refund, sandbox deposits,
the order's event log and its money documents (quote, statement, receipt PDFs)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bizshop.billing import documents, errors, selectors, services
from bizshop.billing.banks import BANKS
from bizshop.billing.filters import OrderFilter
from bizshop.billing.models import Order, PaymentMethod
from bizshop.core import fields
from bizshop.core.api import CursorPagination
from bizshop.core.idempotency import idempotent
from bizshop.partners.authentication import request_partner


class DepositSerializer(serializers.Serializer[Any]):
    bank = serializers.CharField()
    account_number = serializers.CharField()
    amount = serializers.IntegerField()
    due_at = serializers.DateTimeField()


class OrderSerializer(serializers.ModelSerializer[Order]):
    emoticon_id = serializers.IntegerField()
    emoticon_title = serializers.CharField()
    registered_quantity = serializers.SerializerMethodField(help_text="codes of the order registered by end users")
    deposit = serializers.SerializerMethodField()
    payment_id = serializers.SerializerMethodField(
        help_text="the payment that paid the order (null until paid); name it in a merge request"
    )
    memo = serializers.CharField(
        read_only=True,
        help_text="your own note on the order (e.g. a campaign name), up to 200 characters; set it with PATCH. "
        "Only your partner's keys and members see it: never operators, webhooks or PDFs",
    )

    class Meta:
        model = Order
        fields = [
            "id",
            "status",
            "emoticon_id",
            "emoticon_title",
            "period_days",
            "quantity",
            "unit_price",
            "supply_amount",
            "vat_amount",
            "total_amount",
            "issued_quantity",
            "registered_quantity",
            "created_at",
            "paid_at",
            "payment_id",
            "deposit",
            "memo",
        ]

    def get_registered_quantity(self, order: Order) -> int:
        # Annotated by the partner's order selector; an order fresh from a service has none yet.
        return int(getattr(order, "registered_quantity", 0) or 0)

    def get_payment_id(self, order: Order) -> int | None:
        payment = selectors.order_payment(order=order)
        return payment.pk if payment is not None else None

    @extend_schema(responses=DepositSerializer(allow_null=True))  # type: ignore[misc]
    def get_deposit(self, order: Order) -> dict[str, Any] | None:
        payment = selectors.order_virtual_account(order=order)
        if payment is None or payment.due_at is None:
            return None
        return {
            "bank": payment.bank,
            "account_number": payment.account_number,
            "amount": payment.amount,
            "due_at": serializers.DateTimeField().to_representation(payment.due_at),
        }


class OrderCreateSerializer(serializers.Serializer[Any]):
    emoticon_id = fields.IntegerField()
    # The schema names what an order may be; the service refuses the rest with its own codes
    # (invalid_period, quantity_out_of_range: API.md), so the serializer does not check them first.
    period_days = fields.IntegerField(schema={"enum": [30, 60]})
    quantity = fields.IntegerField(schema={"minimum": 1})


class PaymentSerializer(serializers.Serializer[Any]):
    method = fields.CharField(schema={"enum": ["card", "virtual_account"]})  # else invalid_payment_method
    card_token = serializers.CharField(required=False, allow_blank=True)


class OrderListCreateApi(generics.ListAPIView[Order]):
    serializer_class = OrderSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = OrderFilter

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # the OpenAPI schema reads the filters' model
            return Order.objects.none()
        return selectors.order_list_for_partner(partner=request_partner(self.request))

    @extend_schema(request=OrderCreateSerializer, responses={201: OrderSerializer})
    @idempotent
    def post(self, request: Request) -> Response:
        data = OrderCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = services.order_create(partner=request_partner(request), **data.validated_data)
        return Response(OrderSerializer(order).data, status=status.HTTP_201_CREATED)


class MemoField(fields.CharField):
    """A JSON string only: DRF would turn ``0`` or ``true`` into text the client never wrote."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return str(super().to_internal_value(data))


class OrderMemoSerializer(serializers.Serializer[Any]):
    # Over 200 characters is the service's memo_too_long, so the serializer does not check it first.
    # Absent, nothing changes (a PATCH names what it changes); "" clears the memo.
    memo = MemoField(required=False, allow_blank=True, trim_whitespace=True, schema={"maxLength": services.MEMO_MAX})


class OrderDetailApi(APIView):
    @extend_schema(responses=OrderSerializer)
    def get(self, request: Request, order_id: int) -> Response:
        order = selectors.order_get_for_partner(partner=request_partner(request), order_id=order_id)
        return Response(OrderSerializer(order).data)

    @extend_schema(
        request=OrderMemoSerializer,
        responses=OrderSerializer,
        summary="Set the order's memo",
        description="Your private note on the order; an empty string clears it. Errors: `memo_too_long` (422), "
        "`not_found` (404, also for another partner's order).",
    )
    def patch(self, request: Request, order_id: int) -> Response:
        partner = request_partner(request)
        # Another partner's order is not_found whatever the body: the order is looked up first.
        selectors.order_get_for_partner(partner=partner, order_id=order_id)
        data = OrderMemoSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if "memo" in data.validated_data:
            services.order_memo_update(partner=partner, order_id=order_id, memo=data.validated_data["memo"])
        return Response(OrderSerializer(selectors.order_get_for_partner(partner=partner, order_id=order_id)).data)


class OrderPaymentApi(APIView):
    @extend_schema(request=PaymentSerializer, responses=OrderSerializer)
    @idempotent
    def post(self, request: Request, order_id: int) -> Response:
        data = PaymentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        partner = request_partner(request)
        method = data.validated_data["method"]
        if method == PaymentMethod.CARD:
            order = services.order_pay_by_card(
                order_id=order_id, partner=partner, card_token=data.validated_data.get("card_token", "")
            )
        elif method == PaymentMethod.VIRTUAL_ACCOUNT:
            order = services.order_open_virtual_account(order_id=order_id, partner=partner)
        else:
            raise errors.INVALID_PAYMENT_METHOD(method=method)
        return Response(OrderSerializer(order).data)


class OrderCancelApi(APIView):
    @extend_schema(request=None, responses=OrderSerializer)
    @idempotent
    def post(self, request: Request, order_id: int) -> Response:
        order = services.order_cancel(order_id=order_id, partner=request_partner(request))
        return Response(OrderSerializer(order).data)


class RefundAccountSerializer(serializers.Serializer[Any]):
    # Checked by services.refund_account_clean (invalid_refund_account); the schema says the same.
    bank = fields.CharField(
        help_text="bank code (금융결제원): " + ", ".join(f"{c} {n}" for c, n in BANKS),
        schema={"enum": [code for code, _name in BANKS]},
    )
    account_number = fields.CharField(
        help_text="10–16 digits; hyphens allowed", schema={"pattern": "^[- ]*([0-9][- ]*){10,16}$"}
    )
    holder = fields.CharField(help_text="예금주", schema={"pattern": "\\S", "maxLength": 50})


class RefundSerializer(serializers.Serializer[Any]):
    refund_account = RefundAccountSerializer(
        required=False, help_text="required when the order was paid by virtual account: where the money goes back"
    )


class OrderRefundApi(APIView):
    @extend_schema(request=RefundSerializer, responses=OrderSerializer)
    @idempotent
    def post(self, request: Request, order_id: int) -> Response:
        # The account's fields are checked by the service, so the API and the portal refuse alike.
        given = request.data.get("refund_account") if isinstance(request.data, dict) else None
        order = services.order_refund(
            order_id=order_id,
            partner=request_partner(request),
            refund_account=given if isinstance(given, dict) else None,
        )
        return Response(OrderSerializer(order).data)


class SandboxDepositSerializer(serializers.Serializer[Any]):
    order_id = fields.IntegerField()


class SandboxDepositApi(APIView):
    @extend_schema(request=SandboxDepositSerializer, responses=OrderSerializer)
    @idempotent
    def post(self, request: Request) -> Response:
        data = SandboxDepositSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = services.sandbox_deposit_send(
            order_id=data.validated_data["order_id"], partner=request_partner(request)
        )
        return Response(OrderSerializer(order).data)


class DepositNotificationResultSerializer(serializers.Serializer[Any]):
    ok = serializers.BooleanField()
    outcome = serializers.ChoiceField(
        choices=["applied", "not_awaiting", "ignored"],
        help_text="ignored: a genuine PG notification that is not a deposit (PortOne reports every payment)",
    )
    refund_status = serializers.ChoiceField(choices=["not_needed", "required", "completed"])


class DepositNotificationApi(APIView):
    """Where the PG posts deposit notifications (no partner auth): the sandbox's HMAC-signed in
    ``X-Signature``, PortOne's webhooks signed the Standard Webhooks way (``webhook-id``,
    ``webhook-timestamp``, ``webhook-signature``).

    Not behind ``Idempotency-Key``: the PG's own notification id makes a replay harmless.
    """

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    @extend_schema(
        request={"application/json": OpenApiTypes.OBJECT},
        responses={200: DepositNotificationResultSerializer},
        description="PG → shop. 400 invalid_notification: bad signature, unreadable body, unknown account, "
        "wrong amount (recorded for an operator refund). Money for an account that no longer awaits it is "
        "acknowledged and flagged refund_status=required. 503 pg_unavailable: PortOne could not be asked "
        "about the payment (PortOne sends the webhook again).",
    )
    def post(self, request: Request) -> Response:
        notification = services.payment_deposit_receive(
            body=request.body, signature=request.headers.get("X-Signature", ""), headers=request.headers
        )
        if notification is None:
            return Response({"ok": True, "outcome": "ignored", "refund_status": "not_needed"})
        return Response({"ok": True, "outcome": notification.outcome, "refund_status": notification.refund_status})


# Built from a dict: "label" and "data" would shadow attributes of a Serializer class.
_ORDER_EVENT = inline_serializer(
    name="OrderEvent",
    fields={
        "id": serializers.IntegerField(),
        "kind": serializers.CharField(
            help_text="created, payment_approved, virtual_account_opened, deposit_received, cancelled, expired, "
            "issuance_requested, refund_requested, refund_completed, unapplied_deposit, unapplied_deposit_refunded"
        ),
        "label": serializers.CharField(help_text="the kind in Korean"),
        "text": serializers.CharField(help_text="one line for people, with amounts and quantities"),
        "data": serializers.DictField(),
        "created_at": serializers.DateTimeField(),
    },
)
OrderEventSerializer = type(_ORDER_EVENT)


class EventPagination(CursorPagination):
    ordering = "id"


class OrderEventListApi(generics.ListAPIView[Any]):
    """주문 이력: what happened to the order, oldest first."""

    serializer_class = OrderEventSerializer
    pagination_class = EventPagination

    def get_queryset(self) -> Any:
        order = selectors.order_get_for_partner(partner=request_partner(self.request), order_id=self.kwargs["order_id"])
        return selectors.order_events(order=order)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None  # always paginated
        return self.get_paginated_response(
            [OrderEventSerializer(selectors.order_event_view(event)).data for event in page]
        )


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


QUOTE_PARAMETERS = [
    OpenApiParameter("emoticon_id", int, required=True),
    OpenApiParameter("period_days", int, required=True, enum=[30, 60]),
    OpenApiParameter("quantity", {"type": "integer", "minimum": 1}, required=True),
]


class QuotePdfApi(APIView):
    """견적서 PDF for an order not made yet; refuses what order creation would refuse, with the same codes."""

    @extend_schema(parameters=QUOTE_PARAMETERS, responses={(200, "application/pdf"): bytes})
    def get(self, request: Request) -> HttpResponse:
        data = OrderCreateSerializer(data=request.query_params)
        data.is_valid(raise_exception=True)
        partner = request_partner(request)
        price = selectors.order_price(**data.validated_data)
        return _pdf(
            documents.quote_pdf(partner=partner, price=price),
            f"bizshop-quote-{price.emoticon.pk}-{price.period_days}d-{price.quantity}.pdf",
        )


class OrderStatementPdfApi(APIView):
    """거래명세서 PDF of a paid order; 409 invalid_state before payment."""

    @extend_schema(responses={(200, "application/pdf"): bytes})
    def get(self, request: Request, order_id: int) -> HttpResponse:
        order = selectors.order_get_for_partner(partner=request_partner(request), order_id=order_id)
        return _pdf(documents.statement_pdf(order=order), f"bizshop-order-{order.pk}-statement.pdf")


class OrderReceiptPdfApi(APIView):
    """영수증 PDF of a paid order; 409 invalid_state before payment."""

    @extend_schema(responses={(200, "application/pdf"): bytes})
    def get(self, request: Request, order_id: int) -> HttpResponse:
        order = selectors.order_get_for_partner(partner=request_partner(request), order_id=order_id)
        return _pdf(documents.receipt_pdf(order=order), f"bizshop-order-{order.pk}-receipt.pdf")
