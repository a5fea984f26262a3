"""PortOne (V2) as the PG: the adapter drives the real portone-server-sdk against a local stand-in
of PortOne's API (tests/helpers/portone_server.py), through the shop's API like a partner would."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from bizshop.billing import services as billing
from bizshop.billing import tasks
from bizshop.billing.gateways import get_gateway
from bizshop.billing.gateways.portone import PortOneGateway, payment_id_new, payment_id_order
from bizshop.billing.models import DepositNotification, Order, OrderEvent, OrderStatus, Payment, PaymentStatus
from tests.helpers.portone_server import (
    SECRET,
    STORE_ID,
    WEBHOOK_SECRET,
    FakePortOne,
    portone_server,
    standard_webhook_headers,
    unknown_fields,
)
from tests.helpers.races import run_together

NOTIFICATION_PATH = "/api/v1/payments/deposit-notifications/"
TOTAL = 176_000  # make_order's 100 units


@pytest.fixture
def portone(settings: Any) -> Iterator[FakePortOne]:
    """PortOne as the shop's PG, its API answered by a local server; no request outside its document."""
    with portone_server() as fake:
        settings.PAYMENT_GATEWAY = "bizshop.billing.gateways.portone.PortOneGateway"
        settings.PORTONE_API_BASE_URL = fake.url
        settings.PORTONE_API_SECRET = SECRET
        settings.PORTONE_STORE_ID = STORE_ID
        settings.PORTONE_CHANNEL_KEY = "channel-key-test-card"
        settings.PORTONE_VIRTUAL_ACCOUNT_CHANNEL_KEY = "channel-key-test-va"
        settings.PORTONE_WEBHOOK_SECRET = WEBHOOK_SECRET
        settings.PORTONE_TIMEOUT_SECONDS = 0.5
        settings.PORTONE_RECONCILE_AFTER_SECONDS = 0
        yield fake
        assert fake.contract_violations == []


def pay(api: Any, order: Order, payment_id: str) -> Any:
    return api.post(f"/api/v1/orders/{order.pk}/payment/", {"method": "card", "card_token": payment_id})


def paid_at_portone(portone: FakePortOne, order: Order, *, total: int = TOTAL, currency: str = "KRW") -> str:
    """The partner paid in PortOne's window for the page's paymentId: PortOne now has it PAID."""
    payment_id = payment_id_new(order_reference=str(order.pk))
    portone.add_paid(payment_id, total=total, currency=currency)
    return payment_id


def error_code(response: Any) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


def post_webhook(body: bytes, headers: dict[str, str]) -> Any:
    extra = {"HTTP_" + name.upper().replace("-", "_"): value for name, value in headers.items()}
    return Client().post(NOTIFICATION_PATH, data=body, content_type="application/json", **extra)


def test_the_gateway_in_use_is_portone(portone: FakePortOne) -> None:
    assert isinstance(get_gateway(), PortOneGateway)


def test_a_payment_portone_has_paid_pays_the_order(api: Any, make_order: Any, portone: FakePortOne) -> None:
    order = make_order(api.partner)
    payment_id = paid_at_portone(portone, order)

    response = pay(api, order, payment_id)

    assert (response.status_code, response.json()["status"]) == (200, "paid")
    payment = Payment.objects.get(order=order)
    assert (payment.gateway, payment.gateway_transaction_id, payment.status, payment.amount) == (
        "portone",
        payment_id,
        "approved",
        TOTAL,
    )
    # Confirmed by asking PortOne, with our API secret.
    assert [r.authorization for r in portone.calls("GET", payment_id)] == [f"PortOne {SECRET}"]


@pytest.mark.parametrize(("total", "currency"), [(1_000, "KRW"), (TOTAL, "USD")])
def test_a_tampered_amount_is_refused_cancelled_at_portone_and_the_order_stays_payable(
    api: Any, make_order: Any, portone: FakePortOne, total: int, currency: str
) -> None:
    order = make_order(api.partner)
    payment_id = paid_at_portone(portone, order, total=total, currency=currency)

    response = pay(api, order, payment_id)

    assert error_code(response) == (402, "payment_amount_mismatch")
    [cancel] = portone.calls("POST", f"{payment_id}/cancel")
    assert "금액 불일치" in cancel.body["reason"] and str(f"{TOTAL:,}") in cancel.body["reason"]
    assert portone.status_of(payment_id) == "CANCELLED"
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT and not Payment.objects.filter(order=order).exists()
    # Payable still: the right payment goes through.
    assert pay(api, order, paid_at_portone(portone, order)).json()["status"] == "paid"


