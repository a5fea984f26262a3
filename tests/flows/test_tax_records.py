"""Every won accounted for, over HTTP as a partner system and its accountant would meet it: a
refund after invoicing is amended, a withdrawal keeps the payment for the month's run, and a
merged invoice can be asked for with the API alone."""

from __future__ import annotations

import ast
from datetime import date, datetime, timedelta
from io import StringIO
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains

from bizshop.billing import services as billing
from bizshop.billing.gateways.sandbox import SandboxGateway
from bizshop.billing.models import Order, OrderStatus, Payment
from bizshop.codes.services import issuance_run
from bizshop.invoices import writing
from bizshop.invoices.models import InvoiceKind, Reconciliation, TaxInvoice
from bizshop.invoices.months import month_of, next_month
from bizshop.invoices.reconciliation import reconcile_month
from bizshop.invoices.tasks import invoice_month_run_task
from bizshop.partners import services as partner_services
from bizshop.partners.models import Partner
from tests.factories import PASSWORD, REFUND_ACCOUNT, UserFactory
from tests.helpers.api import ApiClient
from tests.helpers.sessions import signed_in

if TYPE_CHECKING:
    from pytest_django import Settings

    from bizshop.catalog.models import Emoticon

pytestmark = pytest.mark.django_db

KST = ZoneInfo("Asia/Seoul")
MARCH = date(2026, 3, 1)


def this_month() -> date:
    return month_of(timezone.now())


def run_month(month: date | None = None) -> str:
    out = StringIO()
    call_command("issue_tax_invoices", "--month", f"{month or this_month():%Y-%m}", stdout=out)
    return out.getvalue()


def order_paid_by_card(api: ApiClient, emoticon: Emoticon, quantity: int = 100) -> dict[str, Any]:
    created = api.post("/api/v1/orders/", {"emoticon_id": emoticon.pk, "period_days": 30, "quantity": quantity})
    assert created.status_code == 201, created.json()
    assert created.json()["payment_id"] is None  # nothing paid yet
    paid = api.post(
        f"/api/v1/orders/{created.json()['id']}/payment/", {"method": "card", "card_token": "tok_sandbox_approve"}
    )
    assert paid.status_code == 200, paid.json()
    return dict(paid.json())


def invoices(api: ApiClient, **params: str) -> list[dict[str, Any]]:
    response = api.get("/api/v1/invoices/", data=params)
    assert response.status_code == 200
    return list(response.json()["results"])


def issue_all(api: ApiClient, order_id: int) -> None:
    response = api.post(f"/api/v1/orders/{order_id}/issuances/", {})
    assert response.status_code == 202, response.json()
    issuance_run(issuance_id=response.json()["id"])  # the worker's part (on_commit never fires in a test)
    assert api.get(f"/api/v1/orders/{order_id}/").json()["status"] == OrderStatus.ISSUED


# --- 1. a refund after invoicing is amended at once --------------------------------------------


def test_a_card_refund_after_invoicing_gives_an_amended_invoice_at_once(api: ApiClient, emoticon: Emoticon) -> None:
    order = order_paid_by_card(api, emoticon)
    assert run_month() == f"{this_month():%Y-%m}: 1 tax invoices issued\n"
    (original,) = invoices(api)

    refunded = api.post(f"/api/v1/orders/{order['id']}/refund/")

    assert refunded.json()["status"] == OrderStatus.REFUNDED
    (amended,) = invoices(api, kind="amended")
    assert amended["original_invoice_id"] == original["id"]
    assert amended["payment_ids"] == [order["payment_id"]] == original["payment_ids"]
    assert (amended["supply_amount"], amended["vat_amount"], amended["total_amount"]) == (-160_000, -16_000, -176_000)
    assert amended["write_date"] == f"{timezone.localdate():%Y-%m-%d}"
    assert amended["amendment_reason"] == "계약의 해제"
    assert reconcile_month(month=this_month()).ok


