"""Operator views of tax invoices: read-only, never deleted (kept 5 years)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from bizshop.invoices.models import InvoiceMergeRequest, InvoiceMonth, TaxInvoice, TaxInvoiceLine


class TaxInvoiceLineInline(admin.TabularInline[TaxInvoiceLine, TaxInvoice]):
    model = TaxInvoiceLine
    extra = 0
    can_delete = False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(TaxInvoice)
class TaxInvoiceAdmin(admin.ModelAdmin[TaxInvoice]):
    list_display = ("number", "kind", "write_date", "recipient_name", "recipient_brn", "total_amount", "emailed_at")
    list_filter = ("kind", "supply_month")
    search_fields = ("number", "approval_number", "recipient_name", "recipient_brn")
    inlines = [TaxInvoiceLineInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(InvoiceMonth)
class InvoiceMonthAdmin(admin.ModelAdmin[InvoiceMonth]):
    list_display = ("month", "run_started_at", "run_finished_at", "issued_count")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(InvoiceMergeRequest)
class InvoiceMergeRequestAdmin(admin.ModelAdmin[InvoiceMergeRequest]):
    list_display = ("id", "partner", "month", "status", "invoice", "created_at")
    list_filter = ("status",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