def test_a_failed_portone_payment_is_declined_and_changes_nothing(
    api: Any, make_order: Any, portone: FakePortOne, db_rows: Any
) -> None:
    order = make_order(api.partner)
    payment_id = payment_id_new(order_reference=str(order.pk))
    portone.add_failed(payment_id, total=TOTAL)
    before = db_rows()

    response = pay(api, order, payment_id)

    assert error_code(response) == (402, "payment_declined")
    assert "한도" in response.json()["error"]["details"]["reason"]
    assert db_rows() == before


def test_a_payment_portone_does_not_know_is_declined(api: Any, make_order: Any, portone: FakePortOne) -> None:
    order = make_order(api.partner)

    response = pay(api, order, payment_id_new(order_reference=str(order.pk)))

    assert error_code(response) == (402, "payment_declined")
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PENDING_PAYMENT


def test_a_payment_made_for_another_order_cannot_pay_this_one(api: Any, make_order: Any, portone: FakePortOne) -> None:
    first, second = make_order(api.partner), make_order(api.partner)
    payment_id = paid_at_portone(portone, first)

    response = pay(api, second, payment_id)

    assert error_code(response) == (402, "payment_declined")
    assert portone.requests == []  # refused before PortOne is even asked
    assert pay(api, first, payment_id).json()["status"] == "paid"
    # And once used it cannot be presented again.
    assert error_code(pay(api, second, payment_id))[0] in (402, 409)
    assert Order.objects.get(pk=second.pk).status == OrderStatus.PENDING_PAYMENT


def test_payment_ids_name_their_order() -> None:
    payment_id = payment_id_new(order_reference="42")

    assert payment_id.startswith("bizshop-42-") and payment_id_order(payment_id) == "42"
    assert payment_id_new(order_reference="42") != payment_id
    assert payment_id_order("bizshop-42-zz") is None and payment_id_order("tok_sandbox_approve") is None


def test_a_timeout_leaves_the_order_pending_and_reconciliation_settles_it_once(
    api: Any, make_order: Any, portone: FakePortOne
) -> None:
    order = make_order(api.partner)
    payment_id = paid_at_portone(portone, order)
    portone.stall_seconds = 1.5  # past the client's 0.5 s

    response = pay(api, order, payment_id)

    assert error_code(response) == (409, "payment_pending")
    order.refresh_from_db()
    payment = Payment.objects.get(order=order)
    assert (order.status, payment.status, payment.gateway_transaction_id) == ("pending_payment", "pending", payment_id)
    # Nothing else may move money meanwhile: not a second payment, not a virtual account, not a cancel.
    assert error_code(pay(api, order, paid_at_portone(portone, order))) == (409, "payment_pending")
    assert error_code(api.post(f"/api/v1/orders/{order.pk}/payment/", {"method": "virtual_account"})) == (
        409,
        "payment_pending",
    )
    assert error_code(api.post(f"/api/v1/orders/{order.pk}/cancel/")) == (409, "payment_pending")

    portone.stall_seconds = 0
    assert tasks.payment_reconcile_pending_task() == 1
    assert tasks.payment_reconcile_pending_task() == 0

    order.refresh_from_db()
    payment.refresh_from_db()
    assert (order.status, payment.status) == ("paid", "approved")
    assert order.events.filter(kind=OrderEvent.Kind.PAYMENT_APPROVED).count() == 1
    assert Payment.objects.filter(order=order).count() == 1


def test_reconciliation_waits_while_portone_still_does_not_answer(
    api: Any, make_order: Any, portone: FakePortOne
) -> None:
    order = make_order(api.partner)
    payment_id = paid_at_portone(portone, order)
    portone.stall_seconds = 1.5
    pay(api, order, payment_id)

    assert billing.payment_reconcile_pending() == 0

    assert Payment.objects.get(order=order).status == PaymentStatus.PENDING


