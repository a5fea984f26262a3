"""Delivering tax invoices: NTS transmission through the provider and e-mail with the PDF to the
partner's invoice address, each once; retries of what a delivery missed; operator resends."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from bizshop.accounts.models import User
from bizshop.invoices import errors
from bizshop.invoices.models import PROVIDER_CONFIRMED, InvoiceKind, TaxInvoice
from bizshop.invoices.transmitters.base import (
    NtsInvoice,
    NtsLine,
    NtsParty,
    TransmissionFailed,
    TransmissionReceipt,
    TransmissionRejected,
)
from bizshop.partners.models import Partner

logger = logging.getLogger(__name__)

# Invoices per delivery task: several workers share a big month (a PDF takes about half a second);
# a task's invoices go to the provider in one batch call where it takes batches (Popbill: 100).
DELIVERY_CHUNK = 100


def deliver_after_commit(invoice_ids: list[int]) -> None:
    """Queue delivery once the invoices are committed, in chunks that several workers share
    (a PDF takes about half a second)."""
    from bizshop.invoices.tasks import invoice_deliver_task

    def enqueue() -> None:
        for start in range(0, len(invoice_ids), DELIVERY_CHUNK):
            invoice_deliver_task.delay(invoice_ids=invoice_ids[start : start + DELIVERY_CHUNK])

    if invoice_ids:
        transaction.on_commit(enqueue)


def invoice_deliver(*, invoice_id: int, transmit: bool = True) -> None:
    """Send one invoice to the NTS (through the provider) and e-mail it with its PDF to the
    partner's invoice address. Each step happens once; a failed transmission is retried later,
    a refused one (``TransmissionRejected``) is recorded for an operator and not retried."""
    with transaction.atomic():
        invoice = TaxInvoice.objects.select_for_update(of=("self",)).select_related("original").get(pk=invoice_id)
        changed: list[str] = []
        if transmit and _transmittable(invoice):
            changed += _transmit_one(invoice)
        if invoice.emailed_at is None:
            _email_send(invoice, to=invoice.recipient_email)
            invoice.emailed_at = timezone.now()
            changed.append("emailed_at")
        if changed:
            invoice.save(update_fields=changed)


def _transmittable(invoice: TaxInvoice) -> bool:
    if invoice.transmitted_at is not None or invoice.transmission_rejected_at is not None:
        return False
    # An amendment names its original's NTS approval number: it waits until the original is sent.
    if invoice.original is not None and invoice.original.transmitted_at is None:
        logger.info("amendment %s waits for its original %s to be transmitted", invoice.number, invoice.original.number)
        return False
    return True


def _transmit_one(invoice: TaxInvoice) -> list[str]:
    from bizshop.invoices.transmitters import get_transmitter

    try:
        receipt = get_transmitter().transmit(invoice=nts_invoice(invoice))
    except TransmissionFailed as failure:
        return _record_failure(invoice, failure)
    return _record_receipt(invoice, receipt)


def _record_receipt(invoice: TaxInvoice, receipt: TransmissionReceipt) -> list[str]:
    invoice.transmitted_at = receipt.transmitted_at
    invoice.transmission_id = receipt.transmission_id
    changed = ["transmitted_at", "transmission_id"]
    if receipt.nts_confirm_number:
        invoice.nts_confirm_number = receipt.nts_confirm_number
        changed.append("nts_confirm_number")
    if receipt.provider_state:
        invoice.provider_state = receipt.provider_state
        changed.append("provider_state")
    return changed


def _record_failure(invoice: TaxInvoice, failure: TransmissionFailed) -> list[str]:
    if not isinstance(failure, TransmissionRejected):
        logger.warning("NTS transmission of invoice %s failed; will retry: %s", invoice.number, failure)
        return []
    logger.error("NTS transmission of invoice %s refused: %s %s", invoice.number, failure.code, failure.message)
    invoice.transmission_error_code = failure.code[:32]
    invoice.transmission_error = failure.message
    invoice.transmission_rejected_at = timezone.now()
    return ["transmission_error_code", "transmission_error", "transmission_rejected_at"]


def invoices_transmit(*, invoice_ids: list[int]) -> int:
    """Transmit those of ``invoice_ids`` still to be sent, in batches when the transmitter takes
    batches (``transmit_many``), else one by one; returns how many the provider accepted. Each
    batch holds its invoices' row locks for its call, as ``invoice_deliver`` does for one."""
    from bizshop.invoices.transmitters import get_transmitter

    transmitter = get_transmitter()
    transmit_many = getattr(transmitter, "transmit_many", None)
    size = int(getattr(transmitter, "batch_size", 1) or 1)
    accepted = 0
    for start in range(0, len(invoice_ids), size):
        chunk = invoice_ids[start : start + size]
        with transaction.atomic():
            invoices = [
                invoice
                for invoice in TaxInvoice.objects.select_for_update(of=("self",))
                .select_related("original")
                .filter(pk__in=chunk)
                .order_by("id")
                if _transmittable(invoice)
            ]
            if not invoices:
                continue
            if transmit_many is None or len(invoices) == 1:
                outcomes: dict[str, TransmissionReceipt | TransmissionFailed] = {}
                for invoice in invoices:
                    try:
                        outcomes[invoice.number] = transmitter.transmit(invoice=nts_invoice(invoice))
                    except TransmissionFailed as failure:
                        outcomes[invoice.number] = failure
            else:
                try:
                    outcomes = transmit_many(invoices=[nts_invoice(invoice) for invoice in invoices])
                except TransmissionFailed as failure:
                    logger.warning("NTS batch transmission failed; will retry: %s", failure)
                    continue
            for invoice in invoices:
                outcome = outcomes.get(invoice.number) or TransmissionFailed("no answer")
                if isinstance(outcome, TransmissionFailed):
                    changed = _record_failure(invoice, outcome)
                else:
                    changed = _record_receipt(invoice, outcome)
                    accepted += 1
                if changed:
                    invoice.save(update_fields=changed)
    return accepted


