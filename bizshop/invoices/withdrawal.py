"""Invoices' answer to a partner's withdrawal (탈퇴): nothing is deleted. Issued invoices are kept
5 years (국세기본법 §85-3) with their own copy of both parties; payments not yet invoiced are
kept by billing and invoiced by the month's run to the partner as it was at withdrawal (the
withdrawn partner row is never edited again), accepted merge requests included."""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from bizshop.billing.models import Payment, PaymentStatus
from bizshop.invoices.models import InvoicePayment
from bizshop.partners.models import Partner
from bizshop.partners.withdrawal import WithdrawalAnswer


def _purge(partner: Partner) -> dict[str, int]:
    awaiting = (
        Payment.objects.filter(partner=partner, status=PaymentStatus.APPROVED)
        .exclude(Exists(InvoicePayment.objects.filter(payment_id=OuterRef("pk"), amendment=False)))
        .count()
    )
    return {"payments_awaiting_invoice": awaiting}


WITHDRAWAL_ANSWER = WithdrawalAnswer(app="invoices", order=30, purge=_purge)
