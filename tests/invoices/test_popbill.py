"""The Popbill transmitter through the real ``popbill`` SDK against a local fake Popbill
(tests/helpers/popbill_server.py): issuance, idempotent retries, refusals, the status poll,
amendments, batches and the field-name contract."""

from __future__ import annotations

import base64
import io
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from bizshop.backoffice.management.commands.setup_operator_groups import BILLING, CATALOG_MANAGER
from bizshop.backoffice.models import OperatorAction
from bizshop.billing.models import Order, OrderStatus, Payment
from bizshop.core.errors import ApplicationError
from bizshop.invoices import amendments, delivery, services
from bizshop.invoices.models import InvoicePayment, TaxInvoice, TaxInvoiceLine
from bizshop.invoices.pdf import invoice_html
from bizshop.invoices.transmitters import _load, get_transmitter
from bizshop.invoices.transmitters.popbill import PopbillTransmitter, submit_id
from bizshop.partners.models import Partner
from tests.factories import UserFactory
from tests.helpers.popbill_server import FakePopbill, fixture, redirect_sdk_transport
from tests.helpers.races import run_together

pytestmark = pytest.mark.django_db

KST = ZoneInfo("Asia/Seoul")
MARCH = date(2026, 3, 1)
LINK_ID = "BIZSHOP_TEST"
SECRET_KEY = base64.b64encode(b"popbill-test-secret-key-32bytes!").decode()
ROOT = Path(django_settings.BASE_DIR)
ADMIN = "/admin/invoices/taxinvoice/"


@pytest.fixture
def popbill(settings: Any) -> Iterator[FakePopbill]:
    server = FakePopbill(link_id=LINK_ID, secret_key=SECRET_KEY).start()
    settings.INVOICE_TRANSMITTER = django_settings.INVOICE_TRANSMITTER_ALIASES["popbill"]
    settings.POPBILL_LINK_ID = LINK_ID
    settings.POPBILL_SECRET_KEY = SECRET_KEY
    settings.POPBILL_IS_TEST = True
    settings.POPBILL_CORP_NUM = ""
    _load.cache_clear()
    try:
        with redirect_sdk_transport(server):
            transmitter = get_transmitter()
            assert isinstance(transmitter, PopbillTransmitter)
            transmitter.bulk_poll_interval = 0.01
            yield server
    finally:
        _load.cache_clear()
        server.stop()


def _kst(*args: int) -> datetime:
    return datetime(*args, tzinfo=KST)  # type: ignore[misc]


def _march_invoice(partner: Partner, pay: Callable[..., Payment]) -> TaxInvoice:
    payment = pay(partner, _kst(2026, 3, 5, 9, 0))
    services.invoice_month_run(month=MARCH)
    return InvoicePayment.objects.get(payment=payment).invoice


def test_an_invoice_is_issued_on_popbill_and_the_poll_stores_the_nts_approval_number(
    popbill: FakePopbill, partner: Partner, pay: Callable[..., Payment]
) -> None:
    invoice = _march_invoice(partner, pay)

    delivery.invoice_deliver(invoice_id=invoice.pk)

    invoice.refresh_from_db()
    assert invoice.transmitted_at is not None
    assert invoice.provider_state == "300"
    (issue,) = popbill.requests(action="ISSUE")
    assert issue.body["invoicerMgtKey"] == invoice.number
    assert issue.body["invoicerCorpNum"] == django_settings.SHOP_BRN
    assert issue.body["invoiceeCorpNum"] == invoice.recipient_brn
    assert issue.body["supplyCostTotal"] == str(invoice.supply_amount)
    assert issue.body["totalAmount"] == str(invoice.total_amount)
    assert issue.headers["authorization"].startswith("Bearer ")
    assert popbill.requests(path="/POPBILL_TEST/Token"), "the token came from Linkhub's test service"

    popbill.nts_file()
    assert delivery.invoices_provider_poll() == 1

    invoice.refresh_from_db()
    assert invoice.provider_state == "304"
    assert invoice.nts_confirm_number == popbill.invoices[invoice.number]["ntsconfirmNum"]
    assert invoice.provider_checked_at is not None
    # Confirmed: the next poll asks nothing.
    infos_calls = len(popbill.requests(path="/Taxinvoice/SELL"))
    assert delivery.invoices_provider_poll() == 0
    assert len(popbill.requests(path="/Taxinvoice/SELL")) == infos_calls


