"""Orders (주문) with their price snapshot, payments (결제) and the order event log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bizshop.catalog.models import Emoticon, UsagePeriod
from bizshop.partners.models import Partner


class OrderStatus(models.TextChoices):
    PENDING_PAYMENT = "pending_payment", _("결제대기")
    AWAITING_DEPOSIT = "awaiting_deposit", _("입금대기")
    PAID = "paid", _("결제완료")
    PARTIALLY_ISSUED = "partially_issued", _("부분발급")
    ISSUED = "issued", _("발급완료")
    CANCELLED = "cancelled", _("주문취소")
    EXPIRED = "expired", _("입금기한만료")
    REFUND_PENDING = "refund_pending", _("환불처리중")
    REFUNDED = "refunded", _("환불완료")


class Order(models.Model):
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="orders")
    emoticon = models.ForeignKey(Emoticon, on_delete=models.PROTECT, related_name="orders")
    emoticon_title = models.CharField(_("이모티콘명(주문 시점)"), max_length=100)
    period_days = models.PositiveSmallIntegerField(_("사용기간(일)"), choices=UsagePeriod.choices)
    quantity = models.PositiveIntegerField(_("수량"))
    unit_price = models.PositiveBigIntegerField(_("단가"))
    supply_amount = models.PositiveBigIntegerField(_("공급가액"))
    vat_amount = models.PositiveBigIntegerField(_("부가세"))
    total_amount = models.PositiveBigIntegerField(_("합계"))
    status = models.CharField(max_length=24, choices=OrderStatus.choices, default=OrderStatus.PENDING_PAYMENT)
    # Units committed to issuance (발급): set when an issuance is requested, never above quantity.
    issued_quantity = models.PositiveIntegerField(_("발급수량"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True)
    # The partner's own note (메모), e.g. the campaign the codes are for: shown to the partner only,
    # never to operators, other partners, webhooks or money documents.
    memo = models.CharField(_("메모"), max_length=200, blank=True, default="")

    class Meta:
        verbose_name = _("주문")
        verbose_name_plural = _("주문")
        indexes = [
            models.Index(fields=["partner", "-id"], name="billing_order_partner_recent"),
            models.Index(fields=["status", "paid_at"], name="billing_order_status_paid"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(issued_quantity__lte=models.F("quantity")), name="billing_order_issued_lte_quantity"
            ),
            models.CheckConstraint(condition=models.Q(period_days__in=[30, 60]), name="billing_order_period_30_60"),
            models.CheckConstraint(
                condition=models.Q(total_amount=models.F("supply_amount") + models.F("vat_amount")),
                name="billing_order_total_is_supply_plus_vat",
            ),
            # Never refunded with codes, never issued codes while refunding.
            models.CheckConstraint(
                condition=~models.Q(status__in=["refund_pending", "refunded"]) | models.Q(issued_quantity=0),
                name="billing_order_refund_without_codes",
            ),
        ]

    def __str__(self) -> str:
        return f"주문 #{self.pk} {self.emoticon_title} {self.period_days}일 × {self.quantity:,}"

    @property
    def remaining_quantity(self) -> int:
        return self.quantity - self.issued_quantity


class PaymentMethod(models.TextChoices):
    CARD = "card", _("카드")
    VIRTUAL_ACCOUNT = "virtual_account", _("가상계좌")


class PaymentStatus(models.TextChoices):
    # A card payment the PG did not confirm in time: the reconciliation task settles it.
    PENDING = "pending", _("확인중")
    FAILED = "failed", _("실패")
    AWAITING_DEPOSIT = "awaiting_deposit", _("입금대기")
    APPROVED = "approved", _("승인")
    EXPIRED = "expired", _("기한만료")
    CANCELLED = "cancelled", pgettext_lazy("payment status", "취소")


class Payment(models.Model):
    """결제: money asked for, received or returned. A payment that was approved is a tax record
    (국세기본법 §85-3, 5 years): it holds its own copy of what was sold and of whom, so that the
    monthly invoice run and the reconciliation still see it after the partner's withdrawal
    deletes the order (``order`` is then null)."""

    order = models.ForeignKey(Order, on_delete=models.SET_NULL, null=True, blank=True, related_name="payments")
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="payments")
    method = models.CharField(max_length=24, choices=PaymentMethod.choices)
    status = models.CharField(max_length=24, choices=PaymentStatus.choices)
    amount = models.PositiveBigIntegerField(_("결제금액"))
    # What was sold, as charged (the tax invoice's line): copied from the order at payment,
    # the order's number included (it stays on the invoice when the order row is gone).
    order_number = models.PositiveBigIntegerField(_("주문번호"))
    item = models.CharField(_("품목"), max_length=120)
    period_days = models.PositiveSmallIntegerField(_("사용기간(일)"))
    quantity = models.PositiveIntegerField(_("수량"))
    unit_price = models.PositiveBigIntegerField(_("단가"))
    supply_amount = models.PositiveBigIntegerField(_("공급가액"))
    vat_amount = models.PositiveBigIntegerField(_("부가세"))
    gateway = models.CharField(max_length=50)
    gateway_transaction_id = models.CharField(max_length=100, unique=True)
    bank = models.CharField(_("은행"), max_length=50, blank=True)
    account_number = models.CharField(_("계좌번호"), max_length=50, blank=True)
    due_at = models.DateTimeField(_("입금기한"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # Where a virtual-account refund (환불 계좌이체) is sent: given by the partner with the request.
    refund_bank = models.CharField(_("환불 은행"), max_length=3, blank=True)
    refund_account_number = models.CharField(_("환불 계좌번호"), max_length=20, blank=True)
    refund_account_holder = models.CharField(_("환불 예금주"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("결제")
        verbose_name_plural = _("결제")
        indexes = [
            models.Index(fields=["partner", "-approved_at"], name="billing_payment_partner_recent"),
            # The monthly invoice run and the reconciliation read one month of approvals.
            models.Index(fields=["approved_at"], name="billing_payment_approved_at"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount=models.F("supply_amount") + models.F("vat_amount")),
                name="billing_payment_amount_is_supply_plus_vat",
            ),
            # One live payment per order: a second approval or a second open account is impossible,
            # and so is a second attempt while one is still being confirmed with the PG.
            models.UniqueConstraint(
                fields=["order"],
                condition=models.Q(status__in=["pending", "awaiting_deposit", "approved"]),
                name="billing_payment_one_live_per_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.amount:,}원 ({self.get_status_display()})"


class DepositOutcome(models.TextChoices):
    """What a verified deposit notification did."""

    APPLIED = "applied", _("입금 반영")
    WRONG_AMOUNT = "wrong_amount", _("금액 불일치")
    # The account no longer awaits money: the order expired, was cancelled, or is already paid.
    NOT_AWAITING = "not_awaiting", _("입금대기 아님(기한만료·취소·중복 입금)")


class DepositRefundStatus(models.TextChoices):
    """Money that arrived but cannot be kept: an operator must send it back (환불)."""

    NOT_NEEDED = "not_needed", _("해당 없음")
    REQUIRED = "required", _("환불 필요")
    COMPLETED = "completed", _("환불 완료")


class DepositNotification(models.Model):
    """A gateway's deposit notification (입금 통지), kept once by its id so that a replay changes nothing.

    A deposit that cannot pay its order (wrong amount, after expiry or cancel, a second one)
    is never kept silently: it is recorded with ``refund_status=required`` until an operator
    sends the money back and marks it done in the admin.
    """

    notification_id = models.CharField(max_length=100, unique=True)
    payment = models.ForeignKey(Payment, on_delete=models.SET_NULL, null=True, related_name="notifications")
    amount = models.PositiveBigIntegerField(_("입금액"))
    deposited_at = models.DateTimeField(_("입금일시"), null=True, blank=True)
    outcome = models.CharField(_("처리 결과"), max_length=32, choices=DepositOutcome.choices)
    # The order's state when the money arrived, so the operator sees why it was not applied.
    order_status = models.CharField(_("입금 시 주문 상태"), max_length=24, choices=OrderStatus.choices, blank=True)
    refund_status = models.CharField(
        _("환불 상태"), max_length=16, choices=DepositRefundStatus.choices, default=DepositRefundStatus.NOT_NEEDED
    )
    refund_completed_at = models.DateTimeField(_("환불 완료 일시"), null=True, blank=True)
    refund_completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("환불 처리자"),
    )
    received_at = models.DateTimeField(_("수신일시"), auto_now_add=True)

    class Meta:
        verbose_name = _("입금 통지")
        verbose_name_plural = _("입금 통지")
        indexes = [models.Index(fields=["refund_status", "id"], name="billing_deposit_refund_status")]
        constraints = [
            # Applied money is the order's; money not applied must be returned.
            models.CheckConstraint(
                condition=(models.Q(outcome="applied") & models.Q(refund_status="not_needed"))
                | (~models.Q(outcome="applied") & models.Q(refund_status__in=["required", "completed"])),
                name="billing_deposit_unapplied_is_refunded",
            ),
            models.CheckConstraint(
                condition=~models.Q(refund_status="completed") | models.Q(refund_completed_at__isnull=False),
                name="billing_deposit_refund_completed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.notification_id} {self.amount:,}원 ({self.get_outcome_display()})"


class OrderEvent(models.Model):
    """What happened to an order, in order: shown to the partner and the operator."""

    class Kind(models.TextChoices):
        CREATED = "created", pgettext_lazy("order event", "주문 생성")
        PAYMENT_APPROVED = "payment_approved", pgettext_lazy("order event", "카드 결제 승인")
        PAYMENT_PENDING = "payment_pending", pgettext_lazy("order event", "카드 결제 확인 중")
        PAYMENT_FAILED = "payment_failed", pgettext_lazy("order event", "카드 결제 실패")
        VIRTUAL_ACCOUNT_OPENED = "virtual_account_opened", pgettext_lazy("order event", "가상계좌 발급")
        DEPOSIT_RECEIVED = "deposit_received", pgettext_lazy("order event", "입금 확인")
        CANCELLED = "cancelled", pgettext_lazy("order event", "주문 취소")
        EXPIRED = "expired", pgettext_lazy("order event", "입금기한 만료")
        ISSUANCE_REQUESTED = "issuance_requested", pgettext_lazy("order event", "일련번호 발급")
        REFUND_REQUESTED = "refund_requested", pgettext_lazy("order event", "환불 요청")
        REFUND_COMPLETED = "refund_completed", pgettext_lazy("order event", "환불 완료")
        UNAPPLIED_DEPOSIT = "unapplied_deposit", pgettext_lazy("order event", "반영되지 않은 입금 (환불 예정)")
        UNAPPLIED_DEPOSIT_REFUNDED = (
            "unapplied_deposit_refunded",
            pgettext_lazy("order event", "반영되지 않은 입금 환불 완료"),
        )

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    data = models.JSONField(default=dict, blank=True)
    # The operator who did it (refunds completed in the admin); empty for the partner's and the system's.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("처리자"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("주문 이력")
        verbose_name_plural = _("주문 이력")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"#{self.order_id} {self.get_kind_display()}"
