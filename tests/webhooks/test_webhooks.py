"""Webhooks against a real HTTP receiver on loopback: signed, logged, retried with backoff, replayable."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from django.utils import timezone

from bizshop.codes import selectors
from bizshop.codes.crypto import get_keyring
from bizshop.codes.models import SerialCode
from bizshop.codes.services import code_register, issuance_start
from bizshop.webhooks import signing
from bizshop.webhooks.models import WebhookDelivery
from bizshop.webhooks.services import delivery_attempt
from tests.helpers.api import ApiClient
from tests.helpers.webhooks import Receiver

if TYPE_CHECKING:
    from pytest_django import DjangoCaptureOnCommitCallbacks, Settings

    from bizshop.accounts.models import User
    from bizshop.billing.models import Order


def subscribe(api: ApiClient, url: str, events: list[str]) -> dict[str, Any]:
    response = api.post("/api/v1/webhooks/endpoints/", {"url": url, "events": events})
    assert response.status_code == 201, response.content
    return dict(response.json())


def issue(api: ApiClient, order: Order, quantity: int, capture: DjangoCaptureOnCommitCallbacks) -> None:
    with capture(execute=True):
        issuance_start(order_id=order.pk, partner=api.partner, quantity=quantity)


def test_an_endpoint_secret_is_shown_once(api: ApiClient, receiver: Receiver) -> None:
    created = subscribe(api, receiver.url, ["issuance.completed"])

    listed = api.get("/api/v1/webhooks/endpoints/").json()["results"]

    assert created["secret"].startswith("whsec_")
    assert listed[0]["url"] == receiver.url
    assert "secret" not in listed[0]


def test_unknown_events_and_non_http_urls_are_refused(api: ApiClient) -> None:
    bad_event = api.post("/api/v1/webhooks/endpoints/", {"url": "https://partner.example/h", "events": ["order.lost"]})
    bad_url = api.post("/api/v1/webhooks/endpoints/", {"url": "ftp://partner.example/h", "events": ["order.paid"]})

    assert bad_event.status_code == 422
    assert bad_url.status_code == 422
    assert bad_url.json()["error"]["code"] == "invalid_webhook_url"


def test_in_production_a_webhook_may_not_point_into_our_network(api: ApiClient, settings: Settings) -> None:
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False

    for url in ("http://127.0.0.1:8000/admin/", "http://10.0.0.5/h", "http://localhost/h"):
        response = api.post("/api/v1/webhooks/endpoints/", {"url": url, "events": ["order.paid"]})
        assert response.json()["error"]["code"] == "invalid_webhook_url", url


def test_a_completed_issuance_is_delivered_signed_and_logged(
    api: ApiClient,
    paid_order: Order,
    receiver: Receiver,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    secret = subscribe(api, receiver.url, ["issuance.completed"])["secret"]

    issue(api, paid_order, 10, django_capture_on_commit_callbacks)

    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    assert signing.verify(secret=secret, body=request["body"], header=request["headers"][signing.HEADER])
    assert not signing.verify(secret="whsec_wrong", body=request["body"], header=request["headers"][signing.HEADER])
    event = json.loads(request["body"])
    assert event["type"] == "issuance.completed" == request["headers"]["Bizshop-Event"]
    assert event["data"] == {"issuance_id": event["data"]["issuance_id"], "order_id": paid_order.pk, "quantity": 10}
    log = api.get("/api/v1/webhooks/deliveries/").json()["results"][0]
    assert log["status"] == "succeeded" and log["last_status_code"] == 200 and log["attempts"] == 1
    assert log["last_response_ms"] is not None


def test_a_failing_receiver_is_retried_with_backoff_until_it_answers(
    api: ApiClient,
    paid_order: Order,
    receiver: Receiver,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    subscribe(api, receiver.url, ["issuance.completed"])
    receiver.statuses = [500, 503]

    issue(api, paid_order, 5, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    first_gap = delivery.next_attempt_at - timezone.now()  # type: ignore[operator]
    second = delivery_attempt(delivery_id=delivery.pk)
    second_gap = second.next_attempt_at - timezone.now()  # type: ignore[operator]
    third = delivery_attempt(delivery_id=delivery.pk)

    assert delivery.status == "pending" and delivery.attempts == 1 and delivery.last_status_code == 500
    assert timedelta(seconds=20) < first_gap < second_gap
    assert third.status == "succeeded" and third.attempts == 3
    assert len(receiver.requests) == 3
    assert len({json.loads(r["body"])["id"] for r in receiver.requests}) == 1  # the same event each time


def test_a_delivery_is_given_up_a_day_after_the_event(
    api: ApiClient,
    paid_order: Order,
    receiver: Receiver,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    subscribe(api, receiver.url, ["issuance.completed"])
    receiver.statuses = [500] * 3

    issue(api, paid_order, 5, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    given_up = delivery_attempt(delivery_id=delivery.pk, now=timezone.now() + timedelta(hours=23, minutes=59))

    assert given_up.status == "failed"
    assert given_up.next_attempt_at is None


def test_a_delivery_can_be_replayed_by_its_partner_only(
    api: ApiClient,
    other_api: ApiClient,
    paid_order: Order,
    receiver: Receiver,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    subscribe(api, receiver.url, ["issuance.completed"])
    issue(api, paid_order, 5, django_capture_on_commit_callbacks)
    delivery_id = WebhookDelivery.objects.get().pk

    refused = other_api.post(f"/api/v1/webhooks/deliveries/{delivery_id}/replay/")
    with django_capture_on_commit_callbacks(execute=True):
        replayed = api.post(f"/api/v1/webhooks/deliveries/{delivery_id}/replay/")

    assert refused.status_code == 404
    assert other_api.get("/api/v1/webhooks/deliveries/").json()["results"] == []
    assert replayed.status_code == 202
    assert len(receiver.requests) == 2
    assert WebhookDelivery.objects.get().attempts == 2


def test_a_registered_code_is_announced_to_its_partner(
    api: ApiClient,
    paid_order: Order,
    end_user: User,
    receiver: Receiver,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    subscribe(api, receiver.url, ["code.registered"])
    issue(api, paid_order, 2, django_capture_on_commit_callbacks)
    stored = SerialCode.objects.filter(order=paid_order).first()
    assert stored is not None
    code = get_keyring().decrypt(stored.key_id, stored.ciphertext)

    with django_capture_on_commit_callbacks(execute=True):
        code_register(user=end_user, raw_code=code.lower())

    assert len(receiver.requests) == 1
    data = json.loads(receiver.requests[0]["body"])["data"]
    assert data["code"].replace("-", "") == code
    assert data["order_id"] == paid_order.pk


def test_an_endpoint_added_while_a_code_is_being_registered_still_hears_of_it(
    api: ApiClient,
    paid_order: Order,
    end_user: User,
    receiver: Receiver,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    issue(api, paid_order, 1, django_capture_on_commit_callbacks)
    stored = SerialCode.objects.get(order=paid_order)
    code = get_keyring().decrypt(stored.key_id, stored.ciphertext)
    real_find = selectors.code_find

    def find_then_subscribe(*, raw_code: str) -> SerialCode:
        found = real_find(raw_code=raw_code)  # read before the partner's endpoint exists
        subscribe(api, receiver.url, ["code.registered"])
        return found

    monkeypatch.setattr(selectors, "code_find", find_then_subscribe)

    with django_capture_on_commit_callbacks(execute=True):
        registration = code_register(user=end_user, raw_code=code)

    assert registration.pk is not None
    assert SerialCode.objects.get(pk=stored.pk).status == "registered"
    assert [json.loads(r["body"])["type"] for r in receiver.requests] == ["code.registered"]


def test_payment_and_refund_are_announced_as_order_paid_and_refund_completed(
    api: ApiClient,
    make_order: Callable[..., Order],
    receiver: Receiver,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    subscribe(api, receiver.url, ["order.paid", "refund.completed"])
    order = make_order(api.partner)

    with django_capture_on_commit_callbacks(execute=True):
        api.post(f"/api/v1/orders/{order.pk}/payment/", {"method": "card", "card_token": "tok_sandbox_approve"})
    with django_capture_on_commit_callbacks(execute=True):
        api.post(f"/api/v1/orders/{order.pk}/refund/")

    events = [json.loads(r["body"]) for r in receiver.requests]
    assert [e["type"] for e in events] == ["order.paid", "refund.completed"]
    assert events[0]["data"]["order_id"] == order.pk and events[0]["data"]["status"] == "paid"
    assert events[1]["data"]["status"] == "refunded" and events[1]["data"]["total_amount"] == 176_000


def test_a_declined_card_announces_nothing(
    api: ApiClient,
    make_order: Callable[..., Order],
    receiver: Receiver,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    subscribe(api, receiver.url, ["order.paid"])
    order = make_order(api.partner)

    with django_capture_on_commit_callbacks(execute=True):
        api.post(f"/api/v1/orders/{order.pk}/payment/", {"method": "card", "card_token": "tok_sandbox_decline"})

    assert receiver.requests == []
    assert WebhookDelivery.objects.count() == 0


def test_the_delivery_log_is_filtered_by_status_and_event(api: ApiClient, receiver: Receiver) -> None:
    from bizshop.webhooks.models import WebhookEvent
    from bizshop.webhooks.services import webhook_emit

    subscribe(api, receiver.url, ["order.paid", "refund.completed"])
    [paid] = webhook_emit(partner_id=api.partner.pk, event=WebhookEvent.ORDER_PAID, data={})
    [refunded] = webhook_emit(partner_id=api.partner.pk, event=WebhookEvent.REFUND_COMPLETED, data={})
    WebhookDelivery.objects.filter(pk=refunded).update(status=WebhookDelivery.Status.FAILED)

    failed = api.get("/api/v1/webhooks/deliveries/?status=failed").json()["results"]
    announced = api.get("/api/v1/webhooks/deliveries/?event=order.paid").json()["results"]

    assert [d["id"] for d in failed] == [refunded]
    assert [d["id"] for d in announced] == [paid]


def test_a_replay_retried_with_the_same_idempotency_key_is_sent_once(
    api: ApiClient,
    paid_order: Order,
    receiver: Receiver,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    subscribe(api, receiver.url, ["issuance.completed"])
    issue(api, paid_order, 5, django_capture_on_commit_callbacks)
    delivery_id = WebhookDelivery.objects.get().pk
    replay = f"/api/v1/webhooks/deliveries/{delivery_id}/replay/"

    with django_capture_on_commit_callbacks(execute=True):
        first = api.post(replay, HTTP_IDEMPOTENCY_KEY="replay-1")
    with django_capture_on_commit_callbacks(execute=True):
        again = api.post(replay, HTTP_IDEMPOTENCY_KEY="replay-1")

    assert (first.status_code, again.status_code) == (202, 202)
    assert again.json() == first.json()
    assert len(receiver.requests) == 2, "the event, then one replay"
