"""A replaced code (잘못 보낸 코드 교체) is announced as ``code.voided`` to a real receiver on loopback."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from bizshop.webhooks import signing
from tests.helpers.api import ApiClient


def test_a_voided_code_and_its_replacement_are_delivered_signed(
    api: ApiClient,
    make_order: Any,
    issue_codes: Any,
    receiver: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    order = make_order(api.partner, quantity=100, paid=True)
    codes = issue_codes(order, quantity=2)
    created = api.post("/api/v1/webhooks/endpoints/", {"url": receiver.url, "events": ["code.voided"]})
    assert created.status_code == 201, created.content

    with django_capture_on_commit_callbacks(execute=True):
        answer = api.post(f"/api/v1/orders/{order.pk}/codes/void/", {"code": codes[0]}).json()

    [request] = receiver.requests
    event = json.loads(request["body"])
    assert event["type"] == "code.voided"
    data = event["data"]
    assert data["order_id"] == order.pk
    assert data["voided"] == {"id": answer["voided"]["id"], "last_characters": codes[0][-4:]}
    assert data["replacement"]["id"] == answer["replacement"]["id"]
    assert data["replacement"]["code"] == answer["replacement"]["code"]
    sent = datetime.fromisoformat(data["replacement"]["registration_deadline"])
    answered = datetime.fromisoformat(answer["replacement"]["registration_deadline"])
    assert abs(sent - answered) < timedelta(milliseconds=1)  # JSON webhooks carry milliseconds
    assert codes[0] not in request["body"].decode()  # the voided code itself is not repeated
    assert signing.HEADER.lower() in {name.lower() for name in request["headers"]}
