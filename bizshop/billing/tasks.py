"""Periodic billing tasks; each takes no state but the database and is safe to run twice."""

from __future__ import annotations

from celery import shared_task

from bizshop.billing.services import idempotency_keys_purge, order_expire_overdue, payment_reconcile_pending


@shared_task
def order_expire_overdue_task() -> int:
    return order_expire_overdue()


@shared_task
def idempotency_keys_purge_task() -> int:
    """Every billing POST honours Idempotency-Key; keys are kept 24 hours (API.md)."""
    return idempotency_keys_purge()


@shared_task
def payment_reconcile_pending_task() -> int:
    """Card payments the PG did not confirm in time, asked again and settled (each once)."""
    return payment_reconcile_pending()
