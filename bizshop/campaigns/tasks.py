"""Celery tasks of deliveries: take ids, call a service, safe to run twice (rows are claimed)."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import transaction

from bizshop.campaigns import services


def backoff_seconds(attempt: int) -> int:
    """30 s, 60 s, 120 s, … (DELIVERY_RETRY_BASE_SECONDS doubled per attempt), at most an hour."""
    return int(min(settings.DELIVERY_RETRY_BASE_SECONDS * 2 ** max(attempt - 1, 0), 3600))


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True)
def delivery_send_batch_task(self: Any, delivery_id: int, after_id: int = 0) -> int:
    """One batch; the next batch is queued as a task of its own before this one sends (a chain of
    short tasks, which several worker processes work through side by side)."""
    if self.request.is_eager:
        # In-process (the embedded shop, no broker): the batches one after the other in a loop,
        # not nested (a chain of eager tasks would recurse once per batch).
        failed_for_now = 0
        next_after: int | None = after_id
        while next_after is not None:
            next_after, transient = services.delivery_send_batch(delivery_id=delivery_id, after_id=next_after)
            if transient:
                failed_for_now += len(transient)
                recipients_send_task.apply_async((delivery_id, transient, 1))
        return failed_for_now
    _, transient = services.delivery_send_batch(
        delivery_id=delivery_id,
        after_id=after_id,
        then=lambda next_after: transaction.on_commit(lambda: delivery_send_batch_task.delay(delivery_id, next_after)),
    )
    if transient:
        recipients_send_task.apply_async((delivery_id, transient, 1), countdown=backoff_seconds(1))
    return len(transient)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)
def recipients_send_task(self: Any, delivery_id: int, recipient_ids: list[int], attempt: int = 0) -> int:
    """Send these recipients; those that failed for now are retried with exponential backoff
    (each row counts its attempts and fails for good at DELIVERY_MAX_ATTEMPTS)."""
    transient = services.recipients_send(delivery_id=delivery_id, recipient_ids=recipient_ids)
    if transient and self.request.is_eager:
        # In-process (the embedded shop, no broker): a retry cannot wait, so try again at once;
        # each try counts against the rows' attempts, which end the loop.
        while transient:
            transient = services.recipients_send(delivery_id=delivery_id, recipient_ids=transient)
        return len(recipient_ids)
    if transient:
        raise self.retry(args=(delivery_id, transient, attempt + 1), countdown=backoff_seconds(attempt + 1))
    return len(recipient_ids)


@shared_task
def recipients_resume_stalled_task() -> int:
    return services.recipients_resume_stalled()


@shared_task
def delivery_contacts_erase_due_task() -> int:
    return services.delivery_contacts_erase_due()
