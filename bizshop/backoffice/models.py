"""OperatorAction: the audit log of what operators did (who, what, on which object, when, details)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OperatorAction(models.Model):
    class Kind(models.TextChoices):
        CODE_VOIDED = "code_voided", _("일련번호 사용중지")
        ISSUANCE_VOIDED = "issuance_voided", _("발급분(트랜치) 사용중지")
        PARTNER_ORDERS_VIEWED = "partner_orders_viewed", _("파트너 주문내역 조회")
        SALES_EXPORTED = "sales_exported", _("매출 CSV 내려받기")
        EMOTICON_SAVED = "emoticon_saved", _("이모티콘 등록·수정")
        INQUIRY_ANSWERED = "inquiry_answered", _("1:1 문의 답변")
        DEPOSIT_CONFIRMED = "deposit_confirmed", _("입금 수동 확인")
        REFUND_COMPLETED = "refund_completed", _("환불 완료 처리 (계좌이체)")
        DEPOSIT_REFUNDED = "deposit_refunded", _("반영되지 않은 입금 환불 완료")
        INVOICE_EMAIL_RESENT = "invoice_email_resent", _("세금계산서 이메일 재발송")
        INVOICE_TRANSMISSION_RETRIED = "invoice_transmission_retried", _("세금계산서 전송 거부 해제(재전송)")

    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="operator_actions", verbose_name=_("운영자")
    )
    kind = models.CharField(_("작업"), max_length=32, choices=Kind.choices)
    # The object acted on, as "app_label.model" and its primary key: audit rows outlive their objects.
    target_type = models.CharField(_("대상 종류"), max_length=64)
    target_id = models.CharField(_("대상 ID"), max_length=64)
    target_repr = models.CharField(_("대상"), max_length=200, blank=True)
    data = models.JSONField(_("내용"), default=dict, blank=True)
    created_at = models.DateTimeField(_("시각"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("운영자 작업 기록")
        verbose_name_plural = _("운영자 작업 기록")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="backoffice_action_target")]
        default_permissions = ("view",)
        permissions = [
            ("void_codes", "일련번호 사용중지"),
            ("view_partner_orders", "파트너 주문내역 조회"),
            ("view_sales_dashboard", "매출 현황 보기"),
            ("confirm_deposits", "입금 수동 확인"),
            ("resend_invoice_emails", "세금계산서 이메일 재발송"),
        ]

    def __str__(self) -> str:
        return f"{self.operator} · {self.get_kind_display()} · {self.target_repr or self.target_id}"