def test_a_transfer_refund_is_amended_when_the_operator_completes_it(api: ApiClient, emoticon: Emoticon) -> None:
    order = api.post("/api/v1/orders/", {"emoticon_id": emoticon.pk, "period_days": 30, "quantity": 100}).json()
    api.post(f"/api/v1/orders/{order['id']}/payment/", {"method": "virtual_account"})
    api.post("/api/v1/sandbox/deposits/", {"order_id": order["id"]})
    run_month()

    pending = api.post(f"/api/v1/orders/{order['id']}/refund/", {"refund_account": REFUND_ACCOUNT})

    assert pending.json()["status"] == OrderStatus.REFUND_PENDING
    assert invoices(api, kind="amended") == []  # the money has not gone back yet
    payment = Payment.objects.get(order_id=order["id"])
    assert (payment.refund_bank, payment.refund_account_number, payment.refund_account_holder) == (
        "004",
        "123456789012",
        "홍길동",
    )
    billing.order_refund_complete(order_id=order["id"], operator=UserFactory(is_staff=True, is_superuser=True))
    (amended,) = invoices(api, kind="amended")
    assert amended["total_amount"] == -176_000
    assert reconcile_month(month=this_month()).ok


def test_a_refund_before_invoicing_is_never_invoiced(api: ApiClient, emoticon: Emoticon) -> None:
    order = order_paid_by_card(api, emoticon)
    api.post(f"/api/v1/orders/{order['id']}/refund/")

    assert run_month().endswith(": 0 tax invoices issued\n")
    assert invoices(api) == []
    assert reconcile_month(month=this_month()).ok


@pytest.mark.parametrize(
    ("account", "fields"),
    [
        (None, ["account_number", "bank", "holder"]),
        ({"bank": "999", "account_number": "123-456-789012", "holder": "홍길동"}, ["bank"]),
        ({"bank": "004", "account_number": "12345", "holder": "홍길동"}, ["account_number"]),
        ({"bank": "004", "account_number": "１２３４５６７８９０１２", "holder": "홍길동"}, ["account_number"]),
        ({"bank": "004", "account_number": "123456789012", "holder": "  "}, ["holder"]),
    ],
)
def test_a_transfer_refund_without_a_good_account_is_422_and_changes_nothing(
    api: ApiClient, emoticon: Emoticon, account: dict[str, str] | None, fields: list[str]
) -> None:
    order = api.post("/api/v1/orders/", {"emoticon_id": emoticon.pk, "period_days": 30, "quantity": 100}).json()
    api.post(f"/api/v1/orders/{order['id']}/payment/", {"method": "virtual_account"})
    api.post("/api/v1/sandbox/deposits/", {"order_id": order["id"]})

    response = api.post(f"/api/v1/orders/{order['id']}/refund/", {"refund_account": account} if account else {})

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_refund_account"
    assert sorted(response.json()["error"]["details"]["fields"]) == fields
    assert Order.objects.get(pk=order["id"]).status == OrderStatus.PAID
    assert Payment.objects.get(order_id=order["id"]).refund_account_number == ""


# --- 2. withdrawal keeps the payment for the month's run ---------------------------------------


def test_a_payment_of_a_partner_that_withdrew_is_invoiced_by_the_months_run(api: ApiClient, emoticon: Emoticon) -> None:
    order = order_paid_by_card(api, emoticon)
    issue_all(api, order["id"])
    partner = api.partner
    identity = (partner.name, partner.business_registration_number, partner.invoice_email)

    assert api.post("/api/v1/partner/withdrawal/", {"password": PASSWORD}).status_code == 204
    output = run_month()

    assert output == f"{this_month():%Y-%m}: 1 tax invoices issued\n"
    invoice = TaxInvoice.objects.get(partner=partner)
    assert (invoice.recipient_name, invoice.recipient_brn, invoice.recipient_email) == identity
    assert invoice.total_amount == 176_000
    assert list(invoice.payment_links.values_list("payment_id", flat=True)) == [order["payment_id"]]
    assert reconcile_month(month=this_month()).ok


# --- 3. a merged invoice from the API alone ----------------------------------------------------


def test_a_partner_system_asks_for_a_merged_invoice_with_the_payment_ids_the_api_gives(
    api: ApiClient, emoticon: Emoticon
) -> None:
    orders = [order_paid_by_card(api, emoticon) for _ in range(2)]
    for order in orders:
        issue_all(api, order["id"])
    listed = {row["id"]: row["payment_id"] for row in api.get("/api/v1/orders/").json()["results"]}
    events = api.get(f"/api/v1/orders/{orders[0]['id']}/events/").json()["results"]
    paid_event = next(event for event in events if event["kind"] == "payment_approved")

    assert paid_event["data"]["payment_id"] == orders[0]["payment_id"] == listed[orders[0]["id"]]
    request = api.post("/api/v1/invoice-merge-requests/", {"payment_ids": [o["payment_id"] for o in orders]})
    assert request.status_code == 201, request.json()
    run_month()

    (merged,) = invoices(api)
    assert merged["kind"] == InvoiceKind.MERGED
    assert sorted(merged["payment_ids"]) == sorted(o["payment_id"] for o in orders)
    assert merged["total_amount"] == 352_000
    assert merged["original_invoice_id"] is None


