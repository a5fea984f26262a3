"""Tax invoice writes: the monthly run, merge requests (병합 발행), amendments (수정세금계산서), delivery.

Rules (부가가치세법 §32, §34; 시행령 §70):
- Month: a payment belongs to the calendar month of its approval time in Asia/Seoul
  (2026-03-31 23:59:59 KST is March; 2026-04-01 00:00 KST, i.e. 2026-03-31 15:00 UTC, is April).
- Write date (작성일자): a normal invoice covers one payment and is dated the payment day
  (§34(3)3: the day of the transaction, issued by the 10th of the next month); a merged
  invoice sums one calendar month and is dated that month's last day (§34(3)1, 월합계);
  an amendment for a cancelled contract is dated the cancellation day (시행령 §70①2).
- Money: each line is one paid order with its own supply and VAT (10%, rounded down, as the
  order was charged). An invoice's VAT is the sum of its lines' VAT, never 10% of the summed
  supply, so that an invoice's total is exactly the money received.
- Once: ``InvoicePayment`` has a unique (payment, amendment) key; the month's ``InvoiceMonth``
  row lock orders merge requests, the run's batches and amendments of that month, so reruns
  and concurrent runs issue nothing twice and a refund racing the run is either excluded
  from it or amended after it.
"""

from __future__ import annotations

import calendar
import logging
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection, models, transaction
from django.db.models import Exists, F, OuterRef, QuerySet
from django.utils import timezone

from bizshop.accounts.models import User
from bizshop.billing.models import OrderStatus, Payment, PaymentStatus
from bizshop.invoices import errors
from bizshop.invoices.models import (
    AMENDMENT_REASON_CANCELLATION,
    InvoiceKind,
    InvoiceMergeRequest,
    InvoiceMergeRequestPayment,
    InvoiceMonth,
    InvoiceNumberSequence,
    InvoicePayment,
    MergeRequestStatus,
    TaxInvoice,
    TaxInvoiceLine,
)
from bizshop.invoices.transmitters.base import NtsInvoice, NtsLine, NtsParty
from bizshop.partners.models import Partner, PartnerChange

logger = logging.getLogger(__name__)

SEOUL = ZoneInfo("Asia/Seoul")
RUN_BATCH_SIZE = 2000
DELIVERY_CHUNK = 50
# 승인번호 shape: 작성일자 (8) + issuer code (8) + serial (8). The provider assigns the real one.
DEFAULT_ISSUER_CODE = "41000000"
PAYMENT_FIELDS = (
    "id",
    "approved_at",
    "order_id",
    "order__partner_id",
    "order__emoticon_title",
    "order__period_days",
    "order__quantity",
    "order__unit_price",
    "order__supply_amount",
    "order__vat_amount",
)


# --- months --------------------------------------------------------------------------------


def month_of(moment: datetime) -> date:
    """The calendar month (its first day) of a moment, in Asia/Seoul."""
    return timezone.localtime(moment, SEOUL).date().replace(day=1)


def month_bounds(month: date) -> tuple[datetime, datetime]:
    start = datetime(month.year, month.month, 1, tzinfo=SEOUL)
    following = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return start, datetime(following.year, following.month, 1, tzinfo=SEOUL)


