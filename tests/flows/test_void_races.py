"""A partner voiding a code while an end user registers it, in real threads against PostgreSQL:
exactly one of them wins, the other gets its error, never both."""

from __future__ import annotations

from typing import Any

import pytest

from bizshop.codes.models import Issuance, Registration, SerialCode
from bizshop.codes.selectors import code_find
from bizshop.codes.services import code_register, code_void_and_replace
from bizshop.webhooks.models import WebhookDelivery, WebhookEndpoint
from tests.factories import UserFactory
from tests.helpers.api import ApiClient
from tests.helpers.races import outcome, run_together

pytestmark = pytest.mark.django_db(transaction=True)
ROUNDS = 6


# Without an endpoint a registration is one statement; with one, a transaction that also records
# the delivery (and the replacement records its code.voided delivery): both gates must hold.
@pytest.mark.parametrize("webhook", [False, True], ids=["no-webhook", "webhook"])
def test_voiding_and_registering_one_code_at_once_lets_exactly_one_through(
    api: ApiClient, make_order: Any, issue_codes: Any, webhook: bool
) -> None:
    order = make_order(api.partner, quantity=100, paid=True)
    codes = issue_codes(order, quantity=ROUNDS)
    if webhook:
        WebhookEndpoint.objects.create(
            partner=api.partner, url="https://hooks.example.kr/", events=["code.registered", "code.voided"]
        )
    users = [UserFactory() for _ in codes]
    winners = []

    for code, user in zip(codes, users, strict=True):
        voiding = outcome(
            lambda c=code: code_void_and_replace(order_id=order.pk, partner=api.partner, code=c, actor=None)
        )
        registering = outcome(lambda c=code, u=user: code_register(user=u, raw_code=c))

        void_result, register_result = run_together(voiding, registering)

        assert (void_result, register_result) in {("ok", "code_voided"), ("code_already_registered", "ok")}
        stored = SerialCode.objects.get(pk=code_find(raw_code=code).pk)
        if void_result == "ok":
            assert stored.status == "voided"
            assert not Registration.objects.filter(code=stored).exists()
        else:
            assert stored.status == "registered"
            assert Registration.objects.filter(code=stored, user=user).exists()
        winners.append(void_result == "ok")

    replaced = sum(winners)
    issuance = Issuance.objects.get(order=order)
    assert issuance.replaced_count == replaced
    assert SerialCode.objects.filter(order=order).count() == ROUNDS + replaced
    assert SerialCode.objects.filter(order=order, status="voided").count() == replaced
    assert Registration.objects.count() == ROUNDS - replaced
    if webhook:
        assert WebhookDelivery.objects.filter(event="code.voided").count() == replaced
        assert WebhookDelivery.objects.filter(event="code.registered").count() == ROUNDS - replaced