def test_the_order_paid_webhook_carries_the_payment_id(
    api: ApiClient, emoticon: Emoticon, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[dict[str, Any]] = []
    emit = billing.webhook_emit
    monkeypatch.setattr(billing, "webhook_emit", lambda **kwargs: sent.append(kwargs) or emit(**kwargs))

    order = order_paid_by_card(api, emoticon)

    (paid,) = [call for call in sent if call["event"] == "order.paid"]
    assert paid["data"]["payment_id"] == order["payment_id"] is not None


# --- the seed's example ------------------------------------------------------------------------


def test_two_payments_give_two_invoices_and_a_refund_of_one_an_amendment_of_minus_176000(
    api: ApiClient, emoticon: Emoticon
) -> None:
    first, second = (order_paid_by_card(api, emoticon) for _ in range(2))
    run_month()
    assert sorted(invoice["total_amount"] for invoice in invoices(api)) == [176_000, 176_000]

    api.post(f"/api/v1/orders/{second['id']}/refund/")

    assert sorted(invoice["total_amount"] for invoice in invoices(api)) == [-176_000, 176_000, 176_000]
    assert reconcile_month(month=this_month()).ok
    assert first["payment_id"] != second["payment_id"]


def test_two_issued_payments_merged_give_one_invoice_of_352000(api: ApiClient, emoticon: Emoticon) -> None:
    orders = [order_paid_by_card(api, emoticon) for _ in range(2)]
    for order in orders:
        issue_all(api, order["id"])
    api.post("/api/v1/invoice-merge-requests/", {"payment_ids": [o["payment_id"] for o in orders]})

    run_month()

    assert [(i["kind"], i["total_amount"]) for i in invoices(api)] == [(InvoiceKind.MERGED, 352_000)]


# --- reconciliation ----------------------------------------------------------------------------


def test_reconcile_month_prints_ok_and_records_the_result(api: ApiClient, emoticon: Emoticon) -> None:
    order_paid_by_card(api, emoticon)
    run_month()
    out = StringIO()

    call_command("reconcile_month", "--month", f"{this_month():%Y-%m}", stdout=out)

    assert "결제 1건 176,000원 − 환불 0원 = 176,000원, 세금계산서 176,000원 — 일치" in out.getvalue()
    assert Reconciliation.objects.get().ok


def test_reconcile_month_names_the_payments_of_a_mismatch_and_exits_1(api: ApiClient, emoticon: Emoticon) -> None:
    order = order_paid_by_card(api, emoticon)
    run_month()
    TaxInvoice.objects.update(supply_amount=150_000, vat_amount=15_000, total_amount=165_000)  # tampered
    out = StringIO()

    with pytest.raises(SystemExit) as exited:
        call_command("reconcile_month", "--month", f"{this_month():%Y-%m}", stdout=out)

    assert exited.value.code == 1
    brn = api.partner.business_registration_number
    assert f"{brn[:3]}-{brn[3:5]}-{brn[5:]}: 결제 − 환불 176,000원 ≠ 세금계산서 165,000원" in out.getvalue()
    assert f"결제번호 {order['payment_id']}" in out.getvalue()
    assert not Reconciliation.objects.get().ok


def test_a_payment_left_out_of_the_run_is_a_mismatch(api: ApiClient, emoticon: Emoticon) -> None:
    order_paid_by_card(api, emoticon)
    run_month()
    late = order_paid_by_card(api, emoticon)  # paid after an early explicit run of this month

    result = reconcile_month(month=this_month())

    assert [row["payment_ids"] for row in result.mismatches] == [[late["payment_id"]]]


# --- what people see ---------------------------------------------------------------------------


def test_the_portals_order_page_shows_the_payment_id(api: ApiClient, emoticon: Emoticon) -> None:
    order = order_paid_by_card(api, emoticon)

    page = signed_in(api.partner).get(reverse("billing:order-detail", kwargs={"order_id": order["id"]}))

    assertContains(page, f'<dd class="mono" id="payment-id">{order["payment_id"]}</dd>', html=False)


def test_the_portal_asks_a_transfer_refund_for_its_account_and_says_what_is_wrong(
    api: ApiClient, emoticon: Emoticon
) -> None:
    order = api.post("/api/v1/orders/", {"emoticon_id": emoticon.pk, "period_days": 30, "quantity": 100}).json()
    api.post(f"/api/v1/orders/{order['id']}/payment/", {"method": "virtual_account"})
    api.post("/api/v1/sandbox/deposits/", {"order_id": order["id"]})
    client = signed_in(api.partner)
    page = client.get(reverse("billing:order-detail", kwargs={"order_id": order["id"]}))
    assertContains(page, '<select id="refund-bank" name="bank" required>', html=False)
    assertContains(page, "KB국민은행")
    refund = reverse("billing:order-action", kwargs={"order_id": order["id"], "action": "refund"})

    refused = client.post(refund, {"bank": "004", "account_number": "12", "holder": "홍길동"}, follow=True)

    assertContains(refused, "계좌번호는 숫자 10~16자리입니다.")
    assert Order.objects.get(pk=order["id"]).status == OrderStatus.PAID
    accepted = client.post(refund, {**REFUND_ACCOUNT}, follow=True)
    assertContains(accepted, "입력하신 계좌로 환불해 드립니다")
    assert Order.objects.get(pk=order["id"]).status == OrderStatus.REFUND_PENDING


def test_the_merge_form_shows_the_months_deadline(api: ApiClient, emoticon: Emoticon, settings: Settings) -> None:
    settings.INVOICE_RUN_DAY = 7
    order_paid_by_card(api, emoticon)
    deadline = next_month(this_month()).replace(day=7)

    page = signed_in(api.partner).get(reverse("invoices:merge-request"))

    assertContains(page, f"신청 마감: <strong>{deadline:%Y-%m-%d} 00:05</strong>", html=False)
    assertContains(page, "다음 달 7일 00:05에 발행")


def test_the_beat_task_runs_the_month_then_reconciles_it(api: ApiClient, emoticon: Emoticon) -> None:
    order_paid_by_card(api, emoticon)

    issued = invoice_month_run_task(month=f"{this_month():%Y-%m}")

    assert issued == 1
    result = Reconciliation.objects.get()
    assert (result.month, result.ok, result.received_amount, result.invoiced_amount) == (
        this_month(),
        True,
        176_000,
        176_000,
    )


def test_operators_see_the_last_reconciliation_in_the_admin(api: ApiClient, emoticon: Emoticon) -> None:
    order_paid_by_card(api, emoticon)
    invoice_month_run_task(month=f"{this_month():%Y-%m}")
    operator = signed_in(UserFactory(is_staff=True, is_superuser=True))

    months = operator.get("/admin/invoices/invoicemonth/")
    results = operator.get("/admin/invoices/reconciliation/")
    detail = operator.get(f"/admin/invoices/reconciliation/{Reconciliation.objects.get().pk}/change/")

    assertContains(months, f"{this_month():%Y-%m} OK")
    assertContains(results, f"{this_month():%Y-%m}")
    assertContains(detail, "세금계산서 176,000원 — 일치")


def test_partners_imports_none_of_the_apps_that_answer_a_withdrawal() -> None:
    package = Path(partner_services.__file__).parent
    imported = {
        node.module
        for path in package.glob("*.py")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ImportFrom) and node.module
    }

    assert not {m for m in imported if m.split(".")[1:2] in (["billing"], ["codes"], ["webhooks"], ["invoices"])}


