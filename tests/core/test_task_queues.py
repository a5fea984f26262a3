"""Celery routing: memory-heavy document work and calls to partners' servers go to queues of their own,
so that scripts/serve.sh (and a larger deployment) can give each its own workers."""

from __future__ import annotations

import json

import pytest
import redis
from django.conf import settings


@pytest.mark.usefixtures("broker")
def test_each_kind_of_task_reaches_its_own_queue_in_redis() -> None:
    from bizshop.celery import app
    from bizshop.codes.tasks import issuance_run_task
    from bizshop.invoices.tasks import invoice_deliver_task, invoice_email_send_task
    from bizshop.webhooks.tasks import webhook_deliver_task

    with app.connection_for_write() as connection:  # bound as a worker binds them when it starts
        for queue in app.amqp.queues.values():
            queue.bind(connection.default_channel).declare()
    issuance_run_task.delay(1)
    invoice_deliver_task.delay(invoice_ids=[1])
    invoice_email_send_task.delay(invoice_id=1, to="a@example.com")
    webhook_deliver_task.delay(1)

    client = redis.Redis.from_url(settings.REDIS_URL)
    queued = {
        queue: sorted(json.loads(message)["headers"]["task"] for message in client.lrange(queue, 0, -1))
        for queue in ("celery", "documents", "webhooks")
    }
    assert queued == {
        "celery": ["bizshop.codes.tasks.issuance_run_task"],
        "documents": ["bizshop.invoices.tasks.invoice_deliver_task", "bizshop.invoices.tasks.invoice_email_send_task"],
        "webhooks": ["bizshop.webhooks.tasks.webhook_deliver_task"],
    }


def test_a_worker_started_without_a_queue_list_consumes_every_queue() -> None:
    from bizshop.celery import app

    assert {"celery", "documents", "webhooks"} <= set(app.amqp.queues)
