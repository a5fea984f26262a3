"""Tax invoice reads for partners: their invoices and the payments they may still ask to merge."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from bizshop.billing.models import Payment, PaymentStatus
from bizshop.billing.selectors import OrderAction, order_available_actions
from bizshop.invoices import errors
from bizshop.invoices.models import (
    InvoiceMergeRequest,
    InvoiceMergeRequestPayment,
    InvoiceMonth,
    InvoicePayment,
    TaxInvoice,
)
from bizshop.invoices.months import month_of, run_scheduled_at
from bizshop.partners.models import Partner


def invoice_list_for_partner(*, partner: Partner) -> QuerySet[TaxInvoice]:
    return TaxInvoice.objects.filter(partner=partner).prefetch_related(
        Prefetch("payment_links", queryset=InvoicePayment.objects.order_by("payment_id"))
    )


def invoice_get_for_partner(*, partner: Partner, invoice_id: int) -> TaxInvoice:
    invoice = invoice_list_for_partner(partner=partner).select_related("original").filter(pk=invoice_id).first()
    if invoice is None:
        raise errors.INVOICE_NOT_FOUND(invoice_id=invoice_id)
    return invoice


def invoice_payment_ids(invoice: TaxInvoice) -> list[int]:
    return [link.payment_id for link in invoice.payment_links.all()]


def merge_request_list_for_partner(*, partner: Partner) -> QuerySet[InvoiceMergeRequest]:
    return (
        InvoiceMergeRequest.objects.filter(partner=partner)
        .select_related("invoice")
        .prefetch_related("payment_links")
        .order_by("-id")
    )


def mergeable_payments_for_partner(*, partner: Partner) -> list[dict[str, Any]]:
    """Approved payments not invoiced nor requested, of months still open to merge requests
    (their run has not started and its scheduled time has not come), each with its month's
    deadline and whether its codes are all issued (only those may be merged)."""
    now = timezone.now()
    started = set(InvoiceMonth.objects.filter(run_started_at__isnull=False).values_list("month", flat=True))
    payments = (
        Payment.objects.filter(partner=partner, status=PaymentStatus.APPROVED)
        .exclude(Exists(InvoicePayment.objects.filter(payment_id=OuterRef("pk"), amendment=False)))
        .exclude(Exists(InvoiceMergeRequestPayment.objects.filter(payment_id=OuterRef("pk"))))
        .select_related("order")
        .order_by("-approved_at", "-id")
    )
    rows = []
    for payment in payments[:500]:
        if payment.approved_at is None:
            continue
        month = month_of(payment.approved_at)
        deadline = run_scheduled_at(month)
        if month in started or now >= deadline:
            continue
        rows.append(
            {
                "payment": payment,
                "order": payment.order,
                "month": month,
                "deadline": deadline,
                "codes_issued": payment.order is not None
                and OrderAction.REQUEST_MERGED_INVOICE in order_available_actions(payment.order),
            }
        )
    return rows
