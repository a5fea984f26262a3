"""Partners' webhook endpoints and every delivery made to them."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from bizshop.partners.models import Partner


class WebhookEvent(models.TextChoices):
    ORDER_PAID = "order.paid", _("주문 결제 완료")
    ISSUANCE_COMPLETED = "issuance.completed", _("일련번호 발급 완료")
    CODE_REGISTERED = "code.registered", _("일련번호 등록")
    CODE_VOIDED = "code.voided", _("일련번호 사용중지·교체")
    INVOICE_ISSUED = "invoice.issued", _("세금계산서 발행")
    REFUND_COMPLETED = "refund.completed", _("환불 완료")


class WebhookEndpoint(models.Model):
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField("URL", max_length=500)
    events = models.JSONField(default=list)
    # The signing secret: we sign with it, so it is kept (not hashed), but only encrypted with the
    # code keyring (bizshop.webhooks.crypto), never in plaintext.
    secret_key_id = models.CharField(max_length=32)
    secret_ciphertext = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)
    disabled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("웹훅 엔드포인트")
        verbose_name_plural = _("웹훅 엔드포인트")

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("대기")
        SUCCEEDED = "succeeded", _("성공")
        FAILED = "failed", _("실패")

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40, choices=WebhookEvent.choices)
    event_id = models.UUIDField(default=uuid.uuid4, editable=False)
    # The event's data (a registered code, say), encrypted like codes are (bizshop.webhooks.crypto);
    # dropped 30 days after the delivery finished (webhook_payloads_purge), the log row kept.
    payload_key_id = models.CharField(max_length=32, blank=True)
    payload_ciphertext = models.BinaryField(null=True, blank=True)
    payload_purged_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    retry_until = models.DateTimeField()
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_response_ms = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("웹훅 전송")
        verbose_name_plural = _("웹훅 전송")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="webhooks_delivery_due"),
            models.Index(fields=["endpoint", "-id"], name="webhooks_delivery_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint_id} ({self.status})"
