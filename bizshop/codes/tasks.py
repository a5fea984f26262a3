"""Celery tasks of codes: take ids, call a service, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from bizshop.codes.services import (
    code_export_build,
    code_exports_delete_expired,
    issuance_resume_stalled,
    issuance_run,
    registration_expire_due,
)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def issuance_run_task(issuance_id: int) -> int:
    return issuance_run(issuance_id=issuance_id).issued_count


@shared_task(acks_late=True, reject_on_worker_lost=True)
def code_export_build_task(export_id: int) -> int:
    return code_export_build(export_id=export_id).row_count


@shared_task
def registration_expire_due_task() -> int:
    return registration_expire_due()


@shared_task
def issuance_resume_stalled_task() -> int:
    return len(issuance_resume_stalled())


@shared_task
def code_exports_delete_expired_task() -> int:
    return code_exports_delete_expired()
