"""Random sequences of what partners, operators and the monthly run do, with the tax records
checked after every step (hypothesis ``RuleBasedStateMachine`` on PostgreSQL).

Steps: order, pay by card, open a virtual account, deposit (at once or notified late, into a month
already run), issue some or all codes, refund, complete a transfer refund, merge request,
withdrawal, days passing, the month's run as beat does it (with catch-up and reconciliation), a rerun.
After every step:
- each payment is in at most one positive invoice;
- every refunded, invoiced payment has exactly one amended invoice of minus its amount, and a
  payment refunded before its invoice has none;
- once a month's run has started after the month ended, every payment of it is invoiced (or was
  refunded before invoicing) and ``reconcile_month`` finds no mismatch, nor did the check the
  run recorded; a late deposit into such a month is a mismatch until the next run catches up;
- no payment that took money disappears, withdrawal included.

Each example runs in a savepoint of the test's transaction, rolled back when it ends.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import pytest
import redis
import time_machine
from django.conf import settings as django_settings
from django.db import transaction
from django.db.models import Count, F, Sum
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from bizshop.billing import services as billing
from bizshop.billing.gateways.sandbox import SandboxGateway
from bizshop.billing.models import Order, Payment, PaymentStatus
from bizshop.codes.services import issuance_run, issuance_start
from bizshop.core.errors import ApplicationError
from bizshop.invoices import services as invoices
from bizshop.invoices.models import InvoiceMergeRequestPayment, InvoicePayment, Reconciliation, TaxInvoiceLine
from bizshop.invoices.months import month_bounds, month_of, previous_month
from bizshop.invoices.reconciliation import reconcile_month
from bizshop.invoices.tasks import invoice_month_run_task
from bizshop.partners.models import Member, Partner
from bizshop.partners.services import partner_withdraw
from tests.factories import PASSWORD, REFUND_ACCOUNT, EmoticonFactory, MemberFactory, UserFactory

if TYPE_CHECKING:
    from bizshop.accounts.models import User

pytestmark = pytest.mark.django_db

KST = ZoneInfo("Asia/Seoul")
START = datetime(2026, 3, 2, 10, 0, tzinfo=KST)
# Service refusals a random step may meet; anything else is a bug.
EXPECTED_REFUSALS = {
    "invalid_state",
    "not_found",
    "codes_already_issued",
    "quantity_exceeds_remaining",
    "not_a_member",
    "owner_required",
    "withdrawal_blocked",
    "too_few_payments",
    "different_month",
    "different_business",
    "codes_not_fully_issued",
    "already_invoiced",
    "request_window_closed",
    "payment_not_found",
    "payment_not_approved",
}


class TaxRecords(RuleBasedStateMachine):
    """Two partners and an operator; the clock starts on 2 March 2026 in Seoul and only moves on."""

    context: dict[str, Any] = {}

    def __init__(self) -> None:
        super().__init__()
        self.savepoint = transaction.atomic()
        self.savepoint.__enter__()
        self.now = START
        self.clock = time_machine.travel(self.now, tick=False)
        self.clock.start()
        # Every withdrawal attempt counts in the login windows; each example starts with none.
        redis.Redis.from_url(django_settings.REDIS_URL).flushdb()
        self.orders: list[tuple[int, int]] = []  # (partner index, order id)
        self.took_money: dict[int, int] = {}  # payment id → amount, once approved
        self.closed_runs: set[date] = set()  # months whose run started after they ended
        self.caught_up_by_next_run: set[date] = set()  # run months a late deposit reopened

    def teardown(self) -> None:
        self.clock.stop()
        transaction.set_rollback(True)
        self.savepoint.__exit__(None, None, None)

    @property
    def partners(self) -> list[Partner]:
        # Read each time: an example's withdrawal is rolled back with it, a cached row is not.
        rows = Partner.objects.in_bulk(self.context["partner_ids"])
        return [rows[pk] for pk in self.context["partner_ids"]]

    def _owner(self, index: int) -> User:
        return Member.objects.select_related("user").get(partner=self.partners[index], role=Member.Role.OWNER).user

    def _order(self, pick: int) -> tuple[Partner, int]:
        index, order_id = self.orders[pick % len(self.orders)]
        return self.partners[index], order_id

    def _attempt(self, action: Any) -> None:
        try:
            action()
        except ApplicationError as exc:
            assert exc.code in EXPECTED_REFUSALS, (exc.code, exc.details)

    @initialize()
    def first_order(self) -> None:
        self.order(partner=0)

    # --- partners --------------------------------------------------------------------------

    @rule(partner=st.integers(0, 1))
    def order(self, partner: int) -> None:
        def create() -> None:
            order = billing.order_create(
                partner=self.partners[partner], emoticon_id=self.context["emoticon"].pk, period_days=30, quantity=100
            )
            self.orders.append((partner, order.pk))

        if self.partners[partner].status == Partner.Status.ACTIVE:
            create()

    @precondition(lambda self: self.orders)
    @rule(pick=st.integers(0, 99))
    def pay_by_card(self, pick: int) -> None:
        partner, order_id = self._order(pick)
        self._attempt(
            lambda: billing.order_pay_by_card(order_id=order_id, partner=partner, card_token="tok_sandbox_approve")
        )

    @precondition(lambda self: self.orders)
    @rule(pick=st.integers(0, 99))
    def pay_by_virtual_account(self, pick: int) -> None:
        partner, order_id = self._order(pick)
        self._attempt(lambda: billing.order_open_virtual_account(order_id=order_id, partner=partner))

    @precondition(lambda self: self.orders)
    @rule(pick=st.integers(0, 99))
    def deposit(self, pick: int) -> None:
        partner, order_id = self._order(pick)
        self._attempt(lambda: billing.sandbox_deposit_send(order_id=order_id, partner=partner))

    @precondition(lambda self: self.orders)
    @rule(pick=st.integers(0, 99), everything=st.booleans())
    def issue(self, pick: int, everything: bool) -> None:
        partner, order_id = self._order(pick)

        def run() -> None:
            issuance = issuance_start(order_id=order_id, partner=partner, quantity=None if everything else 40)
            issuance_run(issuance_id=issuance.pk)

        self._attempt(run)

    @precondition(lambda self: self.orders)
    @rule(pick=st.integers(0, 99))
    def refund(self, pick: int) -> None:
        partner, order_id = self._order(pick)
        self._attempt(lambda: billing.order_refund(order_id=order_id, partner=partner, refund_account=REFUND_ACCOUNT))

    @precondition(lambda self: self.orders)
    @rule(pick=st.integers(0, 99))
    def complete_transfer_refund(self, pick: int) -> None:
        _, order_id = self._order(pick)
        self._attempt(lambda: billing.order_refund_complete(order_id=order_id, operator=self.context["operator"]))

    @rule(partner=st.integers(0, 1), data=st.data())
    def merge_request(self, partner: int, data: st.DataObject) -> None:
        candidates = sorted(
            Payment.objects.filter(partner=self.partners[partner], status=PaymentStatus.APPROVED)
            .exclude(pk__in=InvoicePayment.objects.filter(amendment=False).values("payment_id"))
            .exclude(pk__in=InvoiceMergeRequestPayment.objects.values("payment_id"))
            .values_list("pk", flat=True)
        )
        if len(candidates) < 2:
            return
        chosen = data.draw(st.lists(st.sampled_from(candidates), min_size=2, max_size=4, unique=True))
        self._attempt(lambda: invoices.invoice_merge_request_create(partner=self.partners[partner], payment_ids=chosen))

    @rule(partner=st.integers(0, 1))
    def withdraw(self, partner: int) -> None:
        if self.partners[partner].status != Partner.Status.ACTIVE:
            return
        owner = self._owner(partner)
        self._attempt(lambda: partner_withdraw(partner=self.partners[partner], user=owner, password=PASSWORD))

    # --- time and the monthly run ----------------------------------------------------------

    @rule(days=st.integers(1, 25))
    def days_pass(self, days: int) -> None:
        self.now += timedelta(days=days)
        self.clock.stop()
        self.clock = time_machine.travel(self.now, tick=False)
        self.clock.start()

    @precondition(lambda self: self.orders)
    @rule(pick=st.integers(0, 99))
    def late_deposit(self, pick: int) -> None:
        """The PG's notification arrives now for money deposited a minute after the account was
        opened, maybe in a month whose run has already started."""
        _, order_id = self._order(pick)
        payment = Payment.objects.filter(order_id=order_id, status=PaymentStatus.AWAITING_DEPOSIT).first()
        if payment is None:
            return
        deposited_at = payment.created_at + timedelta(minutes=1)
        body, signature = SandboxGateway().deposit_notification(
            transaction_id=payment.gateway_transaction_id,
            account_number=payment.account_number,
            amount=payment.amount,
            deposited_at=deposited_at,
        )
        self._attempt(lambda: billing.payment_deposit_receive(body=body, signature=signature))
        if month_of(deposited_at) in self.closed_runs:
            self.caught_up_by_next_run.add(month_of(deposited_at))

    @rule()
    def month_run(self) -> None:
        """What beat does (here whatever the day, as an operator may): the previous month's run,
        the catch-up of earlier months, and their reconciliation, recorded."""
        invoice_month_run_task()
        self.closed_runs.add(previous_month(now=self.now))
        self.caught_up_by_next_run.clear()

    @precondition(lambda self: self.closed_runs - self.caught_up_by_next_run)
    @rule(data=st.data())
    def rerun(self, data: st.DataObject) -> None:
        month = data.draw(st.sampled_from(sorted(self.closed_runs - self.caught_up_by_next_run)))
        assert invoices.invoice_month_run(month=month, deliver=False) == 0

    # --- what must hold after every step ---------------------------------------------------

    @invariant()
    def no_payment_that_took_money_disappears(self) -> None:
        now = dict(Payment.objects.filter(approved_at__isnull=False).values_list("pk", "amount"))
        for payment_id, amount in self.took_money.items():
            assert now.get(payment_id) == amount, f"payment {payment_id} of {amount} is gone"
        self.took_money.update(now)

    @invariant()
    def each_payment_is_in_at_most_one_positive_invoice(self) -> None:
        twice = (
            TaxInvoiceLine.objects.filter(quantity__gt=0).values("payment_id").annotate(n=Count("id")).filter(n__gt=1)
        )
        assert not twice.exists(), list(twice)

    @invariant()
    def refunded_invoiced_payments_have_exactly_one_amendment_of_their_amount(self) -> None:
        refunded = dict(
            Payment.objects.filter(status=PaymentStatus.CANCELLED, approved_at__isnull=False).values_list(
                "pk", "amount"
            )
        )
        invoiced = set(
            InvoicePayment.objects.filter(payment_id__in=refunded, amendment=False).values_list("payment_id", flat=True)
        )
        amended: dict[int, list[int]] = {}
        for payment_id, total in (
            TaxInvoiceLine.objects.filter(payment_id__in=refunded, quantity__lt=0)
            .values_list("payment_id")
            .annotate(total=Sum(F("supply_amount") + F("vat_amount")))
            .values_list("payment_id", "total")
        ):
            amended.setdefault(payment_id, []).append(total)
        amendment_links = dict(
            InvoicePayment.objects.filter(payment_id__in=refunded, amendment=True)
            .values("payment_id")
            .annotate(n=Count("id"))
            .values_list("payment_id", "n")
        )
        for payment_id, amount in refunded.items():
            if payment_id in invoiced:
                assert amended.get(payment_id) == [-amount], (payment_id, amount, amended.get(payment_id))
                assert amendment_links.get(payment_id) == 1
            else:
                assert payment_id not in amended and payment_id not in amendment_links

    @invariant()
    def closed_months_that_ran_are_fully_invoiced_and_reconcile(self) -> None:
        # A late deposit into a month already run is an alarm (reconciliation says so) until the
        # next run catches the month up; every other month that ran is whole.
        for month in self.closed_runs:
            start, end = month_bounds(month)
            missing = (
                Payment.objects.filter(status=PaymentStatus.APPROVED, approved_at__gte=start, approved_at__lt=end)
                .exclude(pk__in=InvoicePayment.objects.filter(amendment=False).values("payment_id"))
                .values_list("pk", flat=True)
            )
            result = reconcile_month(month=month, record=False)
            if month in self.caught_up_by_next_run:
                assert result.ok == (not missing.exists()), (month, result.mismatches)
                continue
            assert not missing.exists(), f"{month:%Y-%m}: payments {list(missing)} not invoiced after the run"
            assert result.ok, result.mismatches
            recorded = Reconciliation.objects.filter(month=month).order_by("-checked_at", "-pk").first()
            assert recorded is not None and recorded.ok, recorded and recorded.mismatches


def test_tax_records_hold_over_random_sequences_of_actions(db: None) -> None:
    emoticon = EmoticonFactory(prices={30: 1_600, 60: 2_500}, min_quantity=10)
    TaxRecords.context = {
        "emoticon": emoticon,
        "partner_ids": [MemberFactory(role=Member.Role.OWNER).partner_id for _ in range(2)],
        "operator": UserFactory(is_staff=True, is_superuser=True),
    }
    run_state_machine_as_test(
        TaxRecords,
        settings=settings(
            max_examples=300,
            stateful_step_count=20,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
    # The examples were rolled back one by one: nothing of them is left.
    assert not Order.objects.exists() and not Payment.objects.exists()