def invoices_provider_poll(*, limit: int = 5000) -> int:
    """Ask the provider what became of invoices it accepted and the NTS has not yet confirmed or
    refused (Celery beat): store its state and the NTS approval number; an NTS refusal is
    recorded like a provider's refusal, for an operator. Returns how many invoices changed."""
    from bizshop.invoices.transmitters import get_transmitter

    transmitter = get_transmitter()
    statuses = getattr(transmitter, "statuses", None)
    if statuses is None:
        return 0
    # Only what this transmitter sent (its receipts' ids start with its name and a colon: not the
    # invoices another transmitter sent before a switch), the least recently checked first, so
    # that a few invoices stuck at the provider never hide the others.
    pending = list(
        TaxInvoice.objects.filter(
            transmitted_at__isnull=False,
            transmission_rejected_at=None,
            transmission_id__startswith=f"{transmitter.name}:",
        )
        .exclude(provider_state=PROVIDER_CONFIRMED)
        .order_by(F("provider_checked_at").asc(nulls_first=True), "id")
        .values_list("number", flat=True)[:limit]
    )
    if not pending:
        return 0
    size = int(getattr(transmitter, "poll_size", 1000) or 1000)
    changed_count = 0
    for start in range(0, len(pending), size):
        try:
            answers = list(statuses(invoice_numbers=pending[start : start + size]))
        except TransmissionFailed as failure:
            logger.warning("provider status poll failed; will retry: %s", failure)
            continue
        now = timezone.now()
        asked = pending[start : start + size]
        answered = {status.invoice_number for status in answers}
        # Unknown to the provider (for now): checked all the same, so it waits its turn again.
        TaxInvoice.objects.filter(number__in=[n for n in asked if n not in answered]).update(provider_checked_at=now)
        for status in answers:
            with transaction.atomic():
                invoice = TaxInvoice.objects.select_for_update().filter(number=status.invoice_number).first()
                if invoice is None:
                    continue
                invoice.provider_state = status.provider_state
                invoice.provider_checked_at = now
                changed = ["provider_state", "provider_checked_at"]
                if status.nts_confirm_number:
                    invoice.nts_confirm_number = status.nts_confirm_number
                    changed.append("nts_confirm_number")
                if status.rejected and invoice.transmission_rejected_at is None:
                    invoice.transmission_error_code = (status.error_code or status.provider_state)[:32]
                    invoice.transmission_error = status.error_message
                    invoice.transmission_rejected_at = now
                    changed += ["transmission_error_code", "transmission_error", "transmission_rejected_at"]
                    logger.error(
                        "NTS refused invoice %s: %s %s", invoice.number, status.error_code, status.error_message
                    )
                invoice.save(update_fields=changed)
                changed_count += 1
    return changed_count


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


def invoice_transmission_retry(*, invoice_id: int, operator: User) -> bool:
    """Operator: once the cause of a provider's refusal is fixed (the certificate registered on
    Popbill, the partner's registration number corrected, points topped up), clear the refusal so
    that the next delivery pass sends the invoice again; audited. Only a refusal before issuance
    can be cleared: an invoice the NTS refused (issued, then 전송실패) keeps its number at the
    provider and is corrected there or by an amendment. Returns whether a refusal was cleared."""
    from bizshop.backoffice.models import OperatorAction
    from bizshop.backoffice.services import operator_action_record, operator_require

    operator_require(operator=operator, permission="backoffice.resend_invoice_emails")
    with transaction.atomic():
        invoice = TaxInvoice.objects.select_for_update().filter(pk=invoice_id).first()
        if invoice is None:
            raise errors.INVOICE_NOT_FOUND(invoice_id=invoice_id)
        if invoice.transmission_rejected_at is None or invoice.provider_state:
            return False
        operator_action_record(
            operator=operator,
            kind=OperatorAction.Kind.INVOICE_TRANSMISSION_RETRIED,
            target=invoice,
            data={
                "number": invoice.number,
                "error_code": invoice.transmission_error_code,
                "error": invoice.transmission_error[:500],
            },
        )
        invoice.transmission_error_code = ""
        invoice.transmission_error = ""
        invoice.transmission_rejected_at = None
        invoice.save(update_fields=["transmission_error_code", "transmission_error", "transmission_rejected_at"])
    return True


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
        TaxInvoice.objects.filter(
            Q(transmitted_at=None, transmission_rejected_at=None) | Q(emailed_at=None), issued_at__lt=cutoff
        )
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
    invoices_transmit(invoice_ids=ids)
    for invoice_id in ids:
        invoice_deliver(invoice_id=invoice_id, transmit=False)
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
        # The original's NTS approval number as the provider reported it, else the one we wrote.
        original_approval_number=(invoice.original.nts_approval_number if invoice.original else ""),
    )
