"""Webhook endpoints, event emission after commit, and deliveries with exponential backoff for a day."""

from __future__ import annotations

import json
import logging
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from cryptography.exceptions import InvalidTag
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from bizshop.codes.crypto import get_keyring
from bizshop.partners.models import Partner
from bizshop.webhooks import crypto, errors, signing, transport
from bizshop.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent

logger = logging.getLogger(__name__)

RETRY_FOR = timedelta(days=1)
FIRST_RETRY = timedelta(seconds=30)
MAX_RETRY_GAP = timedelta(hours=2)
TIMEOUT_SECONDS = 10
# Payloads of finished deliveries are kept this long (to replay them), then dropped, log rows kept.
PAYLOAD_KEPT_FOR = timedelta(days=30)


@dataclass(frozen=True)
class CreatedEndpoint:
    endpoint: WebhookEndpoint
    secret: str  # shown to the partner when created


def _check_url(url: str) -> None:
    # Partners choose the URL: never let it make the shop call into its own network. Checked
    # again, resolved afresh, at every delivery (transport.post): a name may change its address.
    try:
        transport.resolve_target(url, allow_private=settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES)
    except transport.AddressRefused as exc:
        raise errors.INVALID_WEBHOOK_URL(url=url) from exc


def endpoint_create(*, partner: Partner, url: str, events: list[str]) -> CreatedEndpoint:
    unknown = sorted(set(events) - set(WebhookEvent.values))
    if not events or unknown:
        raise errors.INVALID_WEBHOOK_EVENTS(unknown=unknown)
    _check_url(url)
    secret = "whsec_" + secrets.token_urlsafe(32)
    secret_key_id, secret_ciphertext = crypto.seal(secret, purpose=crypto.SECRET)
    endpoint = WebhookEndpoint.objects.create(
        partner=partner,
        url=url,
        events=sorted(set(events)),
        secret_key_id=secret_key_id,
        secret_ciphertext=secret_ciphertext,
    )
    return CreatedEndpoint(endpoint=endpoint, secret=secret)


def endpoint_disable(*, partner: Partner, endpoint_id: int) -> None:
    updated = WebhookEndpoint.objects.filter(pk=endpoint_id, partner=partner, disabled_at__isnull=True).update(
        disabled_at=timezone.now()
    )
    if not updated:
        raise errors.WEBHOOK_NOT_FOUND()


def webhook_emit(*, partner_id: int, event: WebhookEvent, data: dict[str, Any]) -> list[int]:
    """Record a delivery per subscribed endpoint, sent once the caller's transaction commits."""
    from bizshop.webhooks.tasks import webhook_deliver_task

    # Only ids and events: every registration of a code passes through here.
    endpoint_ids = [
        endpoint_id
        for endpoint_id, events in WebhookEndpoint.objects.filter(
            partner_id=partner_id, disabled_at__isnull=True
        ).values_list("id", "events")
        if event.value in events
    ]
    if not endpoint_ids:
        return []
    now = timezone.now()
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))
    deliveries = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            endpoint_id=endpoint_id,
            event=event.value,
            payload_key_id=key_id,
            payload_ciphertext=ciphertext,
            next_attempt_at=now,
            retry_until=now + RETRY_FOR,
        )
        for endpoint_id in endpoint_ids
        for key_id, ciphertext in [crypto.seal(payload, purpose=crypto.PAYLOAD)]
    )
    ids = [d.pk for d in deliveries]
    transaction.on_commit(lambda: [webhook_deliver_task.delay(i) for i in ids])
    return ids


def _body(delivery: WebhookDelivery) -> bytes:
    """The JSON POSTed: the event's envelope around its decrypted data."""
    if delivery.payload_ciphertext is None:
        raise _Unsendable("payload purged")
    try:
        data = crypto.unseal(delivery.payload_key_id, delivery.payload_ciphertext, purpose=crypto.PAYLOAD)
    except (KeyError, InvalidTag) as exc:
        raise _Unsendable(f"payload cannot be decrypted (key {delivery.payload_key_id!r})") from exc
    envelope = {
        "id": str(delivery.event_id),
        "type": delivery.event,
        "created_at": delivery.created_at.isoformat(),
        "data": json.loads(data),
    }
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode()


def _secret(endpoint: WebhookEndpoint) -> str:
    try:
        return crypto.unseal(endpoint.secret_key_id, endpoint.secret_ciphertext, purpose=crypto.SECRET)
    except (KeyError, InvalidTag) as exc:
        raise _Unsendable(f"signing secret cannot be decrypted (key {endpoint.secret_key_id!r})") from exc


class _Unsendable(Exception):
    """What the shop itself lacks to send a delivery (its payload, its secret): no attempt is made."""


def _backoff(attempts: int) -> timedelta:
    gap: timedelta = FIRST_RETRY * (2 ** max(attempts - 1, 0))
    return min(gap, MAX_RETRY_GAP)


