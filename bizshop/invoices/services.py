"""Tax invoice writes: the monthly run (월 발행) and merge requests (병합 발행 신청).

Amendments live in ``amendments``, delivery in ``delivery``, numbering and rows in ``writing``,
month arithmetic and the run's schedule in ``months``, the money check in ``reconciliation``.

Once: ``InvoicePayment`` has a unique (payment, amendment) key; the month's ``InvoiceMonth``
row lock orders merge requests, the run's batches and amendments of that month, so reruns and
concurrent runs issue nothing twice and a refund racing the run is either excluded from it or
amended after it.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Exists, F, OuterRef, QuerySet
from django.utils import timezone

from bizshop.billing.models import Payment, PaymentStatus
from bizshop.billing.selectors import OrderAction, order_available_actions
from bizshop.invoices import errors
from bizshop.invoices.delivery import deliver_after_commit
from bizshop.invoices.models import (
    InvoiceKind,
    InvoiceMergeRequest,
    InvoiceMergeRequestPayment,
    InvoiceMonth,
    InvoicePayment,
    MergeRequestStatus,
)
from bizshop.invoices.months import month_bounds, month_of, run_scheduled_at
from bizshop.invoices.writing import (
    PAYMENT_FIELDS,
    brn_changes,
    business_number_at,
    drafts_for_payments,
    invoices_insert,
    lock_month,
)
from bizshop.partners.models import Partner

logger = logging.getLogger(__name__)

RUN_BATCH_SIZE = 2000


def _approved_payments_of_month(month: date) -> QuerySet[Payment]:
    start, end = month_bounds(month)
    return Payment.objects.filter(status=PaymentStatus.APPROVED, approved_at__gte=start, approved_at__lt=end)


def _not_invoiced(payments: QuerySet[Payment]) -> QuerySet[Payment]:
    return payments.exclude(Exists(InvoicePayment.objects.filter(payment_id=OuterRef("pk"), amendment=False)))


def invoice_month_run(*, month: date, deliver: bool = True, batch_size: int = RUN_BATCH_SIZE) -> int:
    """월 발행: one invoice per approved payment of ``month`` not yet invoiced, one merged invoice
    per accepted merge request. Closes that month's merge requests first. Safe to rerun and to
    run concurrently. Returns how many invoices this call issued. ``deliver=False`` leaves the
    PDFs, e-mails and NTS transmission to ``invoice_deliver_pending`` (benchmarks, backfills)."""
    month = month.replace(day=1)
    with transaction.atomic():
        state = lock_month(month)
        if state.run_started_at is None:
            state.run_started_at = timezone.now()
            state.save(update_fields=["run_started_at"])
    issued = 0
    request_ids = InvoiceMergeRequest.objects.filter(month=month, status=MergeRequestStatus.ACCEPTED).order_by("id")
    for request_id in list(request_ids.values_list("id", flat=True)):
        issued += _merge_request_issue(request_id=request_id, month=month, deliver=deliver)
    in_accepted_request = InvoiceMergeRequestPayment.objects.filter(
        payment_id=OuterRef("pk"), request__status=MergeRequestStatus.ACCEPTED
    )
    cursor = 0
    while True:
        with transaction.atomic():
            # Batches of concurrent runs (and amendments of this month) take turns on this lock;
            # the query below runs after it is granted, so it sees every earlier batch's keys.
            InvoiceMonth.objects.select_for_update().get(month=month)
            rows = list(
                _not_invoiced(_approved_payments_of_month(month))
                .filter(id__gt=cursor)
                .exclude(Exists(in_accepted_request))
                .order_by("id")
                .values(*PAYMENT_FIELDS)[:batch_size]
            )
            if not rows:
                break
            cursor = rows[-1]["id"]
            invoice_ids = invoices_insert(drafts_for_payments(rows, kind=InvoiceKind.NORMAL, month=month, merged=False))
            InvoiceMonth.objects.filter(month=month).update(issued_count=F("issued_count") + len(invoice_ids))
            if deliver:
                deliver_after_commit(invoice_ids)
        issued += len(invoice_ids)
    InvoiceMonth.objects.filter(month=month).update(run_finished_at=timezone.now())
    logger.info("tax invoices for %s: %s issued by this run", f"{month:%Y-%m}", issued)
    return issued


def _merge_request_issue(*, request_id: int, month: date, deliver: bool) -> int:
    with transaction.atomic():
        InvoiceMonth.objects.select_for_update().get(month=month)
        request = InvoiceMergeRequest.objects.select_for_update().get(pk=request_id)
        if request.status != MergeRequestStatus.ACCEPTED:
            return 0
        payment_ids = list(request.payment_links.values_list("payment_id", flat=True))
        rows = list(
            _not_invoiced(_approved_payments_of_month(month))
            .filter(id__in=payment_ids)
            .order_by("approved_at", "id")
            .values(*PAYMENT_FIELDS)
        )
        if not rows:
            request.status = MergeRequestStatus.VOID
            request.save(update_fields=["status"])
            return 0
        kind = InvoiceKind.MERGED if len(rows) > 1 else InvoiceKind.NORMAL
        (invoice_id,) = invoices_insert(drafts_for_payments(rows, kind=kind, month=month, merged=len(rows) > 1))
        request.status = MergeRequestStatus.ISSUED
        request.invoice_id = invoice_id
        request.save(update_fields=["status", "invoice"])
        InvoiceMonth.objects.filter(month=month).update(issued_count=F("issued_count") + 1)
        if deliver:
            deliver_after_commit([invoice_id])
    return 1


# --- merge requests ------------------------------------------------------------------------


def invoice_merge_request_create(*, partner: Partner, payment_ids: list[int], user: Any = None) -> InvoiceMergeRequest:
    """병합 발행 신청: the partner's approved payments of one month, one business number, whose
    orders are fully issued, none invoiced or requested yet, before that month's run starts
    (``months.run_scheduled_at``, or an earlier explicit run)."""
    ids = sorted({int(pid) for pid in payment_ids})
    if len(ids) < 2:
        raise errors.TOO_FEW_PAYMENTS(payment_ids=ids)
    found: dict[int, datetime | None] = dict(
        Payment.objects.filter(pk__in=ids, partner=partner).values_list("id", "approved_at")
    )
    missing = [pid for pid in ids if pid not in found]
    if missing:
        raise errors.PAYMENT_NOT_FOUND(payment_ids=missing)
    approved_at = {pid: at for pid, at in found.items() if at is not None}
    if len(approved_at) < len(found):
        raise errors.PAYMENT_NOT_APPROVED(payment_ids=sorted(set(found) - set(approved_at)))
    months = sorted({month_of(at) for at in approved_at.values()})
    if len(months) > 1:
        raise errors.DIFFERENT_MONTH(months=[f"{m:%Y-%m}" for m in months])
    month = months[0]
    with transaction.atomic():
        state = lock_month(month)
        deadline = run_scheduled_at(month)
        if state.run_started_at is not None or timezone.now() >= deadline:
            raise errors.REQUEST_WINDOW_CLOSED(month=f"{month:%Y-%m}", deadline=deadline.isoformat())
        payments = list(Payment.objects.filter(pk__in=ids).select_related("order").order_by("id"))
        unapproved = [p.pk for p in payments if p.status != PaymentStatus.APPROVED]
        if unapproved:
            raise errors.PAYMENT_NOT_APPROVED(payment_ids=unapproved)
        changes = brn_changes({partner.pk}).get(partner.pk, [])
        numbers = {business_number_at(partner, p.approved_at, changes) for p in payments if p.approved_at}
        if len(numbers) > 1:
            raise errors.DIFFERENT_BUSINESS(business_registration_numbers=sorted(numbers))
        unissued = sorted(
            {
                p.order_id
                for p in payments
                if p.order is None or OrderAction.REQUEST_MERGED_INVOICE not in order_available_actions(p.order)
            },
            key=lambda order_id: order_id or 0,
        )
        if unissued:
            raise errors.CODES_NOT_FULLY_ISSUED(order_ids=unissued)
        taken = set(
            InvoicePayment.objects.filter(payment_id__in=ids, amendment=False).values_list("payment_id", flat=True)
        )
        taken |= set(InvoiceMergeRequestPayment.objects.filter(payment_id__in=ids).values_list("payment_id", flat=True))
        if taken:
            raise errors.ALREADY_INVOICED(payment_ids=sorted(taken))
        request = InvoiceMergeRequest.objects.create(partner=partner, month=month, requested_by=user)
        InvoiceMergeRequestPayment.objects.bulk_create(
            [InvoiceMergeRequestPayment(request=request, payment_id=pid) for pid in ids]
        )
    return request


def invoice_months_catch_up(*, deliver: bool = True) -> list[date]:
    """Months whose run has started but that hold approved payments not yet invoiced: a deposit
    notification that arrived after the run with a deposit time in that month (a PG's late
    retry), or a payment approved while the run was paging past its id. Each is run again (it
    issues only what is missing); returns them, oldest first."""
    caught_up = []
    for month in (
        InvoiceMonth.objects.filter(run_started_at__isnull=False).order_by("month").values_list("month", flat=True)
    ):
        if _not_invoiced(_approved_payments_of_month(month)).exists():
            invoice_month_run(month=month, deliver=deliver)
            caught_up.append(month)
    return caught_up
