"""Money races with real threads against PostgreSQL: idempotent order creation, refund against
deposit, and two deposit notifications arriving together."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import pytest

from bizshop.billing import services as billing
from bizshop.billing.models import DepositNotification, Order, OrderEvent, OrderStatus, Payment, PaymentStatus
from bizshop.core.models import IdempotencyRecord
from tests.factories import REFUND_ACCOUNT
from tests.helpers.api import ApiClient
from tests.helpers.billing import order_in_state, signed_deposit
from tests.helpers.races import outcome, run_together

if TYPE_CHECKING:
    from bizshop.catalog.models import Emoticon

pytestmark = pytest.mark.django_db(transaction=True)


def test_fifty_concurrent_requests_with_one_key_create_one_order(api: ApiClient, emoticon: Emoticon) -> None:
    clients = [ApiClient(api.partner, api.raw_key) for _ in range(50)]
    body = {"emoticon_id": emoticon.pk, "period_days": 30, "quantity": 100}

    responses = run_together(
        *[lambda c=c: c.post("/api/v1/orders/", body, HTTP_IDEMPOTENCY_KEY="one-order") for c in clients]
    )

    assert [r.status_code for r in responses] == [201] * 50
    assert len({r.json()["id"] for r in responses}) == 1
    assert Order.objects.count() == 1
    assert Counter(r.get("Idempotent-Replayed") for r in responses) == {None: 1, "true": 49}
    assert IdempotencyRecord.objects.count() == 1


def test_refund_racing_a_deposit_notification_never_loses_money(api: ApiClient, emoticon: Emoticon) -> None:
    for round_ in range(10):
        order = order_in_state(api.partner, emoticon.pk, "awaiting_deposit")
        body, signature = signed_deposit(order)
        calls = {
            "refund": outcome(
                lambda o=order: billing.order_refund(order_id=o.pk, partner=api.partner, refund_account=REFUND_ACCOUNT)
            ),
            "deposit": outcome(lambda b=body, s=signature: billing.payment_deposit_receive(body=b, signature=s)),
        }
        names = ("refund", "deposit") if round_ % 2 else ("deposit", "refund")

        results = dict(zip(names, run_together(*(calls[name] for name in names)), strict=True))

        order.refresh_from_db()
        payment = Payment.objects.get(order=order)
        assert results["deposit"] == "ok", results
        assert DepositNotification.objects.get(payment=payment).outcome == "applied"
        if results["refund"] == "ok":  # the deposit came first, then the refund of a paid order
            assert (order.status, payment.status) == (OrderStatus.REFUND_PENDING, PaymentStatus.APPROVED)
            assert [e.kind for e in order.events.order_by("id")][-2:] == ["deposit_received", "refund_requested"]
        else:  # the refund came first and found nothing paid
            assert results["refund"] == "invalid_state"
            assert (order.status, payment.status) == (OrderStatus.PAID, PaymentStatus.APPROVED)
            assert not order.events.filter(kind__startswith="refund").exists()


def test_one_notification_delivered_twice_at_once_is_applied_once(api: ApiClient, emoticon: Emoticon) -> None:
    for _ in range(10):
        order = order_in_state(api.partner, emoticon.pk, "awaiting_deposit")
        body, signature = signed_deposit(order)
        receive = outcome(lambda b=body, s=signature: billing.payment_deposit_receive(body=b, signature=s))

        assert run_together(receive, receive) == ["ok", "ok"]

        payment = Payment.objects.get(order=order)
        assert Order.objects.get(pk=order.pk).status == OrderStatus.PAID
        assert [n.outcome for n in DepositNotification.objects.filter(payment=payment)] == ["applied"]
        assert OrderEvent.objects.filter(order=order, kind="deposit_received").count() == 1


def test_two_different_deposits_at_once_pay_once_and_flag_the_other_for_refund(
    api: ApiClient, emoticon: Emoticon
) -> None:
    for _ in range(10):
        order = order_in_state(api.partner, emoticon.pk, "awaiting_deposit")
        first, second = signed_deposit(order), signed_deposit(order)
        calls = [
            outcome(lambda b=b, s=s: billing.payment_deposit_receive(body=b, signature=s)) for b, s in (first, second)
        ]

        assert run_together(*calls) == ["ok", "ok"]

        payment = Payment.objects.get(order=order)
        notices = DepositNotification.objects.filter(payment=payment)
        assert sorted((n.outcome, n.refund_status) for n in notices) == [
            ("applied", "not_needed"),
            ("not_awaiting", "required"),
        ]
        assert (Order.objects.get(pk=order.pk).status, payment.status) == (OrderStatus.PAID, PaymentStatus.APPROVED)
        assert OrderEvent.objects.filter(order=order, kind="deposit_received").count() == 1
        assert OrderEvent.objects.filter(order=order, kind="unapplied_deposit").count() == 1