def test_reconciliation_of_a_failed_payment_makes_the_order_payable_again(
    api: Any, make_order: Any, portone: FakePortOne
) -> None:
    order = make_order(api.partner)
    payment_id = payment_id_new(order_reference=str(order.pk))
    portone.add_pay_pending(payment_id, total=TOTAL)  # PortOne itself does not know yet

    assert error_code(pay(api, order, payment_id)) == (409, "payment_pending")
    portone.add_failed(payment_id, total=TOTAL)
    assert billing.payment_reconcile_pending() == 1

    assert Payment.objects.get(order=order).status == PaymentStatus.FAILED
    assert order.events.filter(kind=OrderEvent.Kind.PAYMENT_FAILED).count() == 1
    assert pay(api, order, paid_at_portone(portone, order)).json()["status"] == "paid"


def test_reconciliation_respects_the_waiting_time(
    api: Any, make_order: Any, portone: FakePortOne, settings: Any
) -> None:
    order = make_order(api.partner)
    payment_id = paid_at_portone(portone, order)
    portone.stall_seconds = 1.5
    pay(api, order, payment_id)
    portone.stall_seconds = 0
    settings.PORTONE_RECONCILE_AFTER_SECONDS = 600

    assert billing.payment_reconcile_pending() == 0
    assert billing.payment_reconcile_pending(now=timezone.now() + timedelta(minutes=11)) == 1


@pytest.mark.django_db(transaction=True)
def test_two_reconciliations_at_once_settle_a_pending_payment_once(
    api: Any, make_order: Any, portone: FakePortOne
) -> None:
    order = make_order(api.partner)
    payment_id = paid_at_portone(portone, order)
    portone.stall_seconds = 1.5
    pay(api, order, payment_id)
    portone.stall_seconds = 0

    results = run_together(billing.payment_reconcile_pending, billing.payment_reconcile_pending)

    assert sorted(results) == [0, 1]
    assert Order.objects.get(pk=order.pk).events.filter(kind=OrderEvent.Kind.PAYMENT_APPROVED).count() == 1


def open_virtual_account(api: Any, order: Order) -> Payment:
    response = api.post(f"/api/v1/orders/{order.pk}/payment/", {"method": "virtual_account"})
    assert response.status_code == 200, response.json()
    return Payment.objects.get(order=order, status=PaymentStatus.AWAITING_DEPOSIT)


def test_a_virtual_account_is_issued_through_portone_with_its_due_date(
    api: Any, make_order: Any, portone: FakePortOne
) -> None:
    order = make_order(api.partner)

    response = api.post(f"/api/v1/orders/{order.pk}/payment/", {"method": "virtual_account"})

    deposit = response.json()["deposit"]
    payment = Payment.objects.get(order=order)
    [issue] = portone.calls("POST", "/instant")
    assert issue.body["channelKey"] == "channel-key-test-va"
    assert issue.body["amount"] == {"total": TOTAL} and issue.body["currency"] == "KRW"
    assert issue.body["method"]["virtualAccount"]["bank"] == "SHINHAN"
    assert (deposit["bank"], deposit["amount"]) == ("신한은행", TOTAL)
    assert deposit["account_number"] == portone.payments[payment.gateway_transaction_id]["method"]["accountNumber"]
    assert payment_id_order(payment.gateway_transaction_id) == str(order.pk)
    due = timezone.now() + timedelta(days=3)
    assert payment.due_at is not None and abs((payment.due_at - due).total_seconds()) < 60


def test_a_verified_deposit_webhook_pays_the_order_once_even_replayed(
    api: Any, make_order: Any, portone: FakePortOne
) -> None:
    order = make_order(api.partner)
    payment = open_virtual_account(api, order)
    portone.deposit(payment.gateway_transaction_id)
    body, headers = portone.webhook(payment.gateway_transaction_id)

    first = post_webhook(body, headers)
    replayed = post_webhook(body, headers)
    # PortOne's re-send (콘솔 → 웹훅 재전송) carries a new webhook-id: still the same deposit.
    resent = post_webhook(*portone.webhook(payment.gateway_transaction_id, webhook_id="msg_resent"))

    assert [r.status_code for r in (first, replayed, resent)] == [200, 200, 200]
    assert first.json()["outcome"] == "applied"
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert DepositNotification.objects.count() == 1
    assert order.events.filter(kind=OrderEvent.Kind.DEPOSIT_RECEIVED).count() == 1
    # The server asked PortOne itself about the payment each time, instead of believing the body.
    assert len(portone.calls("GET", payment.gateway_transaction_id)) >= 4


