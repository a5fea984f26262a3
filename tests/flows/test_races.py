"""Races with real threads against PostgreSQL: each rule holds whoever gets there first."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

from bizshop.billing import services as billing
from bizshop.billing.models import DepositNotification, Order, OrderEvent, OrderStatus, Payment, PaymentStatus
from bizshop.codes.models import CodeStatus, Issuance, Registration, SerialCode
from bizshop.codes.services import issuance_start
from tests.factories import UserFactory
from tests.helpers.api import ApiClient
from tests.helpers.races import outcome, run_together
from tests.helpers.sessions import signed_in

pytestmark = pytest.mark.django_db(transaction=True)


def http_outcome(response: Any) -> tuple[int, str]:
    body = response.json()
    return response.status_code, body["error"]["code"] if "error" in body else body.get("status", "")


def test_refund_and_issuance_of_one_order_never_both_win(api: ApiClient, make_order: Callable[..., Order]) -> None:
    for round_ in range(20):
        order = make_order(api.partner, paid=True)
        calls = {
            "refund": outcome(lambda o=order: billing.order_refund(order_id=o.pk, partner=api.partner)),
            "issue": outcome(lambda o=order: issuance_start(order_id=o.pk, partner=api.partner, quantity=10)),
        }
        names = ("refund", "issue") if round_ % 2 else ("issue", "refund")  # alternate who starts first

        results = dict(zip(names, run_together(*(calls[name] for name in names)), strict=True))

        order.refresh_from_db()
        assert sorted(results.values()) in (["codes_already_issued", "ok"], ["invalid_state", "ok"]), results
        if results["refund"] == "ok":
            assert results["issue"] == "invalid_state"
            assert (order.status, order.issued_quantity) == (OrderStatus.REFUNDED, 0)
            assert not Issuance.objects.filter(order=order).exists()
            assert not SerialCode.objects.filter(order=order).exists()
        else:
            assert results["refund"] == "codes_already_issued"
            assert (order.status, order.issued_quantity) == (OrderStatus.PARTIALLY_ISSUED, 10)
            assert Payment.objects.get(order=order).status == PaymentStatus.APPROVED
            assert SerialCode.objects.filter(order=order).count() == 10
            assert not order.events.filter(kind__startswith="refund").exists()


def test_twenty_registrations_of_one_code_at_once_register_it_once(
    api: ApiClient, make_order: Callable[..., Order], issue_codes: Callable[..., list[str]]
) -> None:
    [code] = issue_codes(make_order(api.partner, paid=True), quantity=1)
    clients = []
    for _ in range(20):
        client = signed_in(UserFactory())
        clients.append(client)

    responses = run_together(
        *[
            lambda c=client: c.post("/api/v1/registrations/", {"code": code}, content_type="application/json")
            for client in clients
        ]
    )

    outcomes = Counter(
        (r.status_code, r.json()["error"]["code"] if r.status_code != 201 else "registered") for r in responses
    )
    assert outcomes == {(201, "registered"): 1, (409, "code_already_registered"): 19}
    assert Registration.objects.count() == 1
    assert SerialCode.objects.get().status == CodeStatus.REGISTERED


def test_two_card_payments_of_one_order_at_once_charge_it_once(
    api: ApiClient, make_order: Callable[..., Order]
) -> None:
    order = make_order(api.partner)
    clients = [ApiClient(api.partner, api.raw_key) for _ in range(2)]
    body = {"method": "card", "card_token": "tok_sandbox_approve"}

    responses = run_together(*[lambda c=c: c.post(f"/api/v1/orders/{order.pk}/payment/", body) for c in clients])

    assert sorted(http_outcome(r) for r in responses) == [(200, "paid"), (409, "invalid_state")]
    assert Payment.objects.filter(order=order, status=PaymentStatus.APPROVED).count() == 1
    assert OrderEvent.objects.filter(order=order, kind="payment_approved").count() == 1


def test_two_issuances_of_what_remains_at_once_issue_it_once(api: ApiClient, make_order: Callable[..., Order]) -> None:
    order = make_order(api.partner, paid=True)
    clients = [ApiClient(api.partner, api.raw_key) for _ in range(2)]

    responses = run_together(
        *[lambda c=c: c.post(f"/api/v1/orders/{order.pk}/issuances/", {"quantity": 100}) for c in clients]
    )

    assert sorted(http_outcome(r)[0] for r in responses) == [202, 422]
    assert [r.json()["error"]["code"] for r in responses if r.status_code == 422] == ["quantity_exceeds_remaining"]
    order.refresh_from_db()
    assert (order.status, order.issued_quantity) == (OrderStatus.ISSUED, order.quantity)
    assert Issuance.objects.filter(order=order).count() == 1
    assert SerialCode.objects.filter(order=order).count() == order.quantity


def test_two_refunds_of_one_order_at_once_refund_it_once(api: ApiClient, make_order: Callable[..., Order]) -> None:
    order = make_order(api.partner, paid=True)
    refund = outcome(lambda: billing.order_refund(order_id=order.pk, partner=api.partner))

    results = run_together(refund, refund)

    assert sorted(results) == ["invalid_state", "ok"]
    assert Order.objects.get(pk=order.pk).status == OrderStatus.REFUNDED
    assert OrderEvent.objects.filter(order=order, kind="refund_completed").count() == 1


def test_cancel_and_deposit_of_one_order_never_both_take_effect(
    api: ApiClient, make_order: Callable[..., Order]
) -> None:
    for _ in range(20):
        order = make_order(api.partner)
        billing.order_open_virtual_account(order_id=order.pk, partner=api.partner)
        cancel = outcome(lambda o=order: billing.order_cancel(order_id=o.pk, partner=api.partner))
        deposit = outcome(lambda o=order: billing.sandbox_deposit_send(order_id=o.pk, partner=api.partner))

        cancelled, deposited = run_together(cancel, deposit)

        order.refresh_from_db()
        payment = Payment.objects.get(order=order)
        assert "ok" in (cancelled, deposited), (cancelled, deposited)
        if order.status == OrderStatus.CANCELLED:
            assert (cancelled, payment.status) == ("ok", PaymentStatus.CANCELLED)
            # The deposit lost: refused, or kept aside for an operator to return the money.
            notice = DepositNotification.objects.filter(payment=payment).first()
            assert deposited == "invalid_state" or notice.outcome == "not_awaiting"
        else:
            assert (order.status, payment.status, deposited, cancelled) == (
                OrderStatus.PAID,
                PaymentStatus.APPROVED,
                "ok",
                "invalid_state",
            )
