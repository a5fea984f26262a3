"""Operator views of tax invoices: read-only, never deleted (kept 5 years), with the PDF and
an audited e-mail resend (재발송)."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bizshop.core.admin import ReadOnlyAdminMixin
from bizshop.core.errors import ApplicationError
from bizshop.invoices import delivery
from bizshop.invoices.models import (
    PROVIDER_CONFIRMED,
    InvoiceMergeRequest,
    InvoiceMonth,
    Reconciliation,
    TaxInvoice,
    TaxInvoiceLine,
)
from bizshop.invoices.pdf import invoice_pdf
from bizshop.invoices.reconciliation import reconciliation_report


class TaxInvoiceLineInline(admin.TabularInline[TaxInvoiceLine, TaxInvoice]):
    model = TaxInvoiceLine
    extra = 0
    can_delete = False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class TransmissionStatusFilter(admin.SimpleListFilter):
    title = _("국세청 전송")
    parameter_name = "transmission"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("pending", _("전송 대기")),
            ("sent", _("전송됨(승인 전)")),
            ("confirmed", _("승인")),
            ("rejected", _("거부")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value == "pending":
            return queryset.filter(transmitted_at=None, transmission_rejected_at=None)
        if value == "sent":
            return queryset.filter(transmitted_at__isnull=False, transmission_rejected_at=None).exclude(
                provider_state=PROVIDER_CONFIRMED
            )
        if value == "confirmed":
            return queryset.filter(provider_state=PROVIDER_CONFIRMED)
        if value == "rejected":
            return queryset.filter(transmission_rejected_at__isnull=False)
        return queryset


@admin.register(TaxInvoice)
class TaxInvoiceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[TaxInvoice]):
    list_display = (
        "number",
        "kind",
        "write_date",
        "recipient_name",
        "recipient_brn",
        "total_amount",
        "emailed_at",
        "transmission_status",
        "pdf_link",
    )
    list_filter = ("kind", "supply_month", TransmissionStatusFilter)
    search_fields = ("number", "approval_number", "nts_confirm_number", "recipient_name", "recipient_brn")
    inlines = [TaxInvoiceLineInline]
    actions = ["resend_email", "retry_transmission"]

    @admin.display(description=_("국세청 전송"))
    def transmission_status(self, invoice: TaxInvoice) -> str:
        if invoice.transmission_rejected_at is not None:
            return format_html(
                '<strong style="color:#b00">{}</strong> {} {}',
                gettext("거부"),
                invoice.transmission_error_code,
                invoice.transmission_error,
            )
        if invoice.transmitted_at is None:
            return gettext("전송 대기")
        if invoice.provider_state == PROVIDER_CONFIRMED:
            return format_html("{} {}", gettext("승인"), invoice.nts_confirm_number)
        return format_html("{} {}", gettext("전송됨"), invoice.provider_state)

    def has_retry_transmission_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("backoffice.resend_invoice_emails")

    @admin.action(description=_("전송 거부 해제 후 재전송"), permissions=["retry_transmission"])
    def retry_transmission(self, request: HttpRequest, queryset: QuerySet[TaxInvoice]) -> None:
        for invoice in queryset.order_by("pk"):
            cleared = delivery.invoice_transmission_retry(invoice_id=invoice.pk, operator=request.user)  # type: ignore[arg-type]
            if cleared:
                self.message_user(
                    request, gettext("%(number)s: 다음 전송 때 다시 보냅니다.") % {"number": invoice.number}
                )
            else:
                self.message_user(
                    request,
                    gettext("%(number)s: 해제할 전송 거부가 없습니다(국세청 전송실패는 팝빌에서 처리).")
                    % {"number": invoice.number},
                    messages.WARNING,
                )

    def get_urls(self) -> list[URLPattern]:
        pdf = path(
            "<int:invoice_id>/pdf/",
            self.admin_site.admin_view(self.pdf_view),
            name="invoices_taxinvoice_pdf",
        )
        return [pdf, *super().get_urls()]

    def pdf_view(self, request: HttpRequest, invoice_id: int) -> HttpResponse:
        """The invoice's PDF for operators, whatever became of the partner (kept 5 years)."""
        invoice = self.get_queryset(request).filter(pk=invoice_id).first()
        if invoice is None or not self.has_view_permission(request, invoice):
            raise Http404
        response = HttpResponse(invoice_pdf(invoice=invoice), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="tax-invoice-{invoice.number}.pdf"'
        return response

    @admin.display(description=_("PDF"))
    def pdf_link(self, invoice: TaxInvoice) -> str:
        return format_html('<a href="{}">PDF</a>', reverse("admin:invoices_taxinvoice_pdf", args=[invoice.pk]))

    def has_resend_email_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("backoffice.resend_invoice_emails")

    @admin.action(description=_("세금계산서 이메일 재발송"), permissions=["resend_email"])
    def resend_email(self, request: HttpRequest, queryset: QuerySet[TaxInvoice]) -> None:
        for invoice in queryset.order_by("pk"):
            try:
                address = delivery.invoice_email_resend(invoice_id=invoice.pk, operator=request.user)  # type: ignore[arg-type]
            except ApplicationError as exc:
                self.message_user(request, f"{invoice.number}: {exc.message}", messages.ERROR)
                continue
            self.message_user(
                request,
                gettext("%(number)s: %(address)s(으)로 다시 보냅니다.")
                % {"number": invoice.number, "address": address},
                messages.SUCCESS,
            )


@admin.register(InvoiceMonth)
class InvoiceMonthAdmin(admin.ModelAdmin[InvoiceMonth]):
    list_display = ("month", "run_started_at", "run_finished_at", "issued_count", "last_reconciliation")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("최근 대사"))
    def last_reconciliation(self, month: InvoiceMonth) -> str:
        last = Reconciliation.objects.filter(month=month.month).order_by("-checked_at").first()
        return str(last) if last else "-"


@admin.register(Reconciliation)
class ReconciliationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Reconciliation]):
    """월별 대사: the monthly run's check (and every ``reconcile_month``), newest first; read-only."""

    list_display = (
        "month",
        "checked_at",
        "ok",
        "payment_count",
        "received_amount",
        "refunded_amount",
        "invoiced_amount",
    )
    list_filter = ("month",)
    ordering = ("-checked_at",)
    readonly_fields = (
        "month",
        "checked_at",
        "payment_count",
        "received_amount",
        "refunded_amount",
        "invoiced_amount",
        "report",
    )
    exclude = ("mismatches",)

    @admin.display(boolean=True, description=_("일치"))
    def ok(self, result: Reconciliation) -> bool:
        return result.ok

    @admin.display(description=_("대사 결과"))
    def report(self, result: Reconciliation) -> str:
        return format_html("<pre>{}</pre>", "\n".join(reconciliation_report(result)))


@admin.register(InvoiceMergeRequest)
class InvoiceMergeRequestAdmin(admin.ModelAdmin[InvoiceMergeRequest]):
    list_display = ("id", "partner", "month", "status", "invoice", "created_at")
    list_filter = ("status",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