def test_a_webhook_with_a_bad_signature_is_400_and_changes_nothing(
    api: Any, make_order: Any, portone: FakePortOne, db_rows: Any
) -> None:
    order = make_order(api.partner)
    payment = open_virtual_account(api, order)
    portone.deposit(payment.gateway_transaction_id)
    body, _ = portone.webhook(payment.gateway_transaction_id)
    forged = standard_webhook_headers(body, secret="whsec_" + "Zm9yZ2VkLWtleQ==", webhook_id="msg_forged")
    before = db_rows()

    responses = [
        post_webhook(body, forged),
        post_webhook(body, {}),  # unsigned
        post_webhook(
            body.replace(b"Transaction.Paid", b"Transaction.Paid "), portone.webhook(payment.gateway_transaction_id)[1]
        ),
        post_webhook(body, standard_webhook_headers(body, secret=WEBHOOK_SECRET, webhook_id="m", timestamp=1)),
    ]

    assert [error_code(r) for r in responses] == [(400, "invalid_notification")] * 4
    assert db_rows() == before
    assert Order.objects.get(pk=order.pk).status == OrderStatus.AWAITING_DEPOSIT


def test_a_genuine_paid_webhook_is_not_believed_until_portone_says_so(
    api: Any, make_order: Any, portone: FakePortOne, db_rows: Any
) -> None:
    order = make_order(api.partner)
    payment = open_virtual_account(api, order)  # issued, no money yet
    body, headers = portone.webhook(payment.gateway_transaction_id)
    before = db_rows()

    response = post_webhook(body, headers)

    assert (response.status_code, response.json()["outcome"]) == (200, "ignored")
    assert db_rows() == before


def test_other_portone_webhooks_are_acknowledged_and_change_nothing(
    api: Any, make_order: Any, portone: FakePortOne, db_rows: Any
) -> None:
    order = make_order(api.partner)
    payment_id = paid_at_portone(portone, order)
    before = db_rows()

    ready = post_webhook(*portone.webhook(payment_id, kind="Transaction.Ready"))

    assert (ready.status_code, ready.json()["outcome"]) == (200, "ignored")
    assert db_rows() == before  # a paid card's webhook settles it: see the tests further down


def test_a_refund_cancels_the_payment_at_portone_with_its_reason(
    api: Any, make_order: Any, portone: FakePortOne
) -> None:
    order = make_order(api.partner)
    payment_id = paid_at_portone(portone, order)
    pay(api, order, payment_id)

    response = api.post(f"/api/v1/orders/{order.pk}/refund/")

    assert (response.status_code, response.json()["status"]) == (200, "refunded")
    [cancel] = portone.calls("POST", f"{payment_id}/cancel")
    assert cancel.body["reason"] == f"이모티콘 비즈샵 주문 #{order.pk} 환불 (고객 요청)"
    assert cancel.body["currentCancellableAmount"] == TOTAL and "amount" not in cancel.body  # in full
    assert portone.status_of(payment_id) == "CANCELLED"


def test_a_refund_portone_refuses_is_refund_failed_and_the_order_stays_paid(
    api: Any, make_order: Any, portone: FakePortOne
) -> None:
    order = make_order(api.partner)
    payment_id = paid_at_portone(portone, order)
    pay(api, order, payment_id)
    portone.refuse_cancel = True

    response = api.post(f"/api/v1/orders/{order.pk}/refund/")

    assert error_code(response) == (502, "refund_failed")
    assert "취소 할 수 없는" in response.json()["error"]["details"]["reason"]
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PAID
    assert Payment.objects.get(order=order).status == PaymentStatus.APPROVED


