"""Tax invoices (세금계산서) with their lines and payment links, merge requests (병합 발행 신청),
the monthly run's state per month and the invoice-number sequences.

An issued invoice is a record the law keeps for 5 years (국세기본법 §85-3): it holds its own
copy of every figure and of both parties' details, so that a refund, an edit of the partner's
details or the partner's withdrawal (which deletes its orders and payments) changes nothing
on it. Hence the partner is PROTECTed and payments/orders are referenced by id only
(``db_constraint=False``): the payment rows may go, the invoice and its unique payment key stay.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bizshop.billing.models import Payment
from bizshop.core.business import format_brn
from bizshop.partners.models import Partner

AMENDMENT_REASON_CANCELLATION = "계약의 해제"


class InvoiceKind(models.TextChoices):
    NORMAL = "normal", _("일반")
    MERGED = "merged", _("병합")
    AMENDED = "amended", _("수정")


# The provider's state for "confirmed by the NTS" (Popbill: 304 전송성공): the status poll skips
# those, and those whose refusal (305 전송실패, 600 발행취소) it has recorded.
PROVIDER_CONFIRMED = "304"


class TaxInvoice(models.Model):
    """세금계산서: one per payment (normal), one per merge request (merged), or a negative
    amendment (수정세금계산서) of an issued one."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="tax_invoices")
    kind = models.CharField(_("종류"), max_length=16, choices=InvoiceKind.choices)
    number = models.CharField(_("발행번호"), max_length=20, unique=True)
    approval_number = models.CharField(_("승인번호"), max_length=24, unique=True)
    write_date = models.DateField(_("작성일자"))
    # First day of the calendar month whose supplies the invoice covers (for an amendment: the
    # original's month), in Asia/Seoul.
    supply_month = models.DateField(_("공급월"))
    issued_at = models.DateTimeField(_("발행일시"))
    supply_amount = models.BigIntegerField(_("공급가액"))
    vat_amount = models.BigIntegerField(_("세액"))
    total_amount = models.BigIntegerField(_("합계금액"))
    # 영수/청구: every invoice here is for money already received.
    receipt_mark = models.CharField(_("영수/청구"), max_length=4, default="영수")
    original = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="amendments",
        verbose_name=_("당초 세금계산서"),
    )
    amendment_reason = models.CharField(_("수정 사유"), max_length=50, blank=True)

    supplier_name = models.CharField(_("공급자 상호"), max_length=100)
    supplier_brn = models.CharField(_("공급자 사업자등록번호"), max_length=10)
    supplier_representative = models.CharField(_("공급자 대표자"), max_length=50)
    supplier_address = models.CharField(_("공급자 주소"), max_length=200)

    recipient_name = models.CharField(_("공급받는자 상호"), max_length=100)
    recipient_brn = models.CharField(_("공급받는자 사업자등록번호"), max_length=10)
    recipient_representative = models.CharField(_("공급받는자 대표자"), max_length=50)
    recipient_address = models.CharField(_("공급받는자 주소"), max_length=200, blank=True)
    recipient_email = models.EmailField(_("공급받는자 이메일"))

    emailed_at = models.DateTimeField(_("이메일 발송일시"), null=True, blank=True)
    transmitted_at = models.DateTimeField(_("국세청 전송일시"), null=True, blank=True)
    transmission_id = models.CharField(_("전송 접수번호"), max_length=100, blank=True)
    # As the e-invoicing provider reports it (Popbill: stateCode 300 발행완료 … 304 전송성공,
    # 305 전송실패, 600 발행취소) and the NTS approval number it assigned (국세청 승인번호).
    provider_state = models.CharField(_("전송 상태"), max_length=16, blank=True)
    nts_confirm_number = models.CharField(_("국세청 승인번호"), max_length=24, blank=True)
    provider_checked_at = models.DateTimeField(_("전송 상태 확인일시"), null=True, blank=True)
    # A refusal that sending again cannot cure (the provider's code and message): the invoice is
    # not sent again until an operator corrects the cause and clears it.
    transmission_error_code = models.CharField(_("전송 오류 코드"), max_length=32, blank=True)
    transmission_error = models.TextField(_("전송 오류 내용"), blank=True)
    transmission_rejected_at = models.DateTimeField(_("전송 거부일시"), null=True, blank=True)

    class Meta:
        verbose_name = _("세금계산서")
        verbose_name_plural = _("세금계산서")
        indexes = [
            models.Index(fields=["partner", "-id"], name="invoices_partner_recent"),
            # Invoices not yet e-mailed or transmitted: the retry sweep reads only these.
            models.Index(
                fields=["id"],
                name="invoices_delivery_pending",
                condition=models.Q(emailed_at=None) | models.Q(transmitted_at=None),
            ),
            # Transmitted, neither confirmed by the NTS (304) nor refused (recorded): the status
            # poll reads these.
            models.Index(
                fields=["id"],
                name="invoices_nts_unconfirmed",
                condition=models.Q(transmitted_at__isnull=False, transmission_rejected_at=None)
                & ~models.Q(provider_state=PROVIDER_CONFIRMED),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(total_amount=models.F("supply_amount") + models.F("vat_amount")),
                name="invoices_total_is_supply_plus_vat",
            ),
            # An amendment and only an amendment points at its original, with negative amounts.
            models.CheckConstraint(
                condition=(models.Q(kind="amended") & models.Q(original__isnull=False) & models.Q(supply_amount__lte=0))
                | (~models.Q(kind="amended") & models.Q(original__isnull=True) & models.Q(supply_amount__gte=0)),
                name="invoices_amended_has_original",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.recipient_name} {self.total_amount:,}원"

    @property
    def formatted_supplier_brn(self) -> str:
        return format_brn(self.supplier_brn)

    @property
    def formatted_recipient_brn(self) -> str:
        return format_brn(self.recipient_brn)

    @property
    def nts_approval_number(self) -> str:
        """The 승인번호 the NTS knows: the one the provider reported (Popbill assigns its own when
        it issues), else the one the shop wrote."""
        return self.nts_confirm_number or self.approval_number

    @property
    def formatted_approval_number(self) -> str:
        n = self.nts_approval_number
        return f"{n[:8]}-{n[8:16]}-{n[16:]}"


class TaxInvoiceLine(models.Model):
    """품목: one paid order, as it was sold (copied, so that the order may be deleted)."""

    invoice = models.ForeignKey(TaxInvoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()
    supply_date = models.DateField(_("공급일자"))
    order_id = models.BigIntegerField(_("주문번호"))
    payment_id = models.BigIntegerField(_("결제번호"))
    item = models.CharField(_("품목"), max_length=120)
    period_days = models.PositiveSmallIntegerField(_("사용기간(일)"))
    quantity = models.IntegerField(_("수량"))
    unit_price = models.BigIntegerField(_("단가"))
    supply_amount = models.BigIntegerField(_("공급가액"))
    vat_amount = models.BigIntegerField(_("세액"))

    class Meta:
        verbose_name = _("세금계산서 품목")
        verbose_name_plural = _("세금계산서 품목")
        ordering = ["invoice_id", "position"]
        constraints = [models.UniqueConstraint(fields=["invoice", "position"], name="invoices_line_position_unique")]

    def __str__(self) -> str:
        return f"{self.item} × {self.quantity:,}"


class InvoicePayment(models.Model):
    """Which payments an invoice covers. The unique key that makes issuance happen once: a
    payment is invoiced at most once (normal or merged) and amended at most once."""

    invoice = models.ForeignKey(TaxInvoice, on_delete=models.CASCADE, related_name="payment_links")
    payment = models.ForeignKey(Payment, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    amendment = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("세금계산서 결제")
        verbose_name_plural = _("세금계산서 결제")
        constraints = [
            models.UniqueConstraint(fields=["payment", "amendment"], name="invoices_payment_once_per_role"),
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id} ← 결제 {self.payment_id}"


class InvoiceMonth(models.Model):
    """One calendar month's monthly run. Its row is the lock that orders merge requests,
    the run's batches and amendments of that month; ``run_started_at`` closes merge requests."""

    month = models.DateField(_("공급월"), unique=True)
    run_started_at = models.DateTimeField(_("발행 시작"), null=True, blank=True)
    run_finished_at = models.DateTimeField(_("발행 완료"), null=True, blank=True)
    issued_count = models.PositiveIntegerField(_("발행 건수"), default=0)

    class Meta:
        verbose_name = _("월별 발행")
        verbose_name_plural = _("월별 발행")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class InvoiceNumberSequence(models.Model):
    """Last number used per YYYYMM of the write date (발행번호 YYYYMM-000001)."""

    prefix = models.CharField(max_length=6, unique=True)
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("발행번호 순번")
        verbose_name_plural = _("발행번호 순번")

    def __str__(self) -> str:
        return f"{self.prefix}-{self.last_value:06d}"


class MergeRequestStatus(models.TextChoices):
    ACCEPTED = "accepted", _("접수")
    ISSUED = "issued", _("발행완료")
    VOID = "void", _("무효(결제 취소)")


class InvoiceMergeRequest(models.Model):
    """병합 발행 신청: several payments of one month, one business, codes all issued → one invoice."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="invoice_merge_requests")
    month = models.DateField(_("공급월"))
    status = models.CharField(max_length=16, choices=MergeRequestStatus.choices, default=MergeRequestStatus.ACCEPTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    invoice = models.OneToOneField(
        TaxInvoice, on_delete=models.PROTECT, null=True, blank=True, related_name="merge_request"
    )

    class Meta:
        verbose_name = _("병합 발행 신청")
        verbose_name_plural = _("병합 발행 신청")
        indexes = [models.Index(fields=["month", "status"], name="invoices_merge_month_status")]

    def __str__(self) -> str:
        return f"병합 신청 #{self.pk} ({self.month:%Y-%m})"


class InvoiceMergeRequestPayment(models.Model):
    request = models.ForeignKey(InvoiceMergeRequest, on_delete=models.CASCADE, related_name="payment_links")
    # A payment belongs to at most one merge request.
    payment = models.OneToOneField(Payment, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")

    class Meta:
        verbose_name = _("병합 신청 결제")
        verbose_name_plural = _("병합 신청 결제")

    def __str__(self) -> str:
        return f"{self.request_id} ← 결제 {self.payment_id}"


class Reconciliation(models.Model):
    """대사: one check that a month's money and its invoices agree (``reconcile_month``): per
    business registration number, payments received − refunds = Σ normal + merged + amended."""

    month = models.DateField(_("공급월"))
    checked_at = models.DateTimeField(_("확인일시"))
    payment_count = models.PositiveIntegerField(_("결제 건수"))
    received_amount = models.BigIntegerField(_("결제 금액"))
    refunded_amount = models.BigIntegerField(_("환불 금액"))
    invoiced_amount = models.BigIntegerField(_("세금계산서 합계"))
    # [{"brn", "expected", "invoiced", "payment_ids"}]: empty when everything agrees.
    mismatches = models.JSONField(_("불일치"), default=list, blank=True)

    class Meta:
        verbose_name = _("월별 대사")
        verbose_name_plural = _("월별 대사")
        indexes = [models.Index(fields=["month", "-checked_at"], name="invoices_reconciliation_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {'OK' if self.ok else f'불일치 {len(self.mismatches)}건'}"

    @property
    def ok(self) -> bool:
        return not self.mismatches