def test_the_email_pdf_and_api_show_the_approval_number_popbill_assigned(
    popbill: FakePopbill,
    partner: Partner,
    pay: Callable[..., Payment],
    api: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    pay(partner, _kst(2026, 3, 5, 9, 0))
    with django_capture_on_commit_callbacks(execute=True):
        services.invoice_month_run(month=MARCH)
    invoice = TaxInvoice.objects.get()
    assigned = popbill.invoices[invoice.number]["ntsconfirmNum"]
    assert invoice.nts_confirm_number == assigned != invoice.approval_number

    formatted = f"{assigned[:8]}-{assigned[8:16]}-{assigned[16:]}"
    (message,) = mail.outbox
    assert f"승인번호: {formatted}" in message.body
    assert formatted in invoice_html(invoice=invoice)
    body = api.get(f"/api/v1/invoices/{invoice.pk}/").json()
    assert (body["approval_number"], body["nts_confirm_number"]) == (invoice.approval_number, assigned)


def test_a_retry_after_a_lost_answer_finds_the_invoice_issued_and_issues_no_second(
    popbill: FakePopbill, partner: Partner, pay: Callable[..., Payment]
) -> None:
    invoice = _march_invoice(partner, pay)
    # Popbill issues it, but its answer is lost (a proxy's 502 page).
    popbill.fail_next("bad_gateway_html", action="ISSUE", lost=True)

    delivery.invoice_deliver(invoice_id=invoice.pk)
    invoice.refresh_from_db()
    assert invoice.transmitted_at is None and invoice.transmission_rejected_at is None
    assert invoice.number in popbill.invoices

    TaxInvoice.objects.filter(pk=invoice.pk).update(issued_at=timezone.now() - timedelta(hours=1))
    delivery.invoice_deliver_pending()

    invoice.refresh_from_db()
    assert invoice.transmitted_at is not None
    assert invoice.transmission_rejected_at is None
    assert invoice.nts_confirm_number == popbill.invoices[invoice.number]["ntsconfirmNum"]
    assert len(popbill.requests(action="ISSUE")) == 2
    assert len(popbill.invoices) == 1
    assert popbill.requests(path=f"/Taxinvoice/SELL/{invoice.number}")


def test_a_validation_refusal_is_recorded_and_not_sent_again(
    popbill: FakePopbill, partner: Partner, pay: Callable[..., Payment]
) -> None:
    invoice = _march_invoice(partner, pay)
    popbill.fail_next("invalid_invoicer_corp_num", action="ISSUE")

    delivery.invoice_deliver(invoice_id=invoice.pk)

    invoice.refresh_from_db()
    assert invoice.transmitted_at is None
    assert invoice.transmission_error_code == "-11001014"
    assert "사업자등록번호" in invoice.transmission_error
    assert invoice.transmission_rejected_at is not None
    TaxInvoice.objects.filter(pk=invoice.pk).update(issued_at=timezone.now() - timedelta(hours=1))
    delivery.invoice_deliver_pending()
    assert len(popbill.requests(action="ISSUE")) == 1


def test_an_nts_refusal_found_by_the_poll_is_final_and_recorded(
    popbill: FakePopbill, partner: Partner, pay: Callable[..., Payment]
) -> None:
    invoice = _march_invoice(partner, pay)
    delivery.invoice_deliver(invoice_id=invoice.pk)
    popbill.refuse_at_nts(invoice.number, "ERR001")
    popbill.nts_file()

    delivery.invoices_provider_poll()

    invoice.refresh_from_db()
    assert invoice.provider_state == "305"
    assert invoice.transmission_error_code == "ERR001"
    assert invoice.transmission_error
    assert invoice.transmission_rejected_at is not None
    polls = len(popbill.requests(path="/Taxinvoice/SELL"))
    assert delivery.invoices_provider_poll() == 0
    assert len(popbill.requests(path="/Taxinvoice/SELL")) == polls
    assert len(popbill.requests(action="ISSUE")) == 1


@pytest.mark.parametrize("error", ["server_busy", "bad_gateway_html"])
def test_a_retryable_error_is_retried_by_the_next_pass_which_succeeds(
    popbill: FakePopbill, partner: Partner, pay: Callable[..., Payment], error: str
) -> None:
    invoice = _march_invoice(partner, pay)
    popbill.fail_next(error, action="ISSUE")

    delivery.invoice_deliver(invoice_id=invoice.pk)
    invoice.refresh_from_db()
    assert invoice.transmitted_at is None
    assert invoice.transmission_rejected_at is None and invoice.transmission_error_code == ""
    assert popbill.invoices == {}

    TaxInvoice.objects.filter(pk=invoice.pk).update(issued_at=timezone.now() - timedelta(hours=1))
    delivery.invoice_deliver_pending()

    invoice.refresh_from_db()
    assert invoice.transmitted_at is not None
    assert list(popbill.invoices) == [invoice.number]


def test_an_amended_invoice_carries_the_modify_code_and_the_originals_nts_approval_number(
    popbill: FakePopbill, partner: Partner, pay: Callable[..., Payment]
) -> None:
    payment = pay(partner, _kst(2026, 3, 5, 9, 0))
    services.invoice_month_run(month=MARCH)
    original = InvoicePayment.objects.get(payment=payment).invoice
    delivery.invoice_deliver(invoice_id=original.pk)
    popbill.nts_file()
    delivery.invoices_provider_poll()
    original.refresh_from_db()
    assert original.nts_confirm_number

    cancelled_at = _kst(2026, 4, 20, 10, 0)
    Payment.objects.filter(pk=payment.pk).update(status="cancelled", cancelled_at=cancelled_at)
    Order.objects.filter(pk=payment.order_id).update(status=OrderStatus.REFUNDED, refunded_at=cancelled_at)
    amended = amendments.invoice_amend_for_refund(payment_id=payment.pk, cancelled_at=cancelled_at)
    assert amended is not None
    delivery.invoice_deliver(invoice_id=amended.pk)

    amended.refresh_from_db()
    assert amended.transmitted_at is not None
    body = popbill.requests(action="ISSUE")[-1].body
    assert body["invoicerMgtKey"] == amended.number
    assert body["modifyCode"] == 4
    assert body["orgNTSConfirmNum"] == original.nts_confirm_number
    assert body["writeDate"] == "20260420"
    assert int(body["supplyCostTotal"]) == amended.supply_amount < 0
    assert int(body["detailList"][0]["supplyCost"]) < 0


def _clone(invoice: TaxInvoice, count: int) -> list[int]:
    """``count`` copies of an invoice under new numbers (only the transmitter reads them)."""
    lines = [
        {f.attname: getattr(line, f.attname) for f in line._meta.concrete_fields if f.name not in ("id", "invoice")}
        for line in invoice.lines.all()
    ]
    ids = []
    for n in range(count):
        copy = TaxInvoice.objects.get(pk=invoice.pk)
        copy.pk = None
        copy.number = f"209912-{n + 1:06d}"
        copy.approval_number = f"20991231{n + 1:016d}"
        copy.transmission_rejected_at = None
        copy.save()
        TaxInvoiceLine.objects.bulk_create([TaxInvoiceLine(invoice=copy, **line) for line in lines])
        ids.append(copy.pk)
    return ids


def test_a_batch_of_150_goes_to_popbill_in_two_bulk_submissions(
    popbill: FakePopbill, partner: Partner, pay: Callable[..., Payment]
) -> None:
    template = _march_invoice(partner, pay)
    TaxInvoice.objects.filter(pk=template.pk).update(transmission_rejected_at=timezone.now())  # not sent itself
    ids = _clone(template, 150)

    assert delivery.invoices_transmit(invoice_ids=ids) == 150

    submissions = popbill.requests(action="BULKISSUE")
    assert [len(s.body["invoices"]) for s in submissions] == [100, 50]
    assert len({s.headers["x-pb-submit-id"] for s in submissions}) == 2
    assert submissions[0].headers["x-pb-submit-id"] == submit_id(
        [d["invoicerMgtKey"] for d in submissions[0].body["invoices"]]
    )
    assert len(popbill.requests(path="/Taxinvoice/BULK/")) == 2
    assert popbill.requests(action="ISSUE") == []
    assert TaxInvoice.objects.filter(pk__in=ids, transmitted_at__isnull=False).count() == 150
    assert set(TaxInvoice.objects.filter(pk__in=ids).values_list("provider_state", flat=True)) == {"300"}

    # A second pass sends nothing; the poll asks for all 150 in one getInfos call.
    assert delivery.invoices_transmit(invoice_ids=ids) == 0
    popbill.nts_file()
    assert delivery.invoices_provider_poll() == 150
    (infos,) = popbill.requests(path="/Taxinvoice/SELL")
    assert len(infos.body) == 150


def test_the_monthly_delivery_task_sends_its_chunk_as_one_bulk_submission(
    popbill: FakePopbill, partner: Partner, pay: Callable[..., Payment], django_capture_on_commit_callbacks: Any
) -> None:
    pay(partner, _kst(2026, 3, 5, 9, 0))
    pay(partner, _kst(2026, 3, 6, 9, 0))
    with django_capture_on_commit_callbacks(execute=True):
        services.invoice_month_run(month=MARCH)

    (submission,) = popbill.requests(action="BULKISSUE")
    assert len(submission.body["invoices"]) == 2
    assert TaxInvoice.objects.filter(transmitted_at__isnull=False).count() == 2


def test_the_adapter_sends_only_field_names_the_popbill_taxinvoice_document_defines(
    popbill: FakePopbill, partner: Partner, pay: Callable[..., Payment]
) -> None:
    allowed = fixture("taxinvoice_fields.json")
    payment = pay(partner, _kst(2026, 3, 5, 9, 0))
    pay(partner, _kst(2026, 3, 6, 9, 0))
    pay(partner, _kst(2026, 3, 7, 9, 0))
    services.invoice_month_run(month=MARCH)
    first = InvoicePayment.objects.get(payment=payment).invoice.pk
    others = list(TaxInvoice.objects.exclude(pk=first).order_by("id").values_list("id", flat=True))
    delivery.invoice_deliver(invoice_id=first)  # registIssue
    delivery.invoices_transmit(invoice_ids=others)  # bulkSubmit
    popbill.nts_file()
    delivery.invoices_provider_poll()
    cancelled_at = _kst(2026, 4, 20, 10, 0)
    Payment.objects.filter(pk=payment.pk).update(status="cancelled", cancelled_at=cancelled_at)
    Order.objects.filter(pk=payment.order_id).update(status=OrderStatus.REFUNDED, refunded_at=cancelled_at)
    amended = amendments.invoice_amend_for_refund(payment_id=payment.pk, cancelled_at=cancelled_at)
    assert amended is not None
    delivery.invoice_deliver(invoice_id=amended.pk)

    documents = [r.body for r in popbill.requests(action="ISSUE")]
    documents += [doc for r in popbill.requests(action="BULKISSUE") for doc in r.body["invoices"]]
    assert len(documents) == 4
    assert any("modifyCode" in doc for doc in documents)
    for doc in documents:
        assert set(doc) <= set(allowed["taxinvoice"]), set(doc) - set(allowed["taxinvoice"])
        for line in doc["detailList"]:
            assert set(line) <= set(allowed["detail"]), set(line) - set(allowed["detail"])
    # The recorded example request obeys the same contract.
    example = fixture("regist_issue_request.json")
    assert set(example) <= set(allowed["taxinvoice"])


def test_a_timeout_is_retried_and_the_retry_finds_the_invoice_issued(
    popbill: FakePopbill, partner: Partner, pay: Callable[..., Payment]
) -> None:
    invoice = _march_invoice(partner, pay)
    transmitter = get_transmitter()
    assert isinstance(transmitter, PopbillTransmitter)
    transmitter.timeout = 0.3
    popbill.delay_next(1.0, action="ISSUE")

    delivery.invoice_deliver(invoice_id=invoice.pk)
    invoice.refresh_from_db()
    assert invoice.transmitted_at is None and invoice.transmission_rejected_at is None

    time.sleep(0.8)  # the server finishes its slow answer
    TaxInvoice.objects.filter(pk=invoice.pk).update(issued_at=timezone.now() - timedelta(hours=1))
    delivery.invoice_deliver_pending()

    invoice.refresh_from_db()
    assert invoice.transmitted_at is not None
    assert len(popbill.invoices) == 1


def test_a_lost_bulk_answer_is_resubmitted_under_the_same_submit_id_and_issues_nothing_twice(
    popbill: FakePopbill, partner: Partner, pay: Callable[..., Payment]
) -> None:
    pay(partner, _kst(2026, 3, 5, 9, 0))
    pay(partner, _kst(2026, 3, 6, 9, 0))
    services.invoice_month_run(month=MARCH)
    ids = list(TaxInvoice.objects.order_by("id").values_list("id", flat=True))
    popbill.fail_next("bad_gateway_html", action="BULKISSUE", lost=True)

    assert delivery.invoices_transmit(invoice_ids=ids) == 0
    assert len(popbill.invoices) == 2

    assert delivery.invoices_transmit(invoice_ids=ids) == 2
    first, second = popbill.requests(action="BULKISSUE")
    assert first.headers["x-pb-submit-id"] == second.headers["x-pb-submit-id"]
    assert len(popbill.invoices) == 2
    assert popbill.requests(action="ISSUE") == []


def test_an_invoice_refused_within_a_batch_is_recorded_and_the_others_are_issued(
    popbill: FakePopbill, partner: Partner, pay: Callable[..., Payment]
) -> None:
    pay(partner, _kst(2026, 3, 5, 9, 0))
    pay(partner, _kst(2026, 3, 6, 9, 0))
    services.invoice_month_run(month=MARCH)
    refused, issued = TaxInvoice.objects.order_by("id")
    popbill.refuse_issue(refused.number)

    assert delivery.invoices_transmit(invoice_ids=[refused.pk, issued.pk]) == 1

    refused.refresh_from_db()
    issued.refresh_from_db()
    assert issued.transmitted_at is not None
    assert refused.transmitted_at is None
    assert refused.transmission_error_code == "-11001014"
    assert refused.transmission_rejected_at is not None
    assert popbill.requests(path=f"/Taxinvoice/SELL/{refused.number}"), "checked it was not issued earlier"


def test_an_operator_clears_a_refusal_in_the_admin_and_the_next_pass_sends_it(
    popbill: FakePopbill, partner: Partner, pay: Callable[..., Payment]
) -> None:
    invoice = _march_invoice(partner, pay)
    popbill.fail_next("invalid_invoicer_corp_num", action="ISSUE")
    delivery.invoice_deliver(invoice_id=invoice.pk)
    invoice.refresh_from_db()
    assert invoice.transmission_rejected_at is not None
    call_command("setup_operator_groups", stdout=io.StringIO())
    operator = UserFactory(is_staff=True)
    operator.groups.set(Group.objects.filter(name=BILLING))
    client = Client()
    client.force_login(operator)

    listing = client.get(ADMIN, {"transmission": "rejected"})
    assert invoice.number in listing.content.decode()
    assert "-11001014" in listing.content.decode()
    client.post(ADMIN, {"action": "retry_transmission", "_selected_action": [str(invoice.pk)], "index": "0"})

    invoice.refresh_from_db()
    assert invoice.transmission_rejected_at is None and invoice.transmission_error_code == ""
    action = OperatorAction.objects.get(kind=OperatorAction.Kind.INVOICE_TRANSMISSION_RETRIED)
    assert action.operator == operator and action.data["error_code"] == "-11001014"
    TaxInvoice.objects.filter(pk=invoice.pk).update(issued_at=timezone.now() - timedelta(hours=1))
    delivery.invoice_deliver_pending()
    invoice.refresh_from_db()
    assert invoice.transmitted_at is not None


def test_an_operator_without_the_permission_cannot_clear_a_refusal(
    popbill: FakePopbill, partner: Partner, pay: Callable[..., Payment]
) -> None:
    invoice = _march_invoice(partner, pay)
    TaxInvoice.objects.filter(pk=invoice.pk).update(transmission_rejected_at=timezone.now())
    call_command("setup_operator_groups", stdout=io.StringIO())
    operator = UserFactory(is_staff=True)
    operator.groups.set(Group.objects.filter(name=CATALOG_MANAGER))

    with pytest.raises(ApplicationError):
        delivery.invoice_transmission_retry(invoice_id=invoice.pk, operator=operator)
    assert TaxInvoice.objects.get(pk=invoice.pk).transmission_rejected_at is not None


def test_beat_polls_the_provider_every_ten_minutes_with_a_registered_task(
    popbill: FakePopbill, partner: Partner, pay: Callable[..., Payment]
) -> None:
    from bizshop.celery import app
    from bizshop.invoices.tasks import invoice_provider_poll_task

    entry = django_settings.CELERY_BEAT_SCHEDULE["invoices-provider-poll"]
    assert entry["task"] == "bizshop.invoices.tasks.invoice_provider_poll_task"
    assert entry["schedule"] == 600.0
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks

    invoice = _march_invoice(partner, pay)
    delivery.invoice_deliver(invoice_id=invoice.pk)
    popbill.nts_file()
    assert invoice_provider_poll_task.delay().get() == 1
    assert TaxInvoice.objects.get(pk=invoice.pk).provider_state == "304"


def test_the_poll_asks_popbill_only_about_what_popbill_was_sent(
    popbill: FakePopbill, partner: Partner, pay: Callable[..., Payment]
) -> None:
    pay(partner, _kst(2026, 3, 5, 9, 0))
    pay(partner, _kst(2026, 3, 6, 9, 0))
    services.invoice_month_run(month=MARCH)
    earlier, sent = TaxInvoice.objects.order_by("id")
    # Sent by the recording fake before the switch to Popbill.
    TaxInvoice.objects.filter(pk=earlier.pk).update(transmitted_at=timezone.now(), transmission_id="rec-1")
    delivery.invoice_deliver(invoice_id=sent.pk)
    del popbill.invoices[sent.number]  # and, say, Popbill does not know it (yet)

    assert delivery.invoices_provider_poll() == 0

    (infos,) = popbill.requests(path="/Taxinvoice/SELL")
    assert infos.body == [sent.number]
    sent.refresh_from_db()
    assert sent.provider_checked_at is not None, "checked, so that it waits its turn"
    assert TaxInvoice.objects.get(pk=earlier.pk).provider_checked_at is None


def test_the_recording_transmitter_has_no_poll_and_the_poll_does_nothing(
    partner: Partner, pay: Callable[..., Payment]
) -> None:
    invoice = _march_invoice(partner, pay)
    delivery.invoice_deliver(invoice_id=invoice.pk)

    assert delivery.invoices_provider_poll() == 0


@pytest.mark.django_db(transaction=True)
def test_two_workers_delivering_the_same_invoices_at_once_send_them_once(
    popbill: FakePopbill, partner: Partner, pay: Callable[..., Payment]
) -> None:
    pay(partner, _kst(2026, 3, 5, 9, 0))
    pay(partner, _kst(2026, 3, 6, 9, 0))
    services.invoice_month_run(month=MARCH, deliver=False)  # committed here: no delivery task
    ids = list(TaxInvoice.objects.order_by("id").values_list("id", flat=True))
    popbill.delay_next(0.5, action="BULKISSUE")  # the first worker is still waiting on Popbill

    results = run_together(
        lambda: delivery.invoices_transmit(invoice_ids=ids), lambda: delivery.invoices_transmit(invoice_ids=ids)
    )

    assert sorted(results) == [0, 2]
    assert len(popbill.requests(action="BULKISSUE")) == 1
    assert popbill.requests(action="ISSUE") == []
    assert TaxInvoice.objects.filter(transmitted_at__isnull=False).count() == 2


def test_the_short_name_popbill_selects_the_popbill_transmitter() -> None:
    env = {**os.environ, "INVOICE_TRANSMITTER": "popbill"}
    env.pop("PRODUCTION", None)
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.INVOICE_TRANSMITTER)"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "bizshop.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.strip() == "bizshop.invoices.transmitters.popbill.PopbillTransmitter", result.stderr


