"""Customer center data: FAQ entries (자주 묻는 질문), notices (공지사항), 1:1 inquiries (1:1 문의) and their files."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Topic(models.TextChoices):
    """The customer center's subjects, shared by the FAQ and the inquiry form."""

    SERVICE = "service", _("서비스이용")
    PRODUCT = "product", _("상품안내")
    PAYMENT = "payment", _("결제/취소/환불")
    ACCOUNT = "account", _("가입/탈퇴")


class Faq(models.Model):
    category = models.CharField(_("분류"), max_length=16, choices=Topic.choices)
    question = models.CharField(_("질문"), max_length=200)
    answer = models.TextField(_("답변"))
    order = models.PositiveIntegerField(_("순서"), default=0, help_text=_("작을수록 먼저 보입니다."))
    is_published = models.BooleanField(_("게시"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("자주 묻는 질문")
        verbose_name_plural = _("자주 묻는 질문")
        ordering = ["category", "order", "id"]
        indexes = [models.Index(fields=["category", "order"], name="support_faq_category_order")]

    def __str__(self) -> str:
        return self.question


class Notice(models.Model):
    title = models.CharField(_("제목"), max_length=200)
    body = models.TextField(_("내용"))
    published_at = models.DateTimeField(
        _("게시일시"), default=timezone.now, db_index=True, help_text=_("이 시각부터 고객센터에 보입니다.")
    )
    pinned = models.BooleanField(_("상단 고정"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("공지사항")
        verbose_name_plural = _("공지사항")
        ordering = ["-pinned", "-published_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Inquiry(models.Model):
    """A partner member's 1:1 inquiry: a thread of messages between the partner's members and the operators."""

    class Category(models.TextChoices):
        SERVICE = Topic.SERVICE.value, Topic.SERVICE.label
        PRODUCT = Topic.PRODUCT.value, Topic.PRODUCT.label
        PAYMENT = Topic.PAYMENT.value, Topic.PAYMENT.label
        ACCOUNT = Topic.ACCOUNT.value, Topic.ACCOUNT.label
        OTHER = "other", _("기타")

    class Status(models.TextChoices):
        WAITING = "waiting", _("답변대기")  # the last word is the member's
        ANSWERED = "answered", _("답변완료")  # the last word is the operators'
        CLOSED = "closed", _("종료")  # closed by a partner member: no more messages

    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="inquiries")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("작성자")
    )
    category = models.CharField(_("문의 유형"), max_length=16, choices=Category.choices)
    title = models.CharField(_("제목"), max_length=200)
    status = models.CharField(_("상태"), max_length=16, choices=Status.choices, default=Status.WAITING)
    # Unread markers, one per side: set when the other side posts, cleared when this side opens the thread.
    unread_by_member = models.BooleanField(_("새 답변"), default=False)
    unread_by_staff = models.BooleanField(_("새 문의글"), default=True)
    last_message_at = models.DateTimeField(_("최근 글 일시"), default=timezone.now)
    closed_at = models.DateTimeField(_("종료일시"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("종료한 멤버"),
    )
    created_at = models.DateTimeField(_("문의일시"), default=timezone.now)

    class Meta:
        verbose_name = _("1:1 문의")
        verbose_name_plural = _("1:1 문의")
        ordering = ["-created_at", "-id"]
        # Operators answer through inquiry_answer (audited), never by editing rows.
        default_permissions = ("view",)
        permissions = [("answer_inquiry", _("1:1 문의 답변"))]
        indexes = [
            models.Index(fields=["partner", "-id"], name="support_inquiry_partner"),
            models.Index(fields=["status", "created_at"], name="support_inquiry_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="closed", closed_at__isnull=False)
                | (~models.Q(status="closed") & models.Q(closed_at__isnull=True)),
                name="support_inquiry_closed_matches_status",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


class InquiryMessage(models.Model):
    """One post of an inquiry's thread: the member's question or follow-up, or an operator's answer."""

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("작성자")
    )
    by_staff = models.BooleanField(_("운영자 답변"), default=False)
    body = models.TextField(_("내용"))
    created_at = models.DateTimeField(_("작성일시"), default=timezone.now)

    class Meta:
        verbose_name = _("1:1 문의 글")
        verbose_name_plural = _("1:1 문의 글")
        ordering = ["created_at", "id"]
        default_permissions = ("view",)
        constraints = [models.CheckConstraint(condition=~models.Q(body=""), name="support_message_body_not_empty")]

    def __str__(self) -> str:
        return f"#{self.inquiry_id}.{self.pk}"


class AttachmentStorage(FileSystemStorage):
    """Inquiry files in SUPPORT_ATTACHMENT_DIR, read from the setting on each use (tests point it elsewhere).

    Never under MEDIA_ROOT: no web server or DEBUG route serves them, and they have no URL.
    """

    @property  # type: ignore[override]
    def base_location(self) -> Path:
        return Path(settings.SUPPORT_ATTACHMENT_DIR)

    @property  # type: ignore[override]
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError("inquiry attachments have no public URL")


attachment_storage = AttachmentStorage()


def attachment_path(instance: InquiryAttachment, filename: str) -> str:
    """A random path: the stored name never carries the uploader's file name, nor can it be guessed."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"support/inquiries/{timezone.now():%Y/%m}/{secrets.token_urlsafe(24)}.{extension}"


class InquiryAttachment(models.Model):
    # The inquiry is kept next to the message so that "whose file is this" is one lookup.
    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(InquiryMessage, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("파일"), upload_to=attachment_path, storage=attachment_storage, max_length=200)
    original_name = models.CharField(_("파일 이름"), max_length=200)
    content_type = models.CharField(_("형식"), max_length=100)
    size = models.PositiveIntegerField(_("크기(바이트)"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("1:1 문의 첨부파일")
        verbose_name_plural = _("1:1 문의 첨부파일")
        ordering = ["id"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return self.original_name