# --- found in review ---------------------------------------------------------------------------


def test_a_late_deposit_into_a_month_already_run_is_invoiced_and_reconciled_by_the_next_beat_run(
    api: ApiClient, emoticon: Emoticon
) -> None:
    with time_machine.travel(datetime(2026, 3, 30, 10, 0, tzinfo=KST), tick=False):
        order = billing.order_create(partner=api.partner, emoticon_id=emoticon.pk, period_days=30, quantity=100)
        billing.order_open_virtual_account(order_id=order.pk, partner=api.partner)
    payment = Payment.objects.get(order=order)
    with time_machine.travel(datetime(2026, 4, 5, 0, 5, tzinfo=KST), tick=False):
        invoice_month_run_task()  # March's run: nothing paid yet
    with time_machine.travel(datetime(2026, 4, 6, 9, 0, tzinfo=KST), tick=False):
        # The PG's notification comes late, for money deposited on 31 March.
        body, signature = SandboxGateway().deposit_notification(
            transaction_id=payment.gateway_transaction_id,
            account_number=payment.account_number,
            amount=payment.amount,
            deposited_at=datetime(2026, 3, 31, 23, 0, tzinfo=KST),
        )
        billing.payment_deposit_receive(body=body, signature=signature)
    assert not reconcile_month(month=MARCH, record=False).ok  # an alarm until it is invoiced

    with time_machine.travel(datetime(2026, 5, 5, 0, 5, tzinfo=KST), tick=False):
        invoice_month_run_task()  # April's run catches March up

    invoice = TaxInvoice.objects.get()
    assert (invoice.supply_month, invoice.write_date, invoice.total_amount) == (MARCH, date(2026, 3, 31), 176_000)
    last_march = Reconciliation.objects.filter(month=MARCH).order_by("-checked_at").first()
    assert last_march is not None and last_march.ok