def test_cancelling_an_order_closes_its_portone_virtual_account(
    api: Any, make_order: Any, portone: FakePortOne
) -> None:
    order = make_order(api.partner)
    payment = open_virtual_account(api, order)

    response = api.post(f"/api/v1/orders/{order.pk}/cancel/")

    assert (response.status_code, response.json()["status"]) == (200, "cancelled")
    assert len(portone.calls("POST", f"{payment.gateway_transaction_id}/virtual-account/close")) == 1


def test_every_request_the_adapter_sends_is_in_portone_document(
    api: Any, make_order: Any, portone: FakePortOne
) -> None:
    """Contract: each body the adapter sends (cancel, virtual-account issuance) only uses fields the SDK's
    request types — PortOne's published document — define; the fixture also checks it after every test."""
    order = make_order(api.partner)
    pay(api, order, paid_at_portone(portone, order, total=5))  # cancel with a reason
    open_virtual_account(api, order)
    paid = make_order(api.partner)
    pay(api, paid, paid_at_portone(portone, paid))
    api.post(f"/api/v1/orders/{paid.pk}/refund/")

    checked = portone.calls("POST", "/cancel") + portone.calls("POST", "/instant")
    assert len(checked) == 3
    assert portone.contract_violations == []


def test_the_contract_check_catches_a_field_portone_does_not_define() -> None:
    from portone_server_sdk._generated.payment.cancel_payment_body import CancelPaymentBody
    from portone_server_sdk._generated.payment.instant_payment_input import InstantPaymentInput

    assert unknown_fields({"reason": "x", "amount": 1, "refundReason": "y"}, CancelPaymentBody) == ["refundReason"]
    body = {"method": {"virtualAccount": {"bank": "SHINHAN", "expiry": {"dueDate": "x", "days": 3}}}}
    assert unknown_fields(body, InstantPaymentInput) == ["method.virtualAccount.expiry.days"]


@pytest.mark.parametrize(
    "name",
    [
        "paid_payment",
        "failed_payment",
        "pay_pending_payment",
        "virtual_account_issued_payment",
        "cancel_payment_response",
        "pay_instantly_response",
        "close_virtual_account_response",
        "error_payment_not_found",
        "error_pg_provider",
        "webhook_transaction_paid",
        "webhook_transaction_ready",
    ],
)
def test_the_recorded_examples_have_the_shapes_the_sdk_reads(name: str) -> None:
    from portone_server_sdk._generated.common.payment_not_found_error import _deserialize_payment_not_found_error
    from portone_server_sdk._generated.common.pg_provider_error import _deserialize_pg_provider_error
    from portone_server_sdk._generated.payment.cancel_payment_response import _deserialize_cancel_payment_response
    from portone_server_sdk._generated.payment.close_virtual_account_response import (
        _deserialize_close_virtual_account_response,
    )
    from portone_server_sdk._generated.payment.pay_instantly_response import _deserialize_pay_instantly_response
    from portone_server_sdk._generated.payment.payment import _deserialize_payment
    from portone_server_sdk._generated.webhook.webhook import _deserialize_webhook

    from tests.helpers.portone_server import fixture

    readers: dict[str, Any] = {
        "cancel_payment_response": _deserialize_cancel_payment_response,
        "pay_instantly_response": _deserialize_pay_instantly_response,
        "close_virtual_account_response": _deserialize_close_virtual_account_response,
        "error_payment_not_found": _deserialize_payment_not_found_error,
        "error_pg_provider": _deserialize_pg_provider_error,
    }
    reader = readers.get(name, _deserialize_webhook if name.startswith("webhook") else _deserialize_payment)
    expected = {
        "paid_payment": "PaidPayment",
        "failed_payment": "FailedPayment",
        "pay_pending_payment": "PayPendingPayment",
        "virtual_account_issued_payment": "VirtualAccountIssuedPayment",
        "webhook_transaction_paid": "WebhookTransactionPaid",
        "webhook_transaction_ready": "WebhookTransactionReady",
    }

    read = reader(fixture(name))

    assert not isinstance(read, dict)
    if name in expected:
        assert type(read).__name__ == expected[name]
    assert json.dumps(fixture(name))  # plain JSON