def delivery_attempt(*, delivery_id: int, now: datetime | None = None) -> WebhookDelivery:
    """POST the event once; on failure schedule the next attempt, giving up a day after the event."""
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().select_related("endpoint").get(pk=delivery_id)
        if delivery.status != WebhookDelivery.Status.PENDING:
            return delivery
        started = time.perf_counter()
        try:
            body = _body(delivery)
            secret = _secret(delivery.endpoint)
        except _Unsendable as exc:
            logger.error("webhook %s cannot be sent: %s", delivery.pk, exc)
            answer = transport.Answer(status=None, error=str(exc))
        else:
            answer = transport.post(
                url=delivery.endpoint.url,
                body=body,
                headers={
                    "Content-Type": "application/json",
                    "User-Agent": "bizshop-webhooks/1",
                    "Bizshop-Event": delivery.event,
                    "Bizshop-Delivery": str(delivery.event_id),
                    signing.HEADER: signing.sign(secret=secret, body=body),
                },
                timeout=TIMEOUT_SECONDS,
                allow_private=settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES,
            )
        status_code, error = answer.status, answer.error[:300]
        moment = now or timezone.now()
        delivery.attempts += 1
        delivery.last_status_code = status_code
        delivery.last_response_ms = int((time.perf_counter() - started) * 1000)
        delivery.last_error = error
        if status_code is not None and 200 <= status_code < 300:
            delivery.status = WebhookDelivery.Status.SUCCEEDED
            delivery.delivered_at = moment
            delivery.next_attempt_at = None
        elif moment + _backoff(delivery.attempts) > delivery.retry_until:
            delivery.status = WebhookDelivery.Status.FAILED
            delivery.next_attempt_at = None
        else:
            delivery.next_attempt_at = moment + _backoff(delivery.attempts)
        delivery.save()
    logger.info(
        "webhook %s %s → %s in %s ms (attempt %s)",
        delivery.event,
        delivery.pk,
        status_code or error,
        delivery.last_response_ms,
        delivery.attempts,
    )
    return delivery


def deliveries_due(*, now: datetime | None = None) -> list[int]:
    return list(
        WebhookDelivery.objects.filter(
            status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now or timezone.now()
        ).values_list("id", flat=True)[:1000]
    )


def delivery_replay(*, partner: Partner, delivery_id: int) -> WebhookDelivery:
    """Send a delivery again now, whatever became of it (a partner fixing its receiver)."""
    from bizshop.webhooks.tasks import webhook_deliver_task

    delivery = WebhookDelivery.objects.filter(pk=delivery_id, endpoint__partner=partner).first()
    if delivery is None:
        raise errors.WEBHOOK_NOT_FOUND()
    now = timezone.now()
    # Conditional on the payload, in one statement: a purge committing first wins (nothing to send
    # again), a replay committing first makes the delivery pending, which the purge leaves alone.
    replayed = WebhookDelivery.objects.filter(pk=delivery.pk, payload_ciphertext__isnull=False).update(
        status=WebhookDelivery.Status.PENDING, next_attempt_at=now, retry_until=now + RETRY_FOR
    )
    if not replayed:
        purged_at = WebhookDelivery.objects.filter(pk=delivery.pk).values_list("payload_purged_at", flat=True).first()
        raise errors.WEBHOOK_PAYLOAD_PURGED(purged_at=purged_at.isoformat() if purged_at else None)
    transaction.on_commit(lambda: webhook_deliver_task.delay(delivery.pk))
    delivery.refresh_from_db()
    return delivery


def webhook_payloads_purge(*, now: datetime | None = None) -> int:
    """Drop the payloads (registered codes among them) of deliveries finished more than
    ``PAYLOAD_KEPT_FOR`` ago; the log rows stay. Safe to run twice. Returns how many were purged."""
    moment = now or timezone.now()
    cutoff = moment - PAYLOAD_KEPT_FOR
    finished = [WebhookDelivery.Status.SUCCEEDED, WebhookDelivery.Status.FAILED]
    return (
        WebhookDelivery.objects.filter(status__in=finished, payload_ciphertext__isnull=False)
        .filter(Q(delivered_at__lt=cutoff) | Q(delivered_at__isnull=True, created_at__lt=cutoff))
        .update(payload_ciphertext=None, payload_key_id="", payload_purged_at=moment)
    )


def webhook_keys_rotate(*, batch_size: int = 1_000) -> tuple[int, int]:
    """Re-encrypt every endpoint secret and delivery payload not under the keyring's newest key,
    a short transaction per batch (deliveries keep being sent meanwhile). Returns how many
    secrets and payloads moved."""
    current = get_keyring().current_key_id

    def rotate(model: Any, key_field: str, blob_field: str, purpose: bytes) -> int:
        done = last_id = 0
        while True:
            with transaction.atomic():
                batch = list(
                    model.objects.select_for_update()
                    .filter(id__gt=last_id, **{f"{blob_field}__isnull": False})
                    .exclude(**{key_field: current})
                    .exclude(**{key_field: ""})
                    .order_by("id")
                    .only("id", key_field, blob_field)[:batch_size]
                )
                if not batch:
                    return done
                for row in batch:
                    text = crypto.unseal(getattr(row, key_field), getattr(row, blob_field), purpose=purpose)
                    key_id, blob = crypto.seal(text, purpose=purpose)
                    setattr(row, key_field, key_id)
                    setattr(row, blob_field, blob)
                model.objects.bulk_update(batch, [key_field, blob_field])
            last_id = batch[-1].pk
            done += len(batch)

    return (
        rotate(WebhookEndpoint, "secret_key_id", "secret_ciphertext", crypto.SECRET),
        rotate(WebhookDelivery, "payload_key_id", "payload_ciphertext", crypto.PAYLOAD),
    )
