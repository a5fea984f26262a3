"""Reconciliation (대사): for a month, per business registration number and in total, the money
received minus the money refunded equals the sum of that month's invoices (normal, merged and
amended). A mismatch names the payments whose own figures disagree; it is an alarm, never silence.

A payment's month is its approval month in Asia/Seoul; an amendment counts in its original's
month (its ``supply_month``), whatever the refund day, so a refunded, invoiced payment nets to 0.
Before a month's run its payments are not invoiced yet: reconcile a month after its run.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import F, Sum
from django.utils import timezone

from bizshop.billing.models import Payment, PaymentStatus
from bizshop.core.business import format_brn
from bizshop.invoices.models import InvoiceMonth, InvoicePayment, Reconciliation, TaxInvoice, TaxInvoiceLine
from bizshop.invoices.months import month_bounds
from bizshop.invoices.writing import brn_changes, business_number_at
from bizshop.partners.models import Partner


@dataclass(frozen=True)
class Mismatch:
    brn: str
    expected: int  # received − refunded
    invoiced: int
    payment_ids: list[int]

    def as_dict(self) -> dict[str, Any]:
        return {"brn": self.brn, "expected": self.expected, "invoiced": self.invoiced, "payment_ids": self.payment_ids}

    def describe(self) -> str:
        ids = ", ".join(str(pid) for pid in self.payment_ids) or "-"
        return (
            f"{format_brn(self.brn)}: 결제 − 환불 {self.expected:,}원 ≠ 세금계산서 {self.invoiced:,}원 "
            f"(차이 {self.expected - self.invoiced:,}원; 결제번호 {ids})"
        )


def reconcile_month(*, month: date, record: bool = True) -> Reconciliation:
    """Check ``month`` and (with ``record``) keep the result for the back office."""
    month = month.replace(day=1)
    start, end = month_bounds(month)
    payments = list(
        Payment.objects.filter(approved_at__gte=start, approved_at__lt=end)
        .order_by("id")
        .values_list("id", "partner_id", "approved_at", "amount", "status")
    )
    partners = Partner.objects.only("business_registration_number").in_bulk({row[1] for row in payments})
    changes = brn_changes(set(partners))
    # Money per payment: what it should be invoiced at in the end (0 once refunded).
    expected: dict[int, int] = {}
    brn_of: dict[int, str] = {}
    received = refunded = 0
    for payment_id, partner_id, approved_at, amount, status in payments:
        assert approved_at is not None  # filtered on its range above
        partner = partners[partner_id]
        brn_of[payment_id] = business_number_at(partner, approved_at, changes.get(partner_id, []))
        received += amount
        if status == PaymentStatus.CANCELLED:
            refunded += amount
        expected[payment_id] = 0 if status == PaymentStatus.CANCELLED else amount
    # The payments behind each business number's mismatch.
    off_payments: dict[str, set[int]] = defaultdict(set)
    invoiced_per_payment: dict[int, int] = {
        row["payment_id"]: row["total"]
        for row in TaxInvoiceLine.objects.filter(invoice__supply_month=month)
        .values("payment_id")
        .annotate(total=Sum(F("supply_amount") + F("vat_amount")))
        .order_by()
    }
    invoiced_per_brn: dict[str, int] = {
        row["recipient_brn"]: row["total"]
        for row in TaxInvoice.objects.filter(supply_month=month)
        .values("recipient_brn")
        .annotate(total=Sum("total_amount"))
        .order_by()
    }
    # An invoice whose supply, VAT or total is not the sum of its lines' (a hand edit, a split
    # moved between supply and VAT) names its payments, even when the totals agree.
    broken = (
        TaxInvoice.objects.filter(supply_month=month)
        .annotate(lines_supply=Sum("lines__supply_amount"), lines_vat=Sum("lines__vat_amount"))
        .exclude(
            supply_amount=F("lines_supply"),
            vat_amount=F("lines_vat"),
            total_amount=F("lines_supply") + F("lines_vat"),
        )
        .values("pk")
    )
    for brn, payment_id in InvoicePayment.objects.filter(invoice__in=broken).values_list(
        "invoice__recipient_brn", "payment_id"
    ):
        off_payments[brn].add(payment_id)
    expected_per_brn: dict[str, int] = defaultdict(int)
    for payment_id, amount in expected.items():
        expected_per_brn[brn_of[payment_id]] += amount
        if invoiced_per_payment.get(payment_id, 0) != amount:
            off_payments[brn_of[payment_id]].add(payment_id)
    # Invoiced payments that were not received in this month at all (or no longer exist).
    strangers = sorted(set(invoiced_per_payment) - set(expected))
    mismatches = []
    for brn in sorted(set(expected_per_brn) | set(invoiced_per_brn)):
        invoiced = invoiced_per_brn.get(brn, 0)
        ids = sorted(off_payments.get(brn, set()))
        if expected_per_brn.get(brn, 0) != invoiced or ids:
            mismatches.append(
                Mismatch(brn=brn, expected=expected_per_brn.get(brn, 0), invoiced=invoiced, payment_ids=ids)
            )
    if strangers:
        mismatches.append(
            Mismatch(
                brn="", expected=0, invoiced=sum(invoiced_per_payment[p] for p in strangers), payment_ids=strangers
            )
        )
    result = Reconciliation(
        month=month,
        checked_at=timezone.now(),
        payment_count=len(payments),
        received_amount=received,
        refunded_amount=refunded,
        invoiced_amount=sum(invoiced_per_brn.values()),
        mismatches=[mismatch.as_dict() for mismatch in mismatches],
    )
    if record:
        result.save()
    return result


def reconciliation_report(result: Reconciliation) -> list[str]:
    """The command's and the back office's lines: the month's totals, then each mismatch."""
    run = InvoiceMonth.objects.filter(month=result.month).values_list("run_started_at", flat=True).first()
    head = (
        f"{result.month:%Y-%m}: 결제 {result.payment_count:,}건 {result.received_amount:,}원 − "
        f"환불 {result.refunded_amount:,}원 = {result.received_amount - result.refunded_amount:,}원, "
        f"세금계산서 {result.invoiced_amount:,}원 — {'일치' if result.ok else f'불일치 {len(result.mismatches)}건'}"
    )
    lines = [head]
    for row in result.mismatches:
        lines.append("  " + Mismatch(**row).describe())
    if not result.ok and run is None:
        lines.append("  (이 달의 월 발행이 아직 시작되지 않았습니다: 발행 후 다시 확인하세요)")
    return lines
