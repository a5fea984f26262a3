"""Issue 4's registration races over HTTP, 50 real threads against PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from bizshop.billing.selectors import order_get_for_partner
from bizshop.codes import format as code_format
from bizshop.codes import throttle
from bizshop.codes.crypto import get_keyring
from bizshop.codes.models import Registration, SerialCode
from bizshop.codes.services import issuance_run, issuance_start
from bizshop.webhooks.models import WebhookDelivery, WebhookEndpoint
from tests.factories import UserFactory
from tests.helpers.api import ApiClient
from tests.helpers.races import run_together
from tests.helpers.sessions import signed_in

if TYPE_CHECKING:
    from bizshop.billing.models import Order

pytestmark = pytest.mark.django_db(transaction=True)
THREADS = 50


def issued_codes(api: ApiClient, make_order: Callable[..., Order], quantity: int) -> tuple[int, list[str]]:
    order = make_order(api.partner, quantity=max(quantity, 100), paid=True)
    issuance = issuance_start(order_id=order.pk, partner=api.partner, quantity=quantity)
    issuance_run(issuance_id=issuance.pk)
    keyring = get_keyring()
    return order.pk, [keyring.decrypt(c.key_id, c.ciphertext) for c in SerialCode.objects.filter(order=order)]


def registering(code: str, customer: int) -> Callable[[], tuple[int, str]]:
    """A distinct customer (own account, own address) registering ``code``."""
    client = signed_in(UserFactory())

    def post() -> tuple[int, str]:
        response = client.post(
            "/api/v1/registrations/",
            {"code": code},
            content_type="application/json",
            REMOTE_ADDR=f"203.0.113.{customer}",
        )
        body = response.json()
        return response.status_code, body.get("error", {}).get("code", "ok")

    return post


# Without an endpoint the gate and the registration are one statement; with one, a transaction
# that also records the delivery. Both must let exactly one of the racers through.
@pytest.mark.parametrize("webhook", [False, True], ids=["no-webhook", "webhook"])
def test_fifty_threads_registering_one_code_give_one_success(
    api: ApiClient, make_order: Callable[..., Order], webhook: bool, broker: None
) -> None:
    _, (code,) = issued_codes(api, make_order, 1)
    if webhook:
        WebhookEndpoint.objects.create(partner=api.partner, url="https://hooks.example.kr/", events=["code.registered"])
    calls = [registering(code, i) for i in range(THREADS)]

    results = run_together(*calls)

    assert results.count((201, "ok")) == 1
    assert results.count((409, "code_already_registered")) == THREADS - 1
    assert Registration.objects.count() == 1
    assert SerialCode.objects.get().status == "registered"
    assert WebhookDelivery.objects.filter(event="code.registered").count() == (1 if webhook else 0)


def test_fifty_threads_registering_fifty_codes_of_an_order_all_succeed(
    api: ApiClient, make_order: Callable[..., Order]
) -> None:
    order_id, codes = issued_codes(api, make_order, THREADS)
    calls = [registering(code, i) for i, code in enumerate(codes)]

    results = run_together(*calls)

    assert results == [(201, "ok")] * THREADS
    assert Registration.objects.count() == THREADS
    order = order_get_for_partner(partner=api.partner, order_id=order_id)
    assert order.registered_quantity == THREADS  # type: ignore[attr-defined]
    assert api.get(f"/api/v1/orders/{order_id}/").json()["registered_quantity"] == THREADS


def test_48_parallel_wrong_registrations_of_one_account_get_exactly_the_limit_of_answers(db: None) -> None:
    user = UserFactory()
    limit = throttle.ACCOUNT_WINDOWS[0].limit

    def guessing() -> Callable[[], tuple[int, str]]:
        client = signed_in(user)

        def post() -> tuple[int, str]:
            response = client.post(
                "/api/v1/registrations/",
                {"code": code_format.generate()},  # well-formed, never issued
                content_type="application/json",
                REMOTE_ADDR="203.0.113.77",
            )
            return response.status_code, response.json()["error"]["code"]

        return post

    results = run_together(*[guessing() for _ in range(48)])

    assert results.count((404, "code_not_found")) == limit
    assert results.count((429, "too_many_attempts")) == 48 - limit
