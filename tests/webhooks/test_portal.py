"""Webhooks in the portal: owners register endpoints (secret shown once), read the delivery log
with status and response time, and send a delivery again to a real receiver on loopback."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from django.test import Client
from django.urls import reverse

from bizshop.partners.models import Member
from bizshop.webhooks.crypto import SECRET, unseal
from bizshop.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from bizshop.webhooks.services import delivery_attempt, webhook_emit
from tests.factories import MemberFactory
from tests.helpers.sessions import signed_in
from tests.helpers.webhooks import Receiver

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response
    from pytest_django import DjangoCaptureOnCommitCallbacks, Settings

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(db: None) -> Member:
    return MemberFactory()


@pytest.fixture
def owner_client(owner: Member) -> Client:
    return signed_in(owner)


def register(client: Client, url: str, events: list[str]) -> Response:
    return client.post(reverse("webhooks:endpoints"), {"url": url, "events": events})


def test_an_owner_registers_an_endpoint_and_sees_its_secret_once(owner: Member, owner_client: Client) -> None:
    created = register(owner_client, "http://127.0.0.1:9/hooks", ["order.paid", "refund.completed"])

    secret = re.search(r'id="new-webhook-secret">(whsec_[^<]+)<', created.content.decode())
    assert secret is not None
    endpoint = WebhookEndpoint.objects.get(partner=owner.partner)
    assert (endpoint.url, endpoint.events) == ("http://127.0.0.1:9/hooks", ["order.paid", "refund.completed"])
    assert unseal(endpoint.secret_key_id, endpoint.secret_ciphertext, purpose=SECRET) == secret.group(1)
    assert created["Cache-Control"] == "no-store"
    assert secret.group(1) not in owner_client.get(reverse("webhooks:endpoints")).content.decode()


def test_an_endpoint_into_our_network_is_refused_in_the_page(owner_client: Client, settings: Settings) -> None:
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False

    refused = register(owner_client, "http://127.0.0.1:9/hooks", ["order.paid"])

    assert refused.status_code == 200
    assert "내부망 주소는 쓸 수 없습니다" in refused.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_an_owner_disables_an_endpoint(owner: Member, owner_client: Client) -> None:
    register(owner_client, "http://127.0.0.1:9/hooks", ["order.paid"])
    endpoint = WebhookEndpoint.objects.get()

    owner_client.post(reverse("webhooks:endpoint-disable", args=[endpoint.pk]))

    endpoint.refresh_from_db()
    assert endpoint.disabled_at is not None
    assert webhook_emit(partner_id=owner.partner.pk, event=WebhookEvent.ORDER_PAID, data={}) == []


def test_the_delivery_log_shows_status_code_and_response_time(
    owner: Member,
    owner_client: Client,
    receiver: Receiver,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    register(owner_client, receiver.url, ["order.paid"])
    receiver.statuses = [503]
    with django_capture_on_commit_callbacks(execute=True):
        [delivery_id] = webhook_emit(partner_id=owner.partner.pk, event=WebhookEvent.ORDER_PAID, data={"order_id": 7})

    page = owner_client.get(reverse("webhooks:deliveries")).content.decode()

    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    row = page[page.index(f'id="delivery-{delivery_id}"') :].split("</tr>", 1)[0]
    assert "order.paid" in row and str(delivery.event_id) in row
    assert "503" in row and f"{delivery.last_response_ms} ms" in row
    assert str(WebhookDelivery.Status.PENDING.label) in row


def test_replaying_from_the_portal_sends_the_delivery_again(
    owner: Member,
    owner_client: Client,
    receiver: Receiver,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    register(owner_client, receiver.url, ["order.paid"])
    with django_capture_on_commit_callbacks(execute=True):
        [delivery_id] = webhook_emit(partner_id=owner.partner.pk, event=WebhookEvent.ORDER_PAID, data={"order_id": 7})
    assert len(receiver.requests) == 1

    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(reverse("webhooks:delivery-replay", args=[delivery_id]), follow=True)

    assert len(receiver.requests) == 2
    first, again = receiver.requests
    assert first["headers"]["Bizshop-Delivery"] == again["headers"]["Bizshop-Delivery"]
    assert WebhookDelivery.objects.get(pk=delivery_id).attempts == 2
    assert "다시 보냅니다" in response.content.decode()


def test_the_delivery_log_can_be_narrowed_to_one_endpoint(owner: Member, owner_client: Client) -> None:
    register(owner_client, "http://127.0.0.1:9/first", ["order.paid"])
    register(owner_client, "http://127.0.0.1:9/second", ["refund.completed"])
    webhook_emit(partner_id=owner.partner.pk, event=WebhookEvent.ORDER_PAID, data={})
    webhook_emit(partner_id=owner.partner.pk, event=WebhookEvent.REFUND_COMPLETED, data={})
    second = WebhookEndpoint.objects.get(url__endswith="/second")

    page = owner_client.get(reverse("webhooks:deliveries"), {"endpoint": second.pk}).content.decode()

    assert "refund.completed" in page and "order.paid</span>" not in page


def test_a_member_who_is_not_owner_cannot_manage_webhooks(owner: Member) -> None:
    member = MemberFactory(partner=owner.partner, role=Member.Role.MEMBER)
    client = signed_in(member.user)

    assert client.get(reverse("webhooks:endpoints")).status_code == 403
    assert client.get(reverse("webhooks:deliveries")).status_code == 403
    assert register(client, "http://127.0.0.1:9/hooks", ["order.paid"]).status_code == 403
    assert not WebhookEndpoint.objects.exists()


def test_the_attempt_logged_by_a_replay_is_the_one_shown(owner: Member, owner_client: Client) -> None:
    register(owner_client, "http://127.0.0.1:9/hooks", ["order.paid"])
    [delivery_id] = webhook_emit(partner_id=owner.partner.pk, event=WebhookEvent.ORDER_PAID, data={})
    delivery_attempt(delivery_id=delivery_id)  # nothing listens on port 9

    page = owner_client.get(reverse("webhooks:deliveries")).content.decode()

    assert WebhookDelivery.objects.get().last_error in page


@pytest.mark.parametrize("endpoint", ["²", "٣", "1" * 30, "abc"])
def test_a_delivery_log_filter_that_is_no_endpoint_id_shows_every_delivery(
    owner: Member, owner_client: Client, endpoint: str
) -> None:
    register(owner_client, "http://127.0.0.1:9/hooks", ["order.paid"])
    webhook_emit(partner_id=owner.partner.pk, event=WebhookEvent.ORDER_PAID, data={})

    response = owner_client.get(reverse("webhooks:deliveries"), {"endpoint": endpoint})

    assert response.status_code == 200
    assert "order.paid</span>" in response.content.decode()
