"""Webhooks at rest (issue 15, item 14): the endpoint's signing secret and each delivery's payload
(a registered code, say) are stored encrypted with the code keyring; payloads of finished
deliveries are purged 30 days on by a beat task, their log kept."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings
from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from bizshop.codes.models import SerialCode
from bizshop.core.errors import ApplicationError
from bizshop.webhooks import signing
from bizshop.webhooks.models import WebhookDelivery, WebhookEvent
from bizshop.webhooks.services import delivery_replay, webhook_emit, webhook_payloads_purge
from bizshop.webhooks.tasks import webhook_payloads_purge_task
from tests.helpers.api import ApiClient
from tests.helpers.webhooks import Receiver

if TYPE_CHECKING:
    from pytest_django import DjangoCaptureOnCommitCallbacks

    from bizshop.billing.models import Order


def table_dump(model: Any) -> str:
    """Every row of the model's table as PostgreSQL prints it (what a database dump would hold)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT row_to_json(t)::text FROM {model._meta.db_table} t")  # the model's own table
        return "\n".join(row[0] for row in cursor.fetchall())


def subscribe(api: ApiClient, url: str, events: list[str]) -> str:
    response = api.post("/api/v1/webhooks/endpoints/", {"url": url, "events": events})
    assert response.status_code == 201, response.content
    return str(response.json()["secret"])


def test_a_registered_code_is_sent_but_stored_nowhere_in_plaintext(
    api: ApiClient,
    paid_order: Order,
    issue_codes: Callable[..., list[str]],
    end_user_client: Client,
    receiver: Receiver,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    from bizshop.webhooks.models import WebhookEndpoint

    secret = subscribe(api, receiver.url, ["code.registered"])
    [code] = issue_codes(paid_order, quantity=1)

    with django_capture_on_commit_callbacks(execute=True):
        registered = end_user_client.post("/api/v1/registrations/", {"code": code}, content_type="application/json")

    assert registered.status_code == 201, registered.content
    sent = json.loads(receiver.requests[0]["body"])
    assert sent["data"]["code"].replace("-", "") == code
    assert signing.verify(
        secret=secret, body=receiver.requests[0]["body"], header=receiver.requests[0]["headers"][signing.HEADER]
    )
    dump = table_dump(WebhookDelivery) + table_dump(WebhookEndpoint)
    formatted = "-".join(code[i : i + 5] for i in range(0, 20, 5))
    assert code not in dump and formatted not in dump
    assert secret not in dump and secret.removeprefix("whsec_") not in dump
    assert SerialCode.objects.get().status == "registered"


def test_delivered_payloads_are_purged_after_30_days_by_the_beat_task(api: ApiClient, receiver: Receiver) -> None:
    subscribe(api, receiver.url, ["order.paid"])
    ids = {
        name: webhook_emit(partner_id=api.partner.pk, event=WebhookEvent.ORDER_PAID, data={"order_id": n})[0]
        for n, name in enumerate(["old_delivered", "recent_delivered", "old_failed", "pending"])
    }
    now = timezone.now()
    WebhookDelivery.objects.filter(pk=ids["old_delivered"]).update(
        status="succeeded", delivered_at=now - timedelta(days=31), created_at=now - timedelta(days=31)
    )
    WebhookDelivery.objects.filter(pk=ids["recent_delivered"]).update(
        status="succeeded", delivered_at=now - timedelta(days=29), created_at=now - timedelta(days=31)
    )
    WebhookDelivery.objects.filter(pk=ids["old_failed"]).update(status="failed", created_at=now - timedelta(days=32))
    WebhookDelivery.objects.filter(pk=ids["pending"]).update(created_at=now - timedelta(days=40))

    purged = webhook_payloads_purge_task.delay().get()

    assert purged == 2
    kept = {d.pk: d.payload_ciphertext is not None for d in WebhookDelivery.objects.all()}
    assert kept == {
        ids["old_delivered"]: False,
        ids["recent_delivered"]: True,
        ids["old_failed"]: False,
        ids["pending"]: True,
    }
    log = {d["id"]: d for d in api.get("/api/v1/webhooks/deliveries/").json()["results"]}
    assert log[ids["old_delivered"]]["status"] == "succeeded", "the log outlives the payload"
    assert log[ids["old_delivered"]]["payload_purged_at"] is not None
    assert log[ids["recent_delivered"]]["payload_purged_at"] is None
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "bizshop.webhooks.tasks.webhook_payloads_purge_task" in schedule


def test_a_purged_delivery_cannot_be_replayed(api: ApiClient, receiver: Receiver) -> None:
    subscribe(api, receiver.url, ["order.paid"])
    [delivery_id] = webhook_emit(partner_id=api.partner.pk, event=WebhookEvent.ORDER_PAID, data={"order_id": 1})
    WebhookDelivery.objects.filter(pk=delivery_id).update(
        status="succeeded", delivered_at=timezone.now() - timedelta(days=31)
    )
    webhook_payloads_purge_task.delay()

    response = api.post(f"/api/v1/webhooks/deliveries/{delivery_id}/replay/")

    assert (response.status_code, response.json()["error"]["code"]) == (410, "webhook_payload_purged")
    assert receiver.requests == []


@pytest.mark.django_db(transaction=True)
def test_replays_racing_the_purge_either_send_the_payload_or_are_refused(api: ApiClient, receiver: Receiver) -> None:
    subscribe(api, receiver.url, ["order.paid"])
    ids = [
        webhook_emit(partner_id=api.partner.pk, event=WebhookEvent.ORDER_PAID, data={"order_id": n})[0]
        for n in range(20)
    ]
    WebhookDelivery.objects.update(status="succeeded", delivered_at=timezone.now() - timedelta(days=31))
    receiver.requests.clear()  # each event's first delivery, sent on commit
    start = threading.Barrier(len(ids) + 1)
    replayed: dict[int, bool] = {}

    def replay(delivery_id: int) -> None:
        try:
            start.wait()
            try:
                delivery_replay(partner=api.partner, delivery_id=delivery_id)
                replayed[delivery_id] = True
            except ApplicationError as exc:
                assert exc.code == "webhook_payload_purged"
                replayed[delivery_id] = False
        finally:
            connections.close_all()

    def purge() -> None:
        try:
            start.wait()
            webhook_payloads_purge()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=replay, args=(i,)) for i in ids] + [threading.Thread(target=purge)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    kept = {d.pk: d.payload_ciphertext is not None for d in WebhookDelivery.objects.all()}
    assert kept == replayed
    assert len(receiver.requests) == sum(replayed.values())
    assert not WebhookDelivery.objects.filter(status="pending", payload_ciphertext__isnull=True).exists()