def test_a_card_refund_whose_amendment_fails_never_reaches_the_pg(
    api: ApiClient, emoticon: Emoticon, monkeypatch: pytest.MonkeyPatch
) -> None:
    order = order_paid_by_card(api, emoticon)
    run_month()
    cancels: list[str] = []
    monkeypatch.setattr(SandboxGateway, "cancel_card", lambda self, **kw: cancels.append(kw["transaction_id"]))

    def lock_timeout(prefix: str, count: int) -> int:
        raise OperationalError("canceling statement due to lock timeout")

    monkeypatch.setattr(writing, "_allocate_numbers", lock_timeout)
    with pytest.raises(OperationalError):
        billing.order_refund(order_id=order["id"], partner=api.partner)

    assert cancels == []  # the money was not returned without its amended invoice
    assert Order.objects.get(pk=order["id"]).status == OrderStatus.PAID
    assert not TaxInvoice.objects.filter(kind=InvoiceKind.AMENDED).exists()


def test_money_waiting_to_be_returned_blocks_withdrawal(api: ApiClient, emoticon: Emoticon) -> None:
    order = billing.order_create(partner=api.partner, emoticon_id=emoticon.pk, period_days=30, quantity=100)
    billing.order_open_virtual_account(order_id=order.pk, partner=api.partner)
    billing.order_expire_overdue(now=timezone.now() + timedelta(days=30))
    payment = Payment.objects.get(order=order)
    body, signature = SandboxGateway().deposit_notification(
        transaction_id=payment.gateway_transaction_id, account_number=payment.account_number, amount=payment.amount
    )
    billing.payment_deposit_receive(body=body, signature=signature)  # after expiry: to be returned

    response = api.post("/api/v1/partner/withdrawal/", {"password": PASSWORD})

    assert (response.status_code, response.json()["error"]["code"]) == (409, "withdrawal_blocked")
    assert response.json()["error"]["details"]["reasons"] == [{"code": "refund_in_progress", "order_ids": [order.pk]}]


def test_reconciliation_flags_an_invoice_whose_supply_and_vat_split_moved(api: ApiClient, emoticon: Emoticon) -> None:
    order = order_paid_by_card(api, emoticon)
    run_month()
    TaxInvoice.objects.update(supply_amount=176_000, vat_amount=0)  # same total, wrong VAT

    result = reconcile_month(month=this_month(), record=False)

    assert [row["payment_ids"] for row in result.mismatches] == [[order["payment_id"]]]


def test_an_amendment_goes_to_the_partners_invoice_address_of_today(api: ApiClient, emoticon: Emoticon) -> None:
    order = order_paid_by_card(api, emoticon)
    run_month()
    Partner.objects.filter(pk=api.partner.pk).update(invoice_email="new-tax@partner.example.kr")

    api.post(f"/api/v1/orders/{order['id']}/refund/")

    amended = TaxInvoice.objects.get(kind=InvoiceKind.AMENDED)
    assert amended.recipient_email == "new-tax@partner.example.kr"
    assert amended.recipient_brn == TaxInvoice.objects.get(kind=InvoiceKind.NORMAL).recipient_brn


@pytest.mark.parametrize("month", ["0000-05", "2026-13", "２０２６-０３"])
def test_a_month_that_is_no_month_is_a_clean_command_error(month: str) -> None:
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("reconcile_month", "--month", month, stdout=StringIO())
