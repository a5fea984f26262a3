"""Partner companies (파트너), their members and their API keys."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bizshop.core.business import format_brn


class Partner(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("partner status", "이용중")
        WITHDRAWN = "withdrawn", pgettext_lazy("partner status", "탈퇴")

    name = models.CharField(_("회사명"), max_length=100)
    business_registration_number = models.CharField(_("사업자등록번호"), max_length=10)
    representative = models.CharField(_("대표자"), max_length=50)
    address = models.CharField(_("주소"), max_length=200, blank=True)
    invoice_email = models.EmailField(_("세금계산서 이메일"))
    contact_name = models.CharField(_("담당자명"), max_length=50, blank=True)
    contact_phone = models.CharField(_("담당자 연락처"), max_length=20, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("파트너")
        verbose_name_plural = _("파트너")
        constraints = [
            # A withdrawn company may sign up again: only active partners hold the number.
            models.UniqueConstraint(
                fields=["business_registration_number"],
                condition=models.Q(status="active"),
                name="partners_partner_brn_unique_active",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def formatted_brn(self) -> str:
        return format_brn(self.business_registration_number)


class Member(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", _("관리자")
        MEMBER = "member", _("멤버")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="members")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("파트너 멤버")
        verbose_name_plural = _("파트너 멤버")

    def __str__(self) -> str:
        return f"{self.user} ({self.partner}, {self.get_role_display()})"


class ApiKey(models.Model):
    """A partner system's credential: shown once, stored as a SHA-256 hash of the whole key."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="api_keys")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("이름"), max_length=100)
    prefix = models.CharField(_("접두어"), max_length=16, unique=True)
    key_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API 키")
        verbose_name_plural = _("API 키")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class TermsAgreement(models.Model):
    """A partner's consent to the terms of service (이용약관), with the version and the time agreed."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="terms_agreements")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    terms_version = models.CharField(_("약관 버전"), max_length=20)
    agreed_at = models.DateTimeField(_("동의 시각"))
    ip = models.CharField(max_length=45, blank=True)

    class Meta:
        verbose_name = _("약관 동의")
        verbose_name_plural = _("약관 동의")

    def __str__(self) -> str:
        return f"{self.partner} · 약관 {self.terms_version}"


class PartnerChange(models.Model):
    """One edit of a partner's business details (파트너정보 변경 이력): the fields before and after."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("파트너정보 변경 이력")
        verbose_name_plural = _("파트너정보 변경 이력")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.partner} · {', '.join(self.after)}"


class Invitation(models.Model):
    """An owner invites someone by e-mail; the link carries a token stored only as its hash."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("이메일"))
    role = models.CharField(max_length=16, choices=Member.Role.choices, default=Member.Role.MEMBER)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("만료 시각"))
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("멤버 초대")
        verbose_name_plural = _("멤버 초대")

    def __str__(self) -> str:
        return f"{self.email} → {self.partner}"
