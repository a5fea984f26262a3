"""A partner voids a code sent to the wrong person and gets a replacement (잘못 보낸 코드 교체)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from bizshop.audit.models import AuditEvent
from bizshop.billing.models import Order
from bizshop.codes import services
from bizshop.codes.crypto import get_keyring
from bizshop.codes.models import Issuance, SerialCode
from bizshop.codes.services import code_register, code_void_and_replace
from bizshop.core.errors import ApplicationError
from bizshop.webhooks.models import WebhookDelivery, WebhookEndpoint
from tests.factories import UserFactory
from tests.helpers.api import ApiClient


def void_url(order: Order) -> str:
    return f"/api/v1/orders/{order.pk}/codes/void/"


def error_code(response: Any) -> str:
    return str(response.json()["error"]["code"])


@pytest.fixture
def order_with_codes(api: ApiClient, make_order: Any, issue_codes: Any) -> tuple[Order, list[str]]:
    order = make_order(api.partner, quantity=100, paid=True)
    return order, issue_codes(order, quantity=3)


def test_a_misdirected_code_is_voided_and_its_replacement_registers_with_the_same_deadline(
    api: ApiClient, order_with_codes: tuple[Order, list[str]], end_user: Any
) -> None:
    order, codes = order_with_codes
    issuance = Issuance.objects.get(order=order)

    response = api.post(void_url(order), {"code": codes[0]})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["voided"]["last_characters"] == codes[0][-4:]
    assert body["voided"]["status"] == "voided"
    new_code = body["replacement"]["code"]
    assert new_code.replace("-", "") not in codes
    assert body["replacement"]["registration_url"].endswith(f"#code={new_code}")
    assert SerialCode.objects.get(pk=body["voided"]["id"]).status == "voided"
    replacement = SerialCode.objects.get(pk=body["replacement"]["id"])
    assert (replacement.issuance_id, replacement.order_id, replacement.status) == (issuance.pk, order.pk, "issued")
    assert (
        body["replacement"]["registration_deadline"]
        == api.get(f"/api/v1/orders/{order.pk}/issuances/{issuance.pk}/").json()["registration_deadline"]
    )
    # Units stay as bought; the tranche counts its replacement apart.
    issuance.refresh_from_db()
    order.refresh_from_db()
    assert (issuance.quantity, issuance.issued_count, issuance.replaced_count) == (3, 3, 1)
    assert order.issued_quantity == 3
    assert SerialCode.objects.filter(issuance=issuance).count() == 4

    registration = code_register(user=end_user, raw_code=new_code)
    assert registration.code_id == replacement.pk
    with pytest.raises(ApplicationError) as voided:
        code_register(user=UserFactory(), raw_code=codes[0])
    assert voided.value.code == "code_voided"


def test_registering_the_voided_code_over_the_api_is_410_code_voided(
    api: ApiClient, order_with_codes: tuple[Order, list[str]], end_user_client: Any
) -> None:
    order, codes = order_with_codes
    api.post(void_url(order), {"code": codes[1]})

    response = end_user_client.post("/api/v1/registrations/", {"code": codes[1]}, content_type="application/json")

    assert response.status_code == 410
    assert error_code(response) == "code_voided"


def test_a_registered_code_is_409_and_stays_with_its_user(
    api: ApiClient, order_with_codes: tuple[Order, list[str]], end_user: Any, db_rows: Any
) -> None:
    order, codes = order_with_codes
    code_register(user=end_user, raw_code=codes[0])
    before = db_rows()

    response = api.post(void_url(order), {"code": codes[0]})

    assert response.status_code == 409
    assert error_code(response) == "code_already_registered"
    assert db_rows() == before


def test_voiding_twice_is_410_and_issues_one_replacement(
    api: ApiClient, order_with_codes: tuple[Order, list[str]]
) -> None:
    order, codes = order_with_codes
    first = api.post(void_url(order), {"code": codes[2]})

    second = api.post(void_url(order), {"code": codes[2]})

    assert first.status_code == 200
    assert second.status_code == 410
    assert error_code(second) == "code_voided"
    assert SerialCode.objects.filter(order=order).count() == 4
    assert Issuance.objects.get(order=order).replaced_count == 1


def test_another_partners_order_or_code_is_404(
    api: ApiClient,
    other_api: ApiClient,
    order_with_codes: tuple[Order, list[str]],
    make_order: Any,
    issue_codes: Any,
    db_rows: Any,
) -> None:
    order, codes = order_with_codes
    other_order = make_order(other_api.partner, quantity=100, paid=True)
    [other_code] = issue_codes(other_order, quantity=1)
    before = db_rows()

    theirs = other_api.post(void_url(order), {"code": codes[0]})
    not_in_order = api.post(void_url(order), {"code": other_code})
    own_order_other_code = other_api.post(void_url(other_order), {"code": codes[0]})

    assert theirs.status_code == 404
    assert error_code(theirs) == "not_found"
    assert not_in_order.status_code == 404
    assert error_code(not_in_order) == "code_not_found"
    assert own_order_other_code.status_code == 404
    assert error_code(own_order_other_code) == "code_not_found"
    assert codes[0] not in theirs.content.decode() + own_order_other_code.content.decode()
    assert db_rows() == before


def test_a_code_of_another_order_of_the_same_partner_is_404(
    api: ApiClient, order_with_codes: tuple[Order, list[str]], make_order: Any
) -> None:
    _, codes = order_with_codes
    second = make_order(api.partner, quantity=100, paid=True)

    response = api.post(void_url(second), {"code": codes[0]})

    assert response.status_code == 404
    assert error_code(response) == "code_not_found"


def test_a_malformed_code_is_422(api: ApiClient, order_with_codes: tuple[Order, list[str]]) -> None:
    order, _ = order_with_codes

    response = api.post(void_url(order), {"code": "not-a-code"})

    assert response.status_code == 422


def test_a_code_past_its_deadline_gets_no_replacement(
    api: ApiClient, order_with_codes: tuple[Order, list[str]]
) -> None:
    order, codes = order_with_codes
    Issuance.objects.filter(order=order).update(registration_deadline=timezone.now() - timedelta(minutes=1))

    response = api.post(void_url(order), {"code": codes[0]})

    assert response.status_code == 410
    assert error_code(response) == "registration_period_over"
    assert SerialCode.objects.filter(order=order, status="voided").count() == 0


def test_the_replacement_is_audited_with_who_and_which_codes(
    api: ApiClient, order_with_codes: tuple[Order, list[str]]
) -> None:
    order, codes = order_with_codes

    body = api.post(void_url(order), {"code": codes[0]}).json()

    event = AuditEvent.objects.get(action=AuditEvent.Action.CODE_REPLACED)
    assert event.partner_id == api.partner.pk
    assert event.actor == api.partner.members.get().user
    assert event.data["order_id"] == order.pk
    assert event.data["voided_code_id"] == body["voided"]["id"]
    assert event.data["replacement_code_id"] == body["replacement"]["id"]
    assert codes[0] not in str(event.data)  # never a whole code in the log
    assert body["replacement"]["code"].replace("-", "") not in str(event.data)


def test_a_code_voided_event_is_recorded_for_subscribed_endpoints_only(
    api: ApiClient, order_with_codes: tuple[Order, list[str]]
) -> None:
    order, codes = order_with_codes
    WebhookEndpoint.objects.create(partner=api.partner, url="https://hooks.example.kr/a", events=["code.voided"])
    WebhookEndpoint.objects.create(partner=api.partner, url="https://hooks.example.kr/b", events=["code.registered"])

    api.post(void_url(order), {"code": codes[0]})

    assert list(WebhookDelivery.objects.values_list("event", "endpoint__url")) == [
        ("code.voided", "https://hooks.example.kr/a")
    ]


def test_registered_hooks_hear_of_the_swap_inside_its_transaction(
    api: ApiClient, order_with_codes: tuple[Order, list[str]], monkeypatch: Any
) -> None:
    order, codes = order_with_codes
    heard: list[tuple[int, int]] = []
    monkeypatch.setattr(services, "_code_replaced_hooks", [])
    services.code_replaced_hook_register(lambda old, new: heard.append((old, new)))

    result = code_void_and_replace(
        order_id=order.pk, partner=api.partner, code=codes[0], actor=api.partner.members.get().user
    )

    assert heard == [(result.voided.pk, result.replacement.pk)]
    assert get_keyring().decrypt(result.replacement.key_id, result.replacement.ciphertext) == result.replacement_code


def test_a_failing_hook_undoes_the_whole_swap(
    api: ApiClient, order_with_codes: tuple[Order, list[str]], monkeypatch: Any, db_rows: Any
) -> None:
    order, codes = order_with_codes
    monkeypatch.setattr(services, "_code_replaced_hooks", [])

    def broken(old: int, new: int) -> None:
        raise RuntimeError("recipient table unavailable")

    services.code_replaced_hook_register(broken)
    before = db_rows()

    with pytest.raises(RuntimeError):
        code_void_and_replace(order_id=order.pk, partner=api.partner, code=codes[0], actor=None)

    assert db_rows() == before
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.CODE_REPLACED).exists()
