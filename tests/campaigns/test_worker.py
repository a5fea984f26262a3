"""Sending through a real Celery worker process (Redis broker) to a real SMTP server: the batches
chain, a 451 is retried by a Celery retry after its backoff, a 550 fails that recipient only."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from typing import Any

import pytest

from bizshop.campaigns.models import Delivery, Recipient
from bizshop.campaigns.services import delivery_create
from tests.helpers.smtp_sink import SinkHandler, smtp_sink
from tests.worker import start_worker, stop, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sink_and_worker(broker: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[SinkHandler, Any]]:
    with smtp_sink() as (handler, port):
        monkeypatch.setenv("EMAIL_URL", f"smtp://127.0.0.1:{port}")
        monkeypatch.setenv("DELIVERY_RETRY_BASE_SECONDS", "1")
        monkeypatch.setenv("DELIVERY_BATCH_SIZE", "4")  # several chained batches
        process: subprocess.Popen[bytes] = start_worker()
        try:
            yield handler, process
        finally:
            stop(process)


def test_a_real_worker_sends_retries_and_fails_one(
    api: Any, make_order: Any, issue_codes: Any, sink_and_worker: tuple[SinkHandler, Any]
) -> None:
    sink, worker = sink_and_worker
    order = make_order(api.partner, quantity=100, paid=True)
    issue_codes(order, quantity=12)
    wait_for(lambda: order.codes.count() == 12)
    sink.refuse.add("gone@example.com")
    sink.defer_once.add("later@example.com")
    people = [{"name": f"사람{i}", "email": f"p{i}@example.com"} for i in range(8)]
    people += [{"name": "없음", "email": "gone@example.com"}, {"name": "나중", "email": "later@example.com"}]

    delivery = delivery_create(
        order_id=order.pk, partner=api.partner, channel="email", template="{name} {code}", recipients=people
    )

    wait_for(lambda: Delivery.objects.get(pk=delivery.pk).status == Delivery.Status.DONE, timeout=90)
    assert worker.poll() is None
    rows = {r.row_number: r for r in Recipient.objects.filter(delivery=delivery)}
    assert rows[9].status == Recipient.Status.FAILED and "550" in rows[9].last_error
    assert rows[10].status == Recipient.Status.SENT and rows[10].attempts == 2
    assert all(rows[i].status == Recipient.Status.SENT for i in range(1, 9))
    assert sorted(str(m["To"]) for m in sink.messages) == sorted(
        [*(f"p{i}@example.com" for i in range(8)), "later@example.com"]
    )
