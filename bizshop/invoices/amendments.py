"""Amended tax invoices (수정세금계산서, 계약의 해제): a refund of an invoiced payment is answered,
in the refund's own transaction, by a negative invoice dated the refund day that points at
the original (부가가치세법 시행령 §70①2). A payment refunded before it was invoiced is simply
never invoiced: the monthly run reads approved payments only.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from bizshop.billing.models import Payment, PaymentStatus
from bizshop.invoices import errors
from bizshop.invoices.delivery import deliver_after_commit
from bizshop.invoices.models import AMENDMENT_REASON_CANCELLATION, InvoiceKind, InvoicePayment, TaxInvoice
from bizshop.invoices.months import local_date, month_of
from bizshop.invoices.writing import Draft, invoices_insert, lock_month
from bizshop.partners.models import Partner


def invoice_amend_for_refund(*, payment_id: int, cancelled_at: datetime) -> TaxInvoice | None:
    """수정세금계산서 (계약의 해제): call it in the refund's transaction, after the payment was
    marked cancelled. If the payment's invoice was issued, writes the negative invoice dated the
    cancellation day, linked to the original (once: a second call returns the same one). If it
    was not, returns None: the monthly run only invoices approved payments, so it skips it."""
    with transaction.atomic():
        payment = Payment.objects.filter(pk=payment_id).values("approved_at", "status").first()
        if payment is None or payment["approved_at"] is None:
            return None
        if payment["status"] == PaymentStatus.APPROVED:
            raise errors.PAYMENT_NOT_CANCELLED(payment_id=payment_id)
        # The run's batches hold this lock while they read approved payments: either the run
        # saw the payment cancelled, or its invoice exists by the time we look below.
        lock_month(month_of(payment["approved_at"]))
        existing = (
            InvoicePayment.objects.filter(payment_id=payment_id, amendment=True).select_related("invoice").first()
        )
        if existing is not None:
            return existing.invoice
        link = InvoicePayment.objects.filter(payment_id=payment_id, amendment=False).select_related("invoice").first()
        if link is None:
            return None
        original = link.invoice
        lines = [
            {
                "supply_date": local_date(cancelled_at),
                "order_id": line.order_id,
                "payment_id": line.payment_id,
                "item": line.item,
                "period_days": line.period_days,
                "quantity": -line.quantity,
                "unit_price": line.unit_price,
                "supply_amount": -line.supply_amount,
                "vat_amount": -line.vat_amount,
            }
            for line in original.lines.filter(payment_id=payment_id).order_by("position")
        ]
        recipient = {
            name: getattr(original, name)
            for name in (
                "recipient_name",
                "recipient_brn",
                "recipient_representative",
                "recipient_address",
                "recipient_email",
            )
        }
        # The amendment corrects the original's parties as they were; it is sent where the
        # partner receives invoices now (the original's address once it has withdrawn).
        partner = original.partner
        if partner.status == Partner.Status.ACTIVE and partner.invoice_email:
            recipient["recipient_email"] = partner.invoice_email
        (amended_id,) = invoices_insert(
            [
                Draft(
                    partner=original.partner,
                    kind=InvoiceKind.AMENDED,
                    write_date=local_date(cancelled_at),
                    supply_month=original.supply_month,
                    recipient=recipient,
                    lines=lines,
                    payment_ids=[payment_id],
                    amendment=True,
                    original=original,
                    amendment_reason=AMENDMENT_REASON_CANCELLATION,
                )
            ]
        )
        deliver_after_commit([amended_id])
    return TaxInvoice.objects.get(pk=amended_id)


def invoice_amend_on_refund(*, payment_id: int, refunded_at: datetime) -> None:
    """Billing's refund hook (``billing.hooks.on_payment_refunded``), registered at start-up."""
    invoice_amend_for_refund(payment_id=payment_id, cancelled_at=refunded_at)
