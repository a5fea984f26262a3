"""Tax invoice tasks: the monthly run and its reconciliation (Celery beat, ``INVOICE_RUN_DAY``,
KST), delivery; safe to run twice."""

from __future__ import annotations

import logging

from celery import shared_task

from bizshop.invoices import delivery, services
from bizshop.invoices.months import parse_month, previous_month
from bizshop.invoices.reconciliation import reconcile_month, reconciliation_report

logger = logging.getLogger(__name__)


@shared_task
def invoice_month_run_task(month: str | None = None) -> int:
    """Issue the invoices of ``month`` (YYYY-MM), by default the month before today in Asia/Seoul,
    then reconcile that month; a mismatch is logged as an error and kept for the back office."""
    target = parse_month(month) if month else previous_month()
    issued = services.invoice_month_run(month=target)
    # Earlier months that took money after their run (a late deposit notification) are invoiced
    # now, and reconciled again with this one.
    months = sorted({target, *services.invoice_months_catch_up()})
    for checked in months:
        result = reconcile_month(month=checked)
        report = "\n".join(reconciliation_report(result))
        if result.ok:
            logger.info("reconciliation %s", report)
        else:
            logger.error("reconciliation mismatch %s", report)
    return issued


@shared_task
def invoice_deliver_task(*, invoice_ids: list[int]) -> None:
    # Transmission first, in batches when the provider takes them; then each e-mail once.
    delivery.invoices_transmit(invoice_ids=invoice_ids)
    for invoice_id in invoice_ids:
        delivery.invoice_deliver(invoice_id=invoice_id, transmit=False)


@shared_task
def invoice_deliver_pending_task() -> int:
    return delivery.invoice_deliver_pending()


@shared_task
def invoice_provider_poll_task() -> int:
    """Status poll (Celery beat): what the provider and the NTS made of transmitted invoices."""
    return delivery.invoices_provider_poll()


@shared_task
def invoice_email_send_task(*, invoice_id: int, to: str) -> None:
    """An operator's resend (재발송); sending twice only sends the same e-mail twice."""
    delivery.invoice_email_send(invoice_id=invoice_id, to=to)
