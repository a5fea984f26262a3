"""Idempotency-Key when the connection dies: a committed effect always has its answer stored.

Real commits (``transaction=True``) and a real kill: ``pg_terminate_backend`` on the request's
own PostgreSQL connection right after the order commits, before anything else is written.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import psycopg
import pytest
from django.db import connection, transaction
from django.db.models.signals import post_save

from bizshop.billing.models import Order
from bizshop.core.models import IdempotencyRecord

if TYPE_CHECKING:
    from bizshop.catalog.models import Emoticon
    from tests.helpers.api import ApiClient

pytestmark = pytest.mark.django_db(transaction=True)


def terminate_this_connection() -> None:
    """Kill the Django connection's backend from another connection, as a crash or a failover would."""
    pid = connection.connection.info.backend_pid
    params = connection.get_connection_params()
    conninfo = {k: params[k] for k in ("dbname", "user", "host", "port", "password") if params.get(k)}
    with psycopg.connect(**conninfo, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])


@pytest.fixture
def connection_dies_after_the_order_commits() -> Iterator[None]:
    def on_order_saved(sender: Any, instance: Order, created: bool, **kwargs: Any) -> None:
        if created:
            transaction.on_commit(terminate_this_connection)

    post_save.connect(on_order_saved, sender=Order, dispatch_uid="kill-after-order-commit")
    try:
        yield
    finally:
        post_save.disconnect(sender=Order, dispatch_uid="kill-after-order-commit")
        connection.close()  # the next query gets a fresh connection


def order_body(emoticon: Emoticon) -> dict[str, Any]:
    return {"emoticon_id": emoticon.pk, "period_days": 30, "quantity": 100}


def test_a_retry_after_the_connection_died_past_the_commit_gets_the_order(
    api: ApiClient, emoticon: Emoticon, connection_dies_after_the_order_commits: None
) -> None:
    api.post("/api/v1/orders/", order_body(emoticon), HTTP_IDEMPOTENCY_KEY="crash-1")  # its answer is lost
    connection.close()  # the client's retry reaches a process with a working connection
    post_save.disconnect(sender=Order, dispatch_uid="kill-after-order-commit")

    again = api.post("/api/v1/orders/", order_body(emoticon), HTTP_IDEMPOTENCY_KEY="crash-1")

    order = Order.objects.get()
    assert (again.status_code, again.json()["id"]) == (201, order.pk)
    assert again["Idempotent-Replayed"] == "true"


def test_a_key_left_unanswered_by_a_dead_request_does_not_block_its_retry(api: ApiClient, emoticon: Emoticon) -> None:
    # What a request that died between claiming the key and storing its answer left behind.
    body = json.dumps(order_body(emoticon))
    fingerprint = hashlib.sha256(b"POST/api/v1/orders/\0" + body.encode()).hexdigest()
    IdempotencyRecord.objects.create(
        scope=f"partner:{api.partner.pk}", key="stuck-1", request_fingerprint=fingerprint, status_code=None
    )

    retry = api.client.post("/api/v1/orders/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="stuck-1")
    again = api.client.post("/api/v1/orders/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="stuck-1")

    assert retry.status_code == 201
    assert (again.status_code, again.json()) == (201, retry.json())
    assert Order.objects.count() == 1


def test_a_failed_request_stores_neither_its_effect_nor_its_key(
    api: ApiClient, emoticon: Emoticon, connection_dies_after_the_order_commits: None
) -> None:
    # Killed inside the transaction instead: the order and the key go together, so a retry redoes it.
    post_save.disconnect(sender=Order, dispatch_uid="kill-after-order-commit")

    def kill_now(sender: Any, instance: Order, created: bool, **kwargs: Any) -> None:
        terminate_this_connection()

    post_save.connect(kill_now, sender=Order, dispatch_uid="kill-after-order-commit")
    first = api.post("/api/v1/orders/", order_body(emoticon), HTTP_IDEMPOTENCY_KEY="crash-2")
    connection.close()
    post_save.disconnect(sender=Order, dispatch_uid="kill-after-order-commit")

    assert first.status_code >= 500
    assert not Order.objects.exists()
    assert not IdempotencyRecord.objects.exists()
    retry = api.post("/api/v1/orders/", order_body(emoticon), HTTP_IDEMPOTENCY_KEY="crash-2")
    assert (retry.status_code, retry.json()["id"]) == (201, Order.objects.get().pk)
