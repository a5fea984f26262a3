"""Tax invoice tasks: the monthly run (Celery beat, 1st of the month, KST) and delivery; safe to run twice."""

from __future__ import annotations

from celery import shared_task

from bizshop.invoices import services


@shared_task
def invoice_month_run_task(month: str | None = None) -> int:
    """Issue the invoices of ``month`` (YYYY-MM), by default the month before today in Asia/Seoul."""
    target = services.parse_month(month) if month else services.previous_month()
    return services.invoice_month_run(month=target)


@shared_task
def invoice_deliver_task(*, invoice_ids: list[int]) -> None:
    for invoice_id in invoice_ids:
        services.invoice_deliver(invoice_id=invoice_id)


@shared_task
def invoice_deliver_pending_task() -> int:
    return services.invoice_deliver_pending()


@shared_task
def invoice_email_send_task(*, invoice_id: int, to: str) -> None:
    """An operator's resend (재발송); sending twice only sends the same e-mail twice."""
    services.invoice_email_send(invoice_id=invoice_id, to=to)
