"""Deliveries (코드 보내기): one upload of winners, each given one code of the order and sent it.

Contacts (name, e-mail, mobile) are stored encrypted only (contacts.py) and erased 30 days after
the order's last registration deadline; the rows stay for the counts.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bizshop.billing.models import Order
from bizshop.codes.models import SerialCode


class Channel(models.TextChoices):
    EMAIL = "email", _("이메일")
    SMS = "sms", _("문자")


class Delivery(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("대기")
        SENDING = "sending", _("보내는 중")
        DONE = "done", _("완료")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    template = models.TextField(_("문구"))
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    recipient_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    contacts_erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("코드 보내기")
        verbose_name_plural = _("코드 보내기")

    def __str__(self) -> str:
        return f"코드 보내기 #{self.pk} ({self.get_status_display()})"


class Recipient(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("대기")
        SENDING = "sending", _("보내는 중")
        SENT = "sent", _("발송완료")
        FAILED = "failed", _("실패")

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="recipients")
    row_number = models.PositiveIntegerField()
    # AES-GCM under the codes keyring (contacts.py); NULL once erased.
    key_id = models.CharField(max_length=16)
    name_sealed = models.BinaryField(null=True)
    email_sealed = models.BinaryField(null=True)
    phone_sealed = models.BinaryField(null=True)
    # One code, at most one recipient (the unique index is the last word on it).
    code = models.OneToOneField(SerialCode, on_delete=models.PROTECT, related_name="delivery_recipient")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(max_length=200, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("받는 사람")
        verbose_name_plural = _("받는 사람")
        indexes = [models.Index(fields=["delivery", "status", "id"], name="campaigns_recipient_status")]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "row_number"], name="campaigns_recipient_one_per_row")
        ]

    def __str__(self) -> str:
        return f"받는 사람 #{self.pk} ({self.get_status_display()})"  # never the contact
