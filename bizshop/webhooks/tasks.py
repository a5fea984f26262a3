"""Webhook tasks: one delivery attempt per run; beat sends what is due (retries) and purges old payloads."""

from __future__ import annotations

from celery import shared_task

from bizshop.webhooks.services import deliveries_due, delivery_attempt, webhook_payloads_purge


@shared_task(acks_late=True)
def webhook_deliver_task(delivery_id: int) -> str:
    return str(delivery_attempt(delivery_id=delivery_id).status)


@shared_task
def webhook_deliver_due_task() -> int:
    due = deliveries_due()
    for delivery_id in due:
        webhook_deliver_task.delay(delivery_id)
    return len(due)


@shared_task
def webhook_payloads_purge_task() -> int:
    return webhook_payloads_purge()