def test_a_deposit_webhook_portone_cannot_be_asked_about_is_503_then_applied_when_sent_again(
    api: Any, make_order: Any, portone: FakePortOne, db_rows: Any
) -> None:
    order = make_order(api.partner)
    payment = open_virtual_account(api, order)
    portone.deposit(payment.gateway_transaction_id)
    body, headers = portone.webhook(payment.gateway_transaction_id)
    portone.stall_seconds = 1.5
    before = db_rows()

    first = post_webhook(body, headers)

    assert error_code(first) == (503, "pg_unavailable")  # PortOne sends it again
    assert db_rows() == before
    portone.stall_seconds = 0
    assert post_webhook(body, headers).json()["outcome"] == "applied"
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PAID


def test_a_portone_that_cannot_close_an_account_does_not_block_the_cancel(
    api: Any, make_order: Any, portone: FakePortOne
) -> None:
    order = make_order(api.partner)
    open_virtual_account(api, order)
    portone.fail_close = True

    response = api.post(f"/api/v1/orders/{order.pk}/cancel/")

    assert (response.status_code, response.json()["status"]) == (200, "cancelled")
    assert len(portone.calls("POST", "/virtual-account/close")) == 1


def test_the_reconciliation_runs_from_celery_beat(settings: Any) -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["billing-reconcile-pending-payments"]

    assert entry["task"] == tasks.payment_reconcile_pending_task.name
    assert entry["schedule"] <= 300


def test_the_order_page_says_a_card_payment_is_being_confirmed_and_offers_no_other_payment(
    api: Any, make_order: Any, portone: FakePortOne
) -> None:
    from tests.factories import MemberFactory

    member = MemberFactory(partner=api.partner)
    client = Client()
    client.force_login(member.user)
    order = make_order(api.partner)
    payment_id = paid_at_portone(portone, order)
    portone.stall_seconds = 1.5
    pay(api, order, payment_id)

    page = client.get(f"/mypage/orders/{order.pk}/").content.decode()

    assert 'id="payment-pending"' in page
    assert "portone-pay-form" not in page and "pay_virtual_account" not in page and "/cancel/" not in page


def test_the_order_page_hands_portone_a_payment_id_of_this_order_and_widens_the_csp_there_only(
    api: Any, make_order: Any, portone: FakePortOne
) -> None:
    from tests.factories import MemberFactory

    client = Client()
    client.force_login(MemberFactory(partner=api.partner).user)
    order = make_order(api.partner)

    response = client.get(f"/mypage/orders/{order.pk}/")
    checkout = json.loads(
        response.content.decode().split('id="portone-checkout" type="application/json">')[1].split("</script>")[0]
    )

    assert payment_id_order(checkout["paymentId"]) == str(order.pk)
    assert (checkout["storeId"], checkout["channelKey"], checkout["totalAmount"]) == (
        STORE_ID,
        "channel-key-test-card",
        order.total_amount,
    )
    assert "https://cdn.portone.io" in response["Content-Security-Policy"]
    assert "cdn.portone.io" not in client.get("/mypage/orders/")["Content-Security-Policy"]


def member_session(api: Any) -> Client:
    from tests.factories import MemberFactory

    client = Client()
    client.force_login(MemberFactory(partner=api.partner).user)
    return client


def test_a_phone_coming_back_from_portone_confirms_the_payment_once(
    api: Any, make_order: Any, portone: FakePortOne
) -> None:
    client = member_session(api)
    order = make_order(api.partner)
    payment_id = paid_at_portone(portone, order)
    back = f"/mypage/orders/{order.pk}/portone-return/?paymentId={payment_id}&transactionType=PAYMENT&txId=tx"

    first = client.get(back)
    again = client.get(back)

    assert first.status_code == again.status_code == 302
    assert first["Location"] == f"/mypage/orders/{order.pk}/"
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert order.events.filter(kind=OrderEvent.Kind.PAYMENT_APPROVED).count() == 1


def test_a_phone_coming_back_with_portone_error_changes_nothing(
    api: Any, make_order: Any, portone: FakePortOne, db_rows: Any
) -> None:
    client = member_session(api)
    order = make_order(api.partner)
    payment_id = payment_id_new(order_reference=str(order.pk))
    before = db_rows()

    response = client.get(
        f"/mypage/orders/{order.pk}/portone-return/",
        {"paymentId": payment_id, "code": "FAILURE_TYPE_PG", "message": "사용자가 결제를 취소했습니다"},
        follow=True,
    )

    assert "사용자가 결제를 취소했습니다" in response.content.decode()
    assert portone.requests == []
    assert db_rows() == before