def month_last_day(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def previous_month(*, now: datetime | None = None) -> date:
    first_of_this = timezone.localtime(now or timezone.now(), SEOUL).date().replace(day=1)
    return (first_of_this - timedelta(days=1)).replace(day=1)


def parse_month(text: str) -> date:
    match = re.fullmatch(r"(\d{4})-(\d{2})", text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise errors.INVALID_MONTH(month=text)
    return date(int(match.group(1)), int(match.group(2)), 1)


def _local_date(moment: datetime) -> date:
    return timezone.localtime(moment, SEOUL).date()


def _lock_month(month: date) -> InvoiceMonth:
    InvoiceMonth.objects.get_or_create(month=month)
    return InvoiceMonth.objects.select_for_update().get(month=month)


# --- parties -------------------------------------------------------------------------------


def supplier_details() -> dict[str, str]:
    """The shop (공급자), from settings; the defaults are the embedded demo's."""
    return {
        "supplier_name": getattr(settings, "SHOP_NAME", "(주)이모티콘비즈샵"),
        "supplier_brn": getattr(settings, "SHOP_BRN", "2148801232"),
        "supplier_representative": getattr(settings, "SHOP_REPRESENTATIVE", "김비즈"),
        "supplier_address": getattr(settings, "SHOP_ADDRESS", "경기도 성남시 분당구 판교역로 166"),
    }


def _recipient_details(partner: Partner, *, brn: str) -> dict[str, str]:
    return {
        "recipient_name": partner.name,
        "recipient_brn": brn,
        "recipient_representative": partner.representative,
        "recipient_address": partner.address,
        "recipient_email": partner.invoice_email,
    }


def _brn_changes(partner_ids: set[int]) -> dict[int, list[tuple[datetime, str]]]:
    """Corrections of registration numbers, oldest first: (when, the number before)."""
    changes: dict[int, list[tuple[datetime, str]]] = {}
    rows = (
        PartnerChange.objects.filter(partner_id__in=partner_ids, before__has_key="business_registration_number")
        .order_by("changed_at", "id")
        .values_list("partner_id", "changed_at", "before")
    )
    for partner_id, changed_at, before in rows:
        changes.setdefault(partner_id, []).append((changed_at, str(before["business_registration_number"])))
    return changes


def business_number_at(partner: Partner, moment: datetime, changes: list[tuple[datetime, str]]) -> str:
    """The partner's 사업자등록번호 in force at ``moment``: the number before the first later
    correction recorded in its change history, else today's number."""
    for changed_at, before in changes:
        if changed_at > moment:
            return before
    return partner.business_registration_number


# --- building invoices ---------------------------------------------------------------------


@dataclass
class _Draft:
    partner: Partner
    kind: str
    write_date: date
    supply_month: date
    recipient: dict[str, str]
    lines: list[dict[str, Any]]
    payment_ids: list[int]
    amendment: bool = False
    original: TaxInvoice | None = None
    amendment_reason: str = ""


def _line_from_payment(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "supply_date": _local_date(row["approved_at"]),
        "order_id": row["order_id"],
        "payment_id": row["id"],
        "item": f"{row['order__emoticon_title']} 이모티콘",
        "period_days": row["order__period_days"],
        "quantity": row["order__quantity"],
        "unit_price": row["order__unit_price"],
        "supply_amount": row["order__supply_amount"],
        "vat_amount": row["order__vat_amount"],
    }


def _allocate_numbers(prefix: str, count: int) -> int:
    """Reserve ``count`` consecutive numbers of YYYYMM ``prefix``; returns the first."""
    InvoiceNumberSequence.objects.get_or_create(prefix=prefix)
    sequence = InvoiceNumberSequence.objects.select_for_update().get(prefix=prefix)
    first = sequence.last_value + 1
    sequence.last_value += count
    sequence.save(update_fields=["last_value"])
    return first


INVOICE_COLUMNS = (
    "id",
    "partner_id",
    "kind",
    "number",
    "approval_number",
    "write_date",
    "supply_month",
    "issued_at",
    "supply_amount",
    "vat_amount",
    "total_amount",
    "receipt_mark",
    "original_id",
    "amendment_reason",
    "supplier_name",
    "supplier_brn",
    "supplier_representative",
    "supplier_address",
    "recipient_name",
    "recipient_brn",
    "recipient_representative",
    "recipient_address",
    "recipient_email",
    "emailed_at",
    "transmitted_at",
    "transmission_id",
)
LINE_COLUMNS = (
    "invoice_id",
    "position",
    "supply_date",
    "order_id",
    "payment_id",
    "item",
    "period_days",
    "quantity",
    "unit_price",
    "supply_amount",
    "vat_amount",
)
LINK_COLUMNS = ("invoice_id", "payment_id", "amendment")


def _write_rows(model: type[models.Model], columns: tuple[str, ...], rows: list[dict[str, Any]]) -> None:
    """Insert plain rows: COPY on PostgreSQL (the monthly run writes 100,000s), bulk_create elsewhere."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create([model(**row) for row in rows])
        return
    sql = f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row([row[column] for column in columns])


def _new_invoice_ids(count: int) -> list[int]:
    if connection.vendor != "postgresql":
        return [None] * count  # type: ignore[list-item]  # assigned by bulk_create below
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [TaxInvoice._meta.db_table, count],
        )
        return [row[0] for row in cursor.fetchall()]


def _insert(drafts: list[_Draft]) -> list[int]:
    """Number and write the drafts with their lines and payment keys (inside the caller's
    transaction); returns the new invoices' ids in the drafts' order."""
    if not drafts:
        return []
    now = timezone.now()
    supplier = supplier_details()
    issuer_code = str(getattr(settings, "INVOICE_ISSUER_CODE", DEFAULT_ISSUER_CODE))[:8].rjust(8, "0")
    firsts: dict[str, int] = {}
    for prefix in sorted({f"{d.write_date:%Y%m}" for d in drafts}):
        firsts[prefix] = _allocate_numbers(prefix, sum(1 for d in drafts if f"{d.write_date:%Y%m}" == prefix))
    invoices = []
    for invoice_id, draft in zip(_new_invoice_ids(len(drafts)), drafts, strict=True):
        prefix = f"{draft.write_date:%Y%m}"
        serial = firsts[prefix]
        firsts[prefix] += 1
        supply = sum(line["supply_amount"] for line in draft.lines)
        vat = sum(line["vat_amount"] for line in draft.lines)
        invoices.append(
            {
                "id": invoice_id,
                "partner_id": draft.partner.pk,
                "kind": draft.kind,
                "number": f"{prefix}-{serial:06d}",
                "approval_number": f"{draft.write_date:%Y%m%d}{issuer_code}{serial:08d}",
                "write_date": draft.write_date,
                "supply_month": draft.supply_month,
                "issued_at": now,
                "supply_amount": supply,
                "vat_amount": vat,
                "total_amount": supply + vat,
                "receipt_mark": "영수",
                "original_id": draft.original.pk if draft.original else None,
                "amendment_reason": draft.amendment_reason,
                "emailed_at": None,
                "transmitted_at": None,
                "transmission_id": "",
                **supplier,
                **draft.recipient,
            }
        )
    if connection.vendor == "postgresql":
        _write_rows(TaxInvoice, INVOICE_COLUMNS, invoices)
        ids = [row["id"] for row in invoices]
    else:
        for row in invoices:
            del row["id"]
        ids = [invoice.pk for invoice in TaxInvoice.objects.bulk_create([TaxInvoice(**row) for row in invoices])]
    lines: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    for invoice_id, draft in zip(ids, drafts, strict=True):
        lines += [{"invoice_id": invoice_id, "position": i, **line} for i, line in enumerate(draft.lines, start=1)]
        links += [
            {"invoice_id": invoice_id, "payment_id": pid, "amendment": draft.amendment} for pid in draft.payment_ids
        ]
    _write_rows(TaxInvoiceLine, LINE_COLUMNS, lines)
    _write_rows(InvoicePayment, LINK_COLUMNS, links)
    return ids


def _deliver_after_commit(invoice_ids: list[int]) -> None:
    """Queue delivery once the invoices are committed, in chunks that several workers share
    (a PDF takes about half a second)."""
    from bizshop.invoices.tasks import invoice_deliver_task

    def enqueue() -> None:
        for start in range(0, len(invoice_ids), DELIVERY_CHUNK):
            invoice_deliver_task.delay(invoice_ids=invoice_ids[start : start + DELIVERY_CHUNK])

    if invoice_ids:
        transaction.on_commit(enqueue)


def _approved_payments_of_month(month: date) -> QuerySet[Payment]:
    start, end = month_bounds(month)
    return Payment.objects.filter(status=PaymentStatus.APPROVED, approved_at__gte=start, approved_at__lt=end)


def _not_invoiced(payments: QuerySet[Payment]) -> QuerySet[Payment]:
    return payments.exclude(Exists(InvoicePayment.objects.filter(payment_id=OuterRef("pk"), amendment=False)))


def _drafts_for_rows(rows: list[dict[str, Any]], *, kind: str, month: date, merged: bool) -> list[_Draft]:
    partners = Partner.objects.only(
        "name", "business_registration_number", "representative", "address", "invoice_email"
    ).in_bulk({row["order__partner_id"] for row in rows})
    changes = _brn_changes(set(partners))
    if merged:
        partner = partners[rows[0]["order__partner_id"]]
        brn = business_number_at(partner, rows[0]["approved_at"], changes.get(partner.pk, []))
        return [
            _Draft(
                partner=partner,
                kind=kind,
                write_date=month_last_day(month),
                supply_month=month,
                recipient=_recipient_details(partner, brn=brn),
                lines=[_line_from_payment(row) for row in rows],
                payment_ids=[row["id"] for row in rows],
            )
        ]
    drafts = []
    for row in rows:
        partner = partners[row["order__partner_id"]]
        brn = business_number_at(partner, row["approved_at"], changes.get(partner.pk, []))
        drafts.append(
            _Draft(
                partner=partner,
                kind=kind,
                write_date=_local_date(row["approved_at"]),
                supply_month=month,
                recipient=_recipient_details(partner, brn=brn),
                lines=[_line_from_payment(row)],
                payment_ids=[row["id"]],
            )
        )
    return drafts


# --- the monthly run -----------------------------------------------------------------------


def invoice_month_run(*, month: date, deliver: bool = True, batch_size: int = RUN_BATCH_SIZE) -> int:
    """월 발행: one invoice per approved payment of ``month`` not yet invoiced, one merged invoice
    per accepted merge request. Closes that month's merge requests first. Safe to rerun and to
    run concurrently. Returns how many invoices this call issued. ``deliver=False`` leaves the
    PDFs, e-mails and NTS transmission to ``invoice_deliver_pending`` (benchmarks, backfills)."""
    month = month.replace(day=1)
    with transaction.atomic():
        state = _lock_month(month)
        if state.run_started_at is None:
            state.run_started_at = timezone.now()
            state.save(update_fields=["run_started_at"])
    issued = 0
    request_ids = InvoiceMergeRequest.objects.filter(month=month, status=MergeRequestStatus.ACCEPTED).order_by("id")
    for request_id in list(request_ids.values_list("id", flat=True)):
        issued += _merge_request_issue(request_id=request_id, month=month, deliver=deliver)
    in_accepted_request = InvoiceMergeRequestPayment.objects.filter(
        payment_id=OuterRef("pk"), request__status=MergeRequestStatus.ACCEPTED
    )
    cursor = 0
    while True:
        with transaction.atomic():
            # Batches of concurrent runs (and amendments of this month) take turns on this lock;
            # the query below runs after it is granted, so it sees every earlier batch's keys.
            InvoiceMonth.objects.select_for_update().get(month=month)
            rows = list(
                _not_invoiced(_approved_payments_of_month(month))
                .filter(id__gt=cursor)
                .exclude(Exists(in_accepted_request))
                .order_by("id")
                .values(*PAYMENT_FIELDS)[:batch_size]
            )
            if not rows:
                break
            cursor = rows[-1]["id"]
            invoice_ids = _insert(_drafts_for_rows(rows, kind=InvoiceKind.NORMAL, month=month, merged=False))
            InvoiceMonth.objects.filter(month=month).update(issued_count=F("issued_count") + len(invoice_ids))
            if deliver:
                _deliver_after_commit(invoice_ids)
        issued += len(invoice_ids)
    InvoiceMonth.objects.filter(month=month).update(run_finished_at=timezone.now())
    logger.info("tax invoices for %s: %s issued by this run", f"{month:%Y-%m}", issued)
    return issued


def _merge_request_issue(*, request_id: int, month: date, deliver: bool) -> int:
    with transaction.atomic():
        InvoiceMonth.objects.select_for_update().get(month=month)
        request = InvoiceMergeRequest.objects.select_for_update().get(pk=request_id)
        if request.status != MergeRequestStatus.ACCEPTED:
            return 0
        payment_ids = list(request.payment_links.values_list("payment_id", flat=True))
        rows = list(
            _not_invoiced(_approved_payments_of_month(month))
            .filter(id__in=payment_ids)
            .order_by("approved_at", "id")
            .values(*PAYMENT_FIELDS)
        )
        if not rows:
            request.status = MergeRequestStatus.VOID
            request.save(update_fields=["status"])
            return 0
        kind = InvoiceKind.MERGED if len(rows) > 1 else InvoiceKind.NORMAL
        (invoice_id,) = _insert(_drafts_for_rows(rows, kind=kind, month=month, merged=len(rows) > 1))
        request.status = MergeRequestStatus.ISSUED
        request.invoice_id = invoice_id
        request.save(update_fields=["status", "invoice"])
        InvoiceMonth.objects.filter(month=month).update(issued_count=F("issued_count") + 1)
        if deliver:
            _deliver_after_commit([invoice_id])
    return 1


# --- merge requests ------------------------------------------------------------------------


def invoice_merge_request_create(*, partner: Partner, payment_ids: list[int], user: Any = None) -> InvoiceMergeRequest:
    """병합 발행 신청: the partner's approved payments of one month, one business number, whose
    orders are fully issued, none invoiced or requested yet, before that month's run starts."""
    ids = sorted({int(pid) for pid in payment_ids})
    if len(ids) < 2:
        raise errors.TOO_FEW_PAYMENTS(payment_ids=ids)
    found: dict[int, datetime | None] = dict(
        Payment.objects.filter(pk__in=ids, order__partner=partner).values_list("id", "approved_at")
    )
    missing = [pid for pid in ids if pid not in found]
    if missing:
        raise errors.PAYMENT_NOT_FOUND(payment_ids=missing)
    approved_at = {pid: at for pid, at in found.items() if at is not None}
    if len(approved_at) < len(found):
        raise errors.PAYMENT_NOT_APPROVED(payment_ids=sorted(set(found) - set(approved_at)))
    months = sorted({month_of(at) for at in approved_at.values()})
    if len(months) > 1:
        raise errors.DIFFERENT_MONTH(months=[f"{m:%Y-%m}" for m in months])
    month = months[0]
    with transaction.atomic():
        state = _lock_month(month)
        if state.run_started_at is not None:
            raise errors.REQUEST_WINDOW_CLOSED(month=f"{month:%Y-%m}")
        payments = list(Payment.objects.filter(pk__in=ids).select_related("order").order_by("id"))
        unapproved = [p.pk for p in payments if p.status != PaymentStatus.APPROVED]
        if unapproved:
            raise errors.PAYMENT_NOT_APPROVED(payment_ids=unapproved)
        changes = _brn_changes({partner.pk}).get(partner.pk, [])
        numbers = {business_number_at(partner, p.approved_at, changes) for p in payments if p.approved_at}
        if len(numbers) > 1:
            raise errors.DIFFERENT_BUSINESS(business_registration_numbers=sorted(numbers))
        unissued = sorted({p.order_id for p in payments if p.order.status != OrderStatus.ISSUED})
        if unissued:
            raise errors.CODES_NOT_FULLY_ISSUED(order_ids=unissued)
        taken = set(
            InvoicePayment.objects.filter(payment_id__in=ids, amendment=False).values_list("payment_id", flat=True)
        )
        taken |= set(InvoiceMergeRequestPayment.objects.filter(payment_id__in=ids).values_list("payment_id", flat=True))
        if taken:
            raise errors.ALREADY_INVOICED(payment_ids=sorted(taken))
        request = InvoiceMergeRequest.objects.create(partner=partner, month=month, requested_by=user)
        InvoiceMergeRequestPayment.objects.bulk_create(
            [InvoiceMergeRequestPayment(request=request, payment_id=pid) for pid in ids]
        )
    return request


# --- amendments ----------------------------------------------------------------------------


def invoice_amend_for_refund(*, payment_id: int, cancelled_at: datetime) -> TaxInvoice | None:
    """수정세금계산서 (계약의 해제): call it in the refund's transaction, after the payment was
    marked cancelled. If the payment's invoice was issued, writes the negative invoice dated the
    cancellation day, linked to the original (once: a second call returns the same one). If it
    was not, returns None: the monthly run only invoices approved payments, so it skips it."""
    with transaction.atomic():
        payment = Payment.objects.filter(pk=payment_id).values("approved_at", "status").first()
        if payment is None or payment["approved_at"] is None:
            return None
        if payment["status"] == PaymentStatus.APPROVED:
            raise errors.PAYMENT_NOT_CANCELLED(payment_id=payment_id)
        # The run's batches hold this lock while they read approved payments: either the run
        # saw the payment cancelled, or its invoice exists by the time we look below.
        _lock_month(month_of(payment["approved_at"]))
        existing = (
            InvoicePayment.objects.filter(payment_id=payment_id, amendment=True).select_related("invoice").first()
        )
        if existing is not None:
            return existing.invoice
        link = InvoicePayment.objects.filter(payment_id=payment_id, amendment=False).select_related("invoice").first()
        if link is None:
            return None
        original = link.invoice
        lines = [
            {
                "supply_date": _local_date(cancelled_at),
                "order_id": line.order_id,
                "payment_id": line.payment_id,
                "item": line.item,
                "period_days": line.period_days,
                "quantity": -line.quantity,
                "unit_price": line.unit_price,
                "supply_amount": -line.supply_amount,
                "vat_amount": -line.vat_amount,
            }
            for line in original.lines.filter(payment_id=payment_id).order_by("position")
        ]
        recipient = {
            name: getattr(original, name)
            for name in (
                "recipient_name",
                "recipient_brn",
                "recipient_representative",
                "recipient_address",
                "recipient_email",
            )
        }
        (amended_id,) = _insert(
            [
                _Draft(
                    partner=original.partner,
                    kind=InvoiceKind.AMENDED,
                    write_date=_local_date(cancelled_at),
                    supply_month=original.supply_month,
                    recipient=recipient,
                    lines=lines,
                    payment_ids=[payment_id],
                    amendment=True,
                    original=original,
                    amendment_reason=AMENDMENT_REASON_CANCELLATION,
                )
            ]
        )
        _deliver_after_commit([amended_id])
    return TaxInvoice.objects.get(pk=amended_id)


# --- delivery: NTS transmission and e-mail with the PDF ------------------------------------


def invoice_deliver(*, invoice_id: int) -> None:
    """Send one invoice to the NTS (through the provider) and e-mail it with its PDF to the
    partner's invoice address. Each step happens once; a failed transmission is retried later."""
    from bizshop.invoices.transmitters import get_transmitter
    from bizshop.invoices.transmitters.base import TransmissionFailed

    with transaction.atomic():
        invoice = TaxInvoice.objects.select_for_update(of=("self",)).select_related("original").get(pk=invoice_id)
        changed = []
        if invoice.transmitted_at is None:
            try:
                receipt = get_transmitter().transmit(invoice=nts_invoice(invoice))
            except TransmissionFailed:
                logger.warning("NTS transmission of invoice %s failed; will retry", invoice.number, exc_info=True)
            else:
                invoice.transmitted_at = receipt.transmitted_at
                invoice.transmission_id = receipt.transmission_id
                changed += ["transmitted_at", "transmission_id"]
        if invoice.emailed_at is None:
            _email_send(invoice, to=invoice.recipient_email)
            invoice.emailed_at = timezone.now()
            changed.append("emailed_at")
        if changed:
            invoice.save(update_fields=changed)


def _email_send(invoice: TaxInvoice, *, to: str) -> None:
    from bizshop.invoices.pdf import invoice_pdf

    message = EmailMessage(
        subject=f"[{invoice.supplier_name}] {_title(invoice)} {invoice.number} 발행 안내",
        body=_email_body(invoice),
        to=[to],
    )
    message.attach(f"tax-invoice-{invoice.number}.pdf", invoice_pdf(invoice=invoice), "application/pdf")
    message.send()


def invoice_email_resend(*, invoice_id: int, operator: User) -> str:
    """Operator: e-mail an invoice with its PDF again (재발송), e.g. when the partner lost it.

    It goes to the partner's invoice address as it is now (it may have changed since the
    invoice was written), or, for a withdrawn partner, to the address on the invoice. Sent by a
    task once the audit row is committed; returns the address.
    """
    from bizshop.backoffice.models import OperatorAction
    from bizshop.backoffice.services import operator_action_record, operator_require
    from bizshop.invoices.tasks import invoice_email_send_task

    operator_require(operator=operator, permission="backoffice.resend_invoice_emails")
    with transaction.atomic():
        invoice = TaxInvoice.objects.select_related("partner").filter(pk=invoice_id).first()
        if invoice is None:
            raise errors.INVOICE_NOT_FOUND(invoice_id=invoice_id)
        partner = invoice.partner
        active = partner.status == Partner.Status.ACTIVE and partner.invoice_email
        address = partner.invoice_email if active else invoice.recipient_email
        operator_action_record(
            operator=operator,
            kind=OperatorAction.Kind.INVOICE_EMAIL_RESENT,
            target=invoice,
            data={"number": invoice.number, "partner_id": partner.pk, "to": address},
        )
        transaction.on_commit(lambda: invoice_email_send_task.delay(invoice_id=invoice_id, to=address))
    return address


def invoice_email_send(*, invoice_id: int, to: str) -> None:
    """Send one invoice's e-mail with its PDF to ``to`` (the resend task's work)."""
    invoice = TaxInvoice.objects.select_related("original").get(pk=invoice_id)
    _email_send(invoice, to=to)
    TaxInvoice.objects.filter(pk=invoice_id, emailed_at=None).update(emailed_at=timezone.now())


def invoice_deliver_pending(*, older_than: timedelta = timedelta(minutes=10), limit: int = 500) -> int:
    """Retry what a delivery missed (a provider outage, a worker lost): not transmitted or not e-mailed."""
    from django.db.models import Q

    cutoff = timezone.now() - older_than
    ids = list(
        TaxInvoice.objects.filter(Q(transmitted_at=None) | Q(emailed_at=None), issued_at__lt=cutoff)
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
    for invoice_id in ids:
        invoice_deliver(invoice_id=invoice_id)
    return len(ids)


def _title(invoice: TaxInvoice) -> str:
    return "수정세금계산서" if invoice.kind == InvoiceKind.AMENDED else "전자세금계산서"


def _email_body(invoice: TaxInvoice) -> str:
    lines = [
        f"{invoice.recipient_name} 담당자님께,",
        "",
        f"{invoice.supplier_name}에서 {_title(invoice)}를 발행했습니다. PDF 파일을 첨부합니다.",
        "",
        f"발행번호: {invoice.number}",
        f"승인번호: {invoice.formatted_approval_number}",
        f"작성일자: {invoice.write_date:%Y-%m-%d}",
        f"공급가액: {invoice.supply_amount:,}원",
        f"세액: {invoice.vat_amount:,}원",
        f"합계금액: {invoice.total_amount:,}원 (영수)",
    ]
    if invoice.original is not None:
        lines.append(f"수정사유: {invoice.amendment_reason} (당초 발행번호 {invoice.original.number})")
    return "\n".join(lines) + "\n"


def nts_invoice(invoice: TaxInvoice) -> NtsInvoice:
    """The invoice as the provider adapter receives it."""
    return NtsInvoice(
        invoice_number=invoice.number,
        approval_number=invoice.approval_number,
        kind=invoice.kind,
        write_date=invoice.write_date,
        supplier=NtsParty(
            registration_number=invoice.supplier_brn,
            name=invoice.supplier_name,
            representative=invoice.supplier_representative,
            address=invoice.supplier_address,
        ),
        recipient=NtsParty(
            registration_number=invoice.recipient_brn,
            name=invoice.recipient_name,
            representative=invoice.recipient_representative,
            address=invoice.recipient_address,
            email=invoice.recipient_email,
        ),
        lines=tuple(
            NtsLine(
                supply_date=line.supply_date,
                item=line.item,
                quantity=line.quantity,
                unit_price=line.unit_price,
                supply_amount=line.supply_amount,
                vat_amount=line.vat_amount,
            )
            for line in invoice.lines.all()
        ),
        supply_amount=invoice.supply_amount,
        vat_amount=invoice.vat_amount,
        total_amount=invoice.total_amount,
        receipt_mark=invoice.receipt_mark,
        amendment_reason=invoice.amendment_reason,
        original_approval_number=invoice.original.approval_number if invoice.original else "",
    )
