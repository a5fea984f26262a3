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
from bizshop.invoices.models import InvoiceMergeRequest, InvoiceMonth, Reconciliation, TaxInvoice, TaxInvoiceLine
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
        "pdf_link",
    )
    list_filter = ("kind", "supply_month")
    search_fields = ("number", "approval_number", "recipient_name", "recipient_brn")
    inlines = [TaxInvoiceLineInline]
    actions = ["resend_email"]

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
