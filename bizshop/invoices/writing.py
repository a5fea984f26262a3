"""Writing tax invoices: drafts from payments, numbering (발행번호, 승인번호) and the rows.

- Write date (작성일자): a normal invoice covers one payment and is dated the payment day
  (부가가치세법 §34(3)3: the day of the transaction, issued by the 10th of the next month); a
  merged invoice sums one calendar month and is dated that month's last day (§34(3)1, 월합계);
  an amendment for a cancelled contract is dated the cancellation day (시행령 §70①2).
- Money: each line is one payment with its own supply and VAT (10%, rounded down, as the order
  was charged). An invoice's VAT is the sum of its lines' VAT, never 10% of the summed supply,
  so that an invoice's total is exactly the money received.
- Parties: the shop from ``core.business``; the partner as it is now, with the 사업자등록번호
  in force when the payment was approved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import connection, models
from django.utils import timezone

from bizshop.core.business import shop_business
from bizshop.invoices.models import InvoiceMonth, InvoiceNumberSequence, InvoicePayment, TaxInvoice, TaxInvoiceLine
from bizshop.invoices.months import local_date, month_last_day
from bizshop.partners.models import Partner, PartnerChange

# 승인번호 shape: 작성일자 (8) + issuer code (8) + serial (8). The provider assigns the real one.
DEFAULT_ISSUER_CODE = "41000000"
# What the run reads of a payment: its own copy of the sale (the order may be gone).
PAYMENT_FIELDS = (
    "id",
    "approved_at",
    "order_number",
    "partner_id",
    "item",
    "period_days",
    "quantity",
    "unit_price",
    "supply_amount",
    "vat_amount",
)


def lock_month(month: date) -> InvoiceMonth:
    """The month's row, locked: it orders merge requests, the run's batches and amendments."""
    InvoiceMonth.objects.get_or_create(month=month)
    return InvoiceMonth.objects.select_for_update().get(month=month)


def supplier_details() -> dict[str, str]:
    shop = shop_business()
    return {
        "supplier_name": shop.name,
        "supplier_brn": shop.registration_number,
        "supplier_representative": shop.representative,
        "supplier_address": shop.address,
    }


def recipient_details(partner: Partner, *, brn: str) -> dict[str, str]:
    return {
        "recipient_name": partner.name,
        "recipient_brn": brn,
        "recipient_representative": partner.representative,
        "recipient_address": partner.address,
        "recipient_email": partner.invoice_email,
    }


def brn_changes(partner_ids: set[int]) -> dict[int, list[tuple[datetime, str]]]:
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


@dataclass
class Draft:
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
        "supply_date": local_date(row["approved_at"]),
        "order_id": row["order_number"],
        "payment_id": row["id"],
        "item": f"{row['item']} 이모티콘",
        "period_days": row["period_days"],
        "quantity": row["quantity"],
        "unit_price": row["unit_price"],
        "supply_amount": row["supply_amount"],
        "vat_amount": row["vat_amount"],
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
    "provider_state",
    "nts_confirm_number",
    "provider_checked_at",
    "transmission_error_code",
    "transmission_error",
    "transmission_rejected_at",
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


def invoices_insert(drafts: list[Draft]) -> list[int]:
    """Number and write the drafts with their lines and payment keys (inside the caller's
    transaction); returns the new invoices' ids in the drafts' order."""
    if not drafts:
        return []
    now = timezone.now()
    supplier = supplier_details()
    issuer_code = str(settings.INVOICE_ISSUER_CODE or DEFAULT_ISSUER_CODE)[:8].rjust(8, "0")
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
                "provider_state": "",
                "nts_confirm_number": "",
                "provider_checked_at": None,
                "transmission_error_code": "",
                "transmission_error": "",
                "transmission_rejected_at": None,
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


def drafts_for_payments(rows: list[dict[str, Any]], *, kind: str, month: date, merged: bool) -> list[Draft]:
    partners = Partner.objects.only(
        "name", "business_registration_number", "representative", "address", "invoice_email"
    ).in_bulk({row["partner_id"] for row in rows})
    changes = brn_changes(set(partners))
    if merged:
        partner = partners[rows[0]["partner_id"]]
        brn = business_number_at(partner, rows[0]["approved_at"], changes.get(partner.pk, []))
        return [
            Draft(
                partner=partner,
                kind=kind,
                write_date=month_last_day(month),
                supply_month=month,
                recipient=recipient_details(partner, brn=brn),
                lines=[_line_from_payment(row) for row in rows],
                payment_ids=[row["id"] for row in rows],
            )
        ]
    drafts = []
    for row in rows:
        partner = partners[row["partner_id"]]
        brn = business_number_at(partner, row["approved_at"], changes.get(partner.pk, []))
        drafts.append(
            Draft(
                partner=partner,
                kind=kind,
                write_date=local_date(row["approved_at"]),
                supply_month=month,
                recipient=recipient_details(partner, brn=brn),
                lines=[_line_from_payment(row)],
                payment_ids=[row["id"]],
            )
        )
    return drafts