@pytest.mark.django_db(transaction=True)
def test_the_same_deposit_webhook_twice_at_once_pays_once(api: Any, make_order: Any, portone: FakePortOne) -> None:
    order = make_order(api.partner)
    payment = open_virtual_account(api, order)
    portone.deposit(payment.gateway_transaction_id)
    body, headers = portone.webhook(payment.gateway_transaction_id)

    responses = run_together(lambda: post_webhook(body, headers), lambda: post_webhook(body, headers))

    assert [r.status_code for r in responses] == [200, 200]
    assert DepositNotification.objects.count() == 1
    assert Order.objects.get(pk=order.pk).events.filter(kind=OrderEvent.Kind.DEPOSIT_RECEIVED).count() == 1


def test_portone_paid_webhook_of_a_pending_card_payment_settles_it_at_once(
    api: Any, make_order: Any, portone: FakePortOne
) -> None:
    order = make_order(api.partner)
    payment_id = paid_at_portone(portone, order)
    portone.stall_seconds = 1.5
    pay(api, order, payment_id)
    portone.stall_seconds = 0

    response = post_webhook(*portone.webhook(payment_id))

    assert (response.status_code, response.json()["outcome"]) == (200, "ignored")  # not a deposit
    order.refresh_from_db()
    assert (order.status, Payment.objects.get(order=order).status) == ("paid", "approved")
    assert billing.payment_reconcile_pending() == 0  # nothing left for the task
    assert order.events.filter(kind=OrderEvent.Kind.PAYMENT_APPROVED).count() == 1


def test_a_card_paid_at_portone_whose_page_never_came_back_is_recorded_and_paid_by_the_webhook(
    api: Any, make_order: Any, portone: FakePortOne
) -> None:
    order = make_order(api.partner)
    payment_id = paid_at_portone(portone, order)  # the partner paid, then closed the page: no confirmation

    first = post_webhook(*portone.webhook(payment_id))
    again = post_webhook(*portone.webhook(payment_id))  # PortOne re-sends

    assert [r.status_code for r in (first, again)] == [200, 200]
    order.refresh_from_db()
    payment = Payment.objects.get(order=order)
    assert (order.status, payment.status, payment.gateway_transaction_id) == ("paid", "approved", payment_id)
    assert order.events.filter(kind=OrderEvent.Kind.PAYMENT_APPROVED).count() == 1
    assert portone.calls("POST", f"{payment_id}/cancel") == []


def test_a_second_card_payment_known_only_by_the_webhook_goes_back_to_the_card(
    api: Any, make_order: Any, portone: FakePortOne
) -> None:
    order = make_order(api.partner)
    pay(api, order, paid_at_portone(portone, order))
    second = paid_at_portone(portone, order)  # paid again in another tab, never confirmed

    response = post_webhook(*portone.webhook(second))

    assert response.status_code == 200
    assert len(portone.calls("POST", f"{second}/cancel")) == 1  # the money goes back
    assert Payment.objects.get(gateway_transaction_id=second).status == "cancelled"
    order.refresh_from_db()
    assert order.status == "paid" and order.events.filter(kind=OrderEvent.Kind.PAYMENT_APPROVED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_page_and_the_webhook_confirming_one_card_payment_at_once_pay_it_once(
    api: Any, make_order: Any, portone: FakePortOne
) -> None:
    order = make_order(api.partner)
    payment_id = paid_at_portone(portone, order)
    body, headers = portone.webhook(payment_id)

    run_together(lambda: pay(api, order, payment_id), lambda: post_webhook(body, headers))

    order.refresh_from_db()
    assert order.status == "paid"
    assert [p.status for p in Payment.objects.filter(order=order)] == ["approved"]
    assert order.events.filter(kind=OrderEvent.Kind.PAYMENT_APPROVED).count() == 1
    assert portone.calls("POST", f"{payment_id}/cancel") == []
