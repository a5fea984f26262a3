"""The request id of the web request travels in the Celery message and is the task's own while it runs.

The task is published to the real Redis broker, read back from its queue and run the way a
worker runs a message (``celery.worker.request.Request``), so both ends of the trip are tested.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from bizshop.celery import app as celery_app
from bizshop.core.observability import request_id

if TYPE_CHECKING:
    from pytest_django import Settings

QUEUE = "test-request-id"
seen: list[str] = []


@celery_app.task(name="tests.core.record_request_id")
def record_request_id() -> str:
    seen.append(request_id.get())
    return request_id.get()


@pytest.fixture
def published(settings: Settings) -> Iterator[None]:
    assert settings.REDIS_URL, "the test suite runs against Redis (make test)"
    celery_app.conf.task_always_eager = False
    seen.clear()
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = True
        with celery_app.connection_for_write() as connection:
            connection.SimpleQueue(QUEUE).clear()


def _run_like_a_worker() -> None:
    from celery.worker.request import Request

    with celery_app.connection_for_read() as connection:
        message = connection.SimpleQueue(QUEUE).get(timeout=10)
        Request(message, app=celery_app, task=celery_app.tasks[record_request_id.name]).execute()
        message.ack()


def test_a_task_started_by_a_request_logs_that_requests_id(published: None) -> None:
    token = request_id.set("trace-0123456789")
    try:
        record_request_id.apply_async(queue=QUEUE)
    finally:
        request_id.reset(token)

    _run_like_a_worker()

    assert seen == ["trace-0123456789"]
    assert request_id.get() == "-", "the id does not outlive its task"


def test_a_task_started_outside_a_request_has_no_id(published: None) -> None:
    record_request_id.apply_async(queue=QUEUE)

    _run_like_a_worker()

    assert seen == ["-"]
