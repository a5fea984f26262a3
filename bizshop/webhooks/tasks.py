"""Webhook delivery tasks: one attempt per run; the beat task sends what is due (retries)."""

from __future__ import annotations

from celery import shared_task

from bizshop.webhooks.services import deliveries_due, delivery_attempt


@shared_task(acks_late=True)
def webhook_deliver_task(delivery_id: int) -> str:
    return str(delivery_attempt(delivery_id=delivery_id).status)


@shared_task
def webhook_deliver_due_task() -> int:
    due = deliveries_due()
    for delivery_id in due:
        webhook_deliver_task.delay(delivery_id)
    return len(due)
