"""Idempotency-Key on every billing POST, and keys forgotten after 24 hours."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from django.utils import timezone

from bizshop.billing import services as billing
from bizshop.billing.models import Order, OrderStatus
from bizshop.billing.tasks import idempotency_keys_purge_task
from bizshop.core.models import IdempotencyRecord
from tests.helpers.billing import order_in_state

if TYPE_CHECKING:
    from pytest_django import Settings

    from bizshop.catalog.models import Emoticon
    from tests.helpers.api import ApiClient


@pytest.mark.parametrize(
    ("path", "state", "body"),
    [
        ("/api/v1/orders/{id}/payment/", "pending_payment", {"method": "virtual_account"}),
        ("/api/v1/orders/{id}/cancel/", "pending_payment", {}),
        ("/api/v1/orders/{id}/refund/", "paid_card", {}),
        ("/api/v1/sandbox/deposits/", "awaiting_deposit", {"order_id": "{id}"}),
    ],
    ids=["payment", "cancel", "refund", "sandbox-deposit"],
)
def test_every_billing_post_replays_the_first_answer_for_the_same_key(
    api: ApiClient, emoticon: Emoticon, path: str, state: str, body: dict[str, Any]
) -> None:
    order = order_in_state(api.partner, emoticon.pk, state)
    url = path.format(id=order.pk)
    data = {k: (order.pk if v == "{id}" else v) for k, v in body.items()}
    first = api.post(url, data, HTTP_IDEMPOTENCY_KEY="k-1")
    events_after_first = order.events.count()

    again = api.post(url, data, HTTP_IDEMPOTENCY_KEY="k-1")

    assert first.status_code == 200
    assert (again.status_code, again.json(), again["Idempotent-Replayed"]) == (200, first.json(), "true")
    assert order.events.count() == events_after_first


@pytest.mark.parametrize(
    "path", ["/api/v1/orders/{id}/payment/", "/api/v1/orders/{id}/cancel/", "/api/v1/orders/{id}/refund/"]
)
def test_a_key_reused_for_another_request_is_idempotency_key_reused(
    api: ApiClient, emoticon: Emoticon, path: str
) -> None:
    order = order_in_state(api.partner, emoticon.pk, "pending_payment")
    other = order_in_state(api.partner, emoticon.pk, "pending_payment")
    api.post(path.format(id=order.pk), {"method": "virtual_account"}, HTTP_IDEMPOTENCY_KEY="k-1")

    response = api.post(path.format(id=other.pk), {"method": "virtual_account"}, HTTP_IDEMPOTENCY_KEY="k-1")

    assert (response.status_code, response.json()["error"]["code"]) == (422, "idempotency_key_reused")
    assert Order.objects.get(pk=other.pk).status == OrderStatus.PENDING_PAYMENT


def test_keys_older_than_24_hours_are_purged_and_younger_ones_kept(api: ApiClient, emoticon: Emoticon) -> None:
    api.post(
        "/api/v1/orders/", {"emoticon_id": emoticon.pk, "period_days": 30, "quantity": 100}, HTTP_IDEMPOTENCY_KEY="old"
    )
    api.post(
        "/api/v1/orders/", {"emoticon_id": emoticon.pk, "period_days": 30, "quantity": 100}, HTTP_IDEMPOTENCY_KEY="new"
    )
    IdempotencyRecord.objects.filter(key="old").update(created_at=timezone.now() - timedelta(hours=24, seconds=1))
    IdempotencyRecord.objects.filter(key="new").update(created_at=timezone.now() - timedelta(hours=23, minutes=59))

    purged = idempotency_keys_purge_task.delay().get()

    assert purged == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]


def test_after_the_purge_the_same_key_makes_a_new_order(api: ApiClient, emoticon: Emoticon) -> None:
    body = {"emoticon_id": emoticon.pk, "period_days": 30, "quantity": 100}
    first = api.post("/api/v1/orders/", body, HTTP_IDEMPOTENCY_KEY="k")
    billing.idempotency_keys_purge(now=timezone.now() + timedelta(hours=25))

    again = api.post("/api/v1/orders/", body, HTTP_IDEMPOTENCY_KEY="k")

    assert again.json()["id"] != first.json()["id"]


def test_the_purge_runs_from_celery_beat(settings: Settings) -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["billing-purge-idempotency-keys"]

    assert entry["task"] == idempotency_keys_purge_task.name
    assert entry["schedule"] <= 3600