def _production_check(tmp_path: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    dropped = {"DJANGO_ALLOW_ASYNC_UNSAFE", "PRODUCTION", "POPBILL_LINK_ID", "POPBILL_SECRET_KEY", "POPBILL_IS_TEST"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(
        PRODUCTION="1",
        INVOICE_TRANSMITTER="popbill",
        BIZSHOP_VAR_DIR=str(tmp_path),
        SECRET_KEY="x" * 60,
        CODE_ENCRYPTION_KEYS="k1:" + base64.b64encode(b"e" * 32).decode(),
        CODE_LOOKUP_KEY=base64.b64encode(b"l" * 32).decode(),
        ALLOWED_HOSTS="shop.example.kr",
        SITE_URL="https://shop.example.kr",
        DATABASE_URL=env.get("DATABASE_URL") or "postgres://localhost/x",
        REDIS_URL=env.get("REDIS_URL") or "redis://localhost/0",
        **extra,
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_with_popbill_refuses_to_start_without_its_keys(tmp_path: Path) -> None:
    result = _production_check(tmp_path)

    assert result.returncode != 0
    message = next(line for line in result.stderr.splitlines() if "INVOICE_TRANSMITTER=popbill needs" in line)
    assert "POPBILL_LINK_ID" in message and "POPBILL_SECRET_KEY" in message


def test_production_with_popbill_refuses_its_test_bed(tmp_path: Path) -> None:
    keys = {"POPBILL_LINK_ID": LINK_ID, "POPBILL_SECRET_KEY": SECRET_KEY}

    refused = _production_check(tmp_path, POPBILL_IS_TEST="1", **keys)
    # The sandbox payment gateway refuses production too: what is left to read is Popbill's line.
    assert refused.returncode != 0
    assert "POPBILL_IS_TEST=1" in refused.stderr
    accepted = _production_check(tmp_path, POPBILL_IS_TEST="0", **keys)
    assert "POPBILL" not in accepted.stderr
