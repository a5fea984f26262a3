"""Partner API of tax invoices (API.md): list, detail, PDF, merge requests."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bizshop.core import fields
from bizshop.core.idempotency import idempotent
from bizshop.invoices import selectors, services
from bizshop.invoices.filters import InvoiceFilter
from bizshop.invoices.models import InvoiceMergeRequest, TaxInvoice
from bizshop.invoices.pdf import invoice_pdf
from bizshop.partners.authentication import request_partner


class InvoiceLineSerializer(serializers.Serializer[Any]):
    supply_date = serializers.DateField()
    item = serializers.CharField()
    period_days = serializers.IntegerField()
    quantity = serializers.IntegerField()
    unit_price = serializers.IntegerField()
    supply_amount = serializers.IntegerField()
    vat_amount = serializers.IntegerField()
    order_id = serializers.IntegerField()
    payment_id = serializers.IntegerField()


class InvoiceSerializer(serializers.ModelSerializer[TaxInvoice]):
    payment_ids = serializers.SerializerMethodField()
    original_id = serializers.IntegerField(
        allow_null=True, read_only=True, help_text="deprecated name of original_invoice_id"
    )
    original_invoice_id = serializers.IntegerField(
        source="original_id",
        allow_null=True,
        read_only=True,
        help_text="the invoice an amended one corrects (null unless kind is amended)",
    )

    nts_confirm_number = serializers.CharField(
        read_only=True,
        help_text="국세청 승인번호 as the e-invoicing provider reported it (empty until then; "
        "where set, it is the number on the PDF and the one the NTS knows)",
    )

    class Meta:
        model = TaxInvoice
        fields = [
            "id",
            "number",
            "approval_number",
            "nts_confirm_number",
            "kind",
            "write_date",
            "supply_month",
            "supply_amount",
            "vat_amount",
            "total_amount",
            "payment_ids",
            "original_invoice_id",
            "original_id",
            "amendment_reason",
            "issued_at",
            "recipient_brn",
            "recipient_name",
        ]

    def get_payment_ids(self, invoice: TaxInvoice) -> list[int]:
        return selectors.invoice_payment_ids(invoice)


class InvoiceDetailSerializer(InvoiceSerializer):
    lines = InvoiceLineSerializer(many=True, read_only=True)

    class Meta(InvoiceSerializer.Meta):
        fields = [*InvoiceSerializer.Meta.fields, "supplier_brn", "supplier_name", "receipt_mark", "lines"]


class InvoiceListApi(ListAPIView[TaxInvoice]):
    serializer_class = InvoiceSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = InvoiceFilter

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # the OpenAPI schema reads the filters' model
            return TaxInvoice.objects.none()
        return selectors.invoice_list_for_partner(partner=request_partner(self.request))


class InvoiceDetailApi(APIView):
    @extend_schema(responses=InvoiceDetailSerializer)
    def get(self, request: Request, invoice_id: int) -> Response:
        invoice = selectors.invoice_get_for_partner(partner=request_partner(request), invoice_id=invoice_id)
        return Response(InvoiceDetailSerializer(invoice).data)


class InvoicePdfApi(APIView):
    @extend_schema(responses={(200, "application/pdf"): OpenApiResponse(description="세금계산서 PDF")})
    def get(self, request: Request, invoice_id: int) -> HttpResponse:
        invoice = selectors.invoice_get_for_partner(partner=request_partner(request), invoice_id=invoice_id)
        response = HttpResponse(invoice_pdf(invoice=invoice), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="tax-invoice-{invoice.number}.pdf"'
        return response


class MergeRequestInputSerializer(serializers.Serializer[Any]):
    # Two different payments at least: the service says too_few_payments otherwise.
    payment_ids = fields.ListField(
        child=fields.IntegerField(min_value=1), min_length=2, max_length=1000, schema={"uniqueItems": True}
    )


class MergeRequestSerializer(serializers.ModelSerializer[InvoiceMergeRequest]):
    month = serializers.DateField(format="%Y-%m")
    payment_ids = serializers.SerializerMethodField()
    invoice_id = serializers.IntegerField(allow_null=True, read_only=True)

    class Meta:
        model = InvoiceMergeRequest
        fields = ["id", "month", "status", "payment_ids", "invoice_id", "created_at"]

    def get_payment_ids(self, request: InvoiceMergeRequest) -> list[int]:
        return sorted(link.payment_id for link in request.payment_links.all())


class InvoiceMergeRequestCreateApi(APIView):
    @extend_schema(request=MergeRequestInputSerializer, responses={201: MergeRequestSerializer})
    @idempotent
    def post(self, request: Request) -> Response:
        data = MergeRequestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        merge_request = services.invoice_merge_request_create(
            partner=request_partner(request),
            payment_ids=data.validated_data["payment_ids"],
            user=request.user if getattr(request.user, "is_authenticated", False) else None,
        )
        return Response(MergeRequestSerializer(merge_request).data, status=status.HTTP_201_CREATED)
