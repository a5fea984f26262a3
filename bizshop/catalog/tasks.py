"""Periodic catalog tasks."""

from __future__ import annotations

from celery import shared_task

from bizshop.catalog.services import ranking_refresh


@shared_task
def ranking_refresh_task() -> int:
    return len(ranking_refresh())
