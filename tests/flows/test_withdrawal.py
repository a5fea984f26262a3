"""탈퇴: refused with every reason while orders are in flight; otherwise the history goes, the
codes already issued stay registrable, and the registration number may sign up afresh."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from bizshop.accounts.models import User
from bizshop.audit.models import AuditEvent
from bizshop.billing import services as billing
from bizshop.billing.models import Order, OrderEvent, OrderStatus, Payment
from bizshop.codes.models import CodeStatus, Issuance, Registration, SerialCode
from bizshop.core.errors import ApplicationError
from bizshop.partners import withdrawal as withdrawal_registry
from bizshop.partners.models import ApiKey, Member, Partner
from bizshop.partners.services import partner_create, partner_withdraw
from tests.factories import PASSWORD, REFUND_ACCOUNT, EmoticonFactory, MemberFactory
from tests.helpers.api import ApiClient
from tests.helpers.sessions import signed_in

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

    from tests.helpers.db import TableRows

PATH = "/api/v1/partner/withdrawal/"


def withdraw(api: ApiClient, password: str = PASSWORD) -> Response:
    return api.post(PATH, {"password": password})


@pytest.fixture
def awaiting_deposit(api: ApiClient, make_order: Callable[..., Order]) -> Order:
    order = make_order(api.partner)
    return billing.order_open_virtual_account(order_id=order.pk, partner=api.partner)


@pytest.fixture
def unissued(api: ApiClient, make_order: Callable[..., Order]) -> Order:
    return make_order(api.partner, paid=True)


@pytest.fixture
def refund_pending(api: ApiClient, make_order: Callable[..., Order]) -> Order:
    order = make_order(api.partner)
    billing.order_open_virtual_account(order_id=order.pk, partner=api.partner)
    billing.sandbox_deposit_send(order_id=order.pk, partner=api.partner)
    return billing.order_refund(order_id=order.pk, partner=api.partner, refund_account=REFUND_ACCOUNT)


def reasons_of(response: Any) -> list[dict[str, Any]]:
    assert (response.status_code, response.json()["error"]["code"]) == (409, "withdrawal_blocked")
    return list(response.json()["error"]["details"]["reasons"])


def test_withdrawal_is_blocked_by_a_pending_deposit(api: ApiClient, awaiting_deposit: Order) -> None:
    assert reasons_of(withdraw(api)) == [{"code": "pending_deposit", "order_ids": [awaiting_deposit.pk]}]


def test_withdrawal_is_blocked_by_a_paid_order_with_no_code_issued(api: ApiClient, unissued: Order) -> None:
    assert reasons_of(withdraw(api)) == [{"code": "unissued_codes", "order_ids": [unissued.pk]}]


def test_withdrawal_is_blocked_by_a_partially_issued_order(
    api: ApiClient, unissued: Order, issue_codes: Callable[..., list[str]]
) -> None:
    issue_codes(unissued, quantity=10)

    assert Order.objects.get(pk=unissued.pk).status == OrderStatus.PARTIALLY_ISSUED
    assert reasons_of(withdraw(api)) == [{"code": "unissued_codes", "order_ids": [unissued.pk]}]


def test_withdrawal_is_blocked_while_a_tranche_is_still_being_created(api: ApiClient, unissued: Order) -> None:
    # All units reserved (the order is 'issued'), but the task has not created the codes yet.
    from bizshop.codes.services import issuance_start

    issuance_start(order_id=unissued.pk, partner=api.partner)  # on_commit never runs inside the test transaction

    assert Issuance.objects.get(order=unissued).issued_count == 0
    assert reasons_of(withdraw(api)) == [{"code": "unissued_codes", "order_ids": [unissued.pk]}]


def test_withdrawal_is_blocked_by_a_refund_in_progress(api: ApiClient, refund_pending: Order) -> None:
    assert refund_pending.status == OrderStatus.REFUND_PENDING
    assert reasons_of(withdraw(api)) == [{"code": "refund_in_progress", "order_ids": [refund_pending.pk]}]


def test_withdrawal_lists_every_reason_with_its_orders(
    api: ApiClient,
    awaiting_deposit: Order,
    unissued: Order,
    refund_pending: Order,
    make_order: Callable[..., Order],
    db_rows: Callable[[], TableRows],
) -> None:
    second_unissued = make_order(api.partner, paid=True)
    before = db_rows()

    reasons = reasons_of(withdraw(api))

    assert reasons == [
        {"code": "pending_deposit", "order_ids": [awaiting_deposit.pk]},
        {"code": "unissued_codes", "order_ids": [unissued.pk, second_unissued.pk]},
        {"code": "refund_in_progress", "order_ids": [refund_pending.pk]},
    ]
    assert db_rows() == before
    assert Partner.objects.get(pk=api.partner.pk).status == Partner.Status.ACTIVE
    assert api.get("/api/v1/orders/").status_code == 200


def test_a_refused_withdrawal_is_in_the_audit_log(api: ApiClient, unissued: Order) -> None:
    withdraw(api)

    event = AuditEvent.objects.get(action=AuditEvent.Action.WITHDRAWAL_REFUSED)
    assert (event.partner_id, event.data["reasons"]) == (api.partner.pk, ["unissued_codes"])


def test_withdrawal_needs_the_owners_password(api: ApiClient) -> None:
    response = withdraw(api, password="Wrong!pass9")

    assert (response.status_code, response.json()["error"]["code"]) == (403, "invalid_password")
    assert Partner.objects.get(pk=api.partner.pk).status == Partner.Status.ACTIVE


def test_withdrawal_without_a_password_is_422(api: ApiClient) -> None:
    response = api.post(PATH, {})

    assert (response.status_code, response.json()["error"]["code"]) == (422, "invalid_request")


def test_a_member_cannot_withdraw_the_partner(api: ApiClient) -> None:
    member = MemberFactory(partner=api.partner, role=Member.Role.MEMBER)

    with pytest.raises(ApplicationError) as refused:
        partner_withdraw(partner=api.partner, user=member.user, password=PASSWORD)

    assert refused.value.code == "owner_required"
    assert Partner.objects.get(pk=api.partner.pk).status == Partner.Status.ACTIVE


def test_withdrawal_marks_the_partner_withdrawn_and_answers_204(api: ApiClient) -> None:
    response = withdraw(api)

    assert (response.status_code, response.content) == (204, b"")
    partner = Partner.objects.get(pk=api.partner.pk)
    assert partner.status == Partner.Status.WITHDRAWN
    assert partner.withdrawn_at is not None


def test_after_withdrawal_every_key_is_refused(api: ApiClient) -> None:
    withdraw(api)

    response = api.get("/api/v1/orders/")

    assert (response.status_code, response.json()["error"]["code"]) == (401, "authentication_failed")
    assert not ApiKey.objects.filter(partner=api.partner, revoked_at__isnull=True).exists()


def test_after_withdrawal_members_cannot_sign_in(api: ApiClient) -> None:
    colleague = MemberFactory(partner=api.partner, role=Member.Role.MEMBER)
    owner = api.partner.members.get(role=Member.Role.OWNER).user
    owner_email, colleague_email = owner.email, colleague.user.email
    session = signed_in(colleague.user)

    withdraw(api)

    for email in (owner_email, colleague_email):
        response = Client().post(reverse("accounts:login"), {"username": email, "password": PASSWORD})
        assert "_auth_user_id" not in response.client.session
    assert not User.objects.filter(pk__in=[owner.pk, colleague.user.pk], is_active=True).exists()
    assert session.get(reverse("partners:info")).status_code == 302  # the open session is gone too


# The orders go in batches of ids (a statement takes at most 65,535 parameters); a batch of one
# order makes every step run over several batches.
@pytest.mark.parametrize("batch", [10_000, 1])
def test_withdrawal_deletes_the_purchase_history_for_good_but_keeps_the_money_records(
    api: ApiClient,
    make_order: Callable[..., Order],
    issue_codes: Callable[..., list[str]],
    batch: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(withdrawal_registry, "ID_BATCH", batch)
    cancelled = make_order(api.partner)
    billing.order_cancel(order_id=cancelled.pk, partner=api.partner)
    refunded = billing.order_refund(order_id=make_order(api.partner, paid=True).pk, partner=api.partner)
    issued = make_order(api.partner, paid=True)
    issue_codes(issued)
    took_money = sorted(
        Payment.objects.filter(partner=api.partner, approved_at__isnull=False).values_list("pk", "amount")
    )

    withdraw(api)

    assert not Order.objects.filter(pk__in=[cancelled.pk, refunded.pk]).exists()
    assert not OrderEvent.objects.filter(order__partner=api.partner).exists()
    kept = Order.objects.get(pk=issued.pk)  # only what its codes need, no money left in it
    assert (kept.unit_price, kept.supply_amount, kept.vat_amount, kept.total_amount) == (0, 0, 0, 0)
    # The refunded and the issued order's payments are tax records: kept, detached from the orders.
    assert len(took_money) == 2
    assert sorted(Payment.objects.filter(partner=api.partner).values_list("pk", "amount")) == took_money
    assert not Payment.objects.filter(partner=api.partner, order__isnull=False).exists()


def test_a_code_issued_before_withdrawal_still_registers(
    api: ApiClient, make_order: Callable[..., Order], issue_codes: Callable[..., list[str]], end_user_client: Client
) -> None:
    order = make_order(api.partner, period_days=60, paid=True)
    first, second = issue_codes(order, quantity=100)[:2]
    assert (
        end_user_client.post("/api/v1/registrations/", {"code": first}, content_type="application/json").status_code
        == 201
    )

    withdraw(api)

    response = end_user_client.post("/api/v1/registrations/", {"code": second}, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["title"] == order.emoticon_title
    assert Registration.objects.count() == 2  # the registration made before withdrawal is still there
    assert SerialCode.objects.filter(order=order, status=CodeStatus.REGISTERED).count() == 2
    assert end_user_client.get("/api/v1/me/emoticons/").json()["results"][0]["emoticon_id"] == order.emoticon_id


def test_the_withdrawn_number_signs_up_again_with_an_empty_history(
    api: ApiClient, make_order: Callable[..., Order], issue_codes: Callable[..., list[str]]
) -> None:
    issue_codes(make_order(api.partner, paid=True))
    owner_email = api.partner.members.get().user.email
    withdraw(api)

    again = partner_create(
        name="(주)다시시작",
        business_registration_number=api.partner.business_registration_number,
        representative="홍길동",
        invoice_email="tax@again.kr",
        owner_email=owner_email,  # the withdrawal released the address
        owner_password=PASSWORD,
    )

    assert again.pk != api.partner.pk
    assert not Order.objects.filter(partner=again).exists()
    client = signed_in(again.members.get().user)
    assert client.get(reverse("billing:order-list")).context["page"].paginator.count == 0


def test_withdrawal_is_in_the_audit_log(api: ApiClient) -> None:
    owner_email = api.partner.members.get().user.email

    withdraw(api)

    event = AuditEvent.objects.get(action=AuditEvent.Action.WITHDRAWN)
    assert (event.partner_id, event.actor_email, event.data["members"]) == (
        api.partner.pk,
        owner_email,
        [owner_email],
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_a_card_payment_racing_withdrawal_never_leaves_a_paid_order_of_a_withdrawn_partner(attempt: int) -> None:
    """The withdrawal locks every order row before it looks; the payment locks its order. Either
    the payment lands first and blocks the withdrawal, or the withdrawal deletes the unpaid
    order first and the payment finds nothing to charge."""
    member = MemberFactory()
    partner = member.partner
    order = billing.order_create(partner=partner, emoticon_id=EmoticonFactory().pk, period_days=30, quantity=100)
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def pay() -> None:
        barrier.wait()
        try:
            billing.order_pay_by_card(order_id=order.pk, partner=partner, card_token="tok_sandbox_approve")
            outcomes["pay"] = "paid"
        except ApplicationError as exc:
            outcomes["pay"] = exc.code
        finally:
            connection.close()

    def leave() -> None:
        barrier.wait()
        try:
            partner_withdraw(partner=partner, user=member.user, password=PASSWORD)
            outcomes["withdraw"] = "withdrawn"
        except ApplicationError as exc:
            outcomes["withdraw"] = exc.code
        finally:
            connection.close()

    threads = [threading.Thread(target=pay), threading.Thread(target=leave)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    status = Partner.objects.get(pk=partner.pk).status
    if outcomes["pay"] == "paid":
        assert outcomes["withdraw"] == "withdrawal_blocked"
        assert (status, Order.objects.get(pk=order.pk).status) == (Partner.Status.ACTIVE, OrderStatus.PAID)
    else:
        assert outcomes == {"pay": "not_found", "withdraw": "withdrawn"}
        assert status == Partner.Status.WITHDRAWN
        assert not Order.objects.filter(pk=order.pk).exists()
        assert not Payment.objects.exists()


def test_wrong_withdrawal_passwords_count_against_the_login_throttle(api: ApiClient) -> None:
    from bizshop.accounts import throttle

    for _ in range(throttle.ACCOUNT_LIMIT):
        withdraw(api, password="Wrong!pass9")

    response = withdraw(api)  # even the right password, now

    assert (response.status_code, response.json()["error"]["code"]) == (429, "too_many_login_attempts")
    assert int(response["Retry-After"]) > 0
    assert Partner.objects.get(pk=api.partner.pk).status == Partner.Status.ACTIVE


def test_withdrawal_disables_the_partners_webhooks(api: ApiClient) -> None:
    from bizshop.webhooks.models import WebhookEndpoint

    WebhookEndpoint.objects.create(partner=api.partner, url="https://hooks.example.kr/", events=["code.registered"])

    withdraw(api)

    assert WebhookEndpoint.objects.get(partner=api.partner).disabled_at is not None
