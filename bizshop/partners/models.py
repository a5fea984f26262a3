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


class AuditEvent(models.Model):
    """Security-relevant actions (감사 로그): who did what, for which partner, from where. Append-only."""

    class Action(models.TextChoices):
        LOGIN = "login", pgettext_lazy("audit action", "로그인")
        LOGIN_FAILED = "login_failed", pgettext_lazy("audit action", "로그인 실패")
        LOGIN_THROTTLED = "login_throttled", pgettext_lazy("audit action", "로그인 시도 제한")
        PASSWORD_RESET = "password_reset", pgettext_lazy("audit action", "비밀번호 재설정")
        PARTNER_SIGNUP = "partner_signup", pgettext_lazy("audit action", "파트너 가입")
        PARTNER_UPDATED = "partner_updated", pgettext_lazy("audit action", "파트너정보 변경")
        API_KEY_CREATED = "api_key_created", pgettext_lazy("audit action", "API 키 생성")
        API_KEY_REVOKED = "api_key_revoked", pgettext_lazy("audit action", "API 키 폐기")
        MEMBER_INVITED = "member_invited", pgettext_lazy("audit action", "멤버 초대")
        INVITATION_REVOKED = "invitation_revoked", pgettext_lazy("audit action", "초대 취소")
        MEMBER_JOINED = "member_joined", pgettext_lazy("audit action", "멤버 가입")
        MEMBER_ROLE_CHANGED = "member_role_changed", pgettext_lazy("audit action", "멤버 권한 변경")
        MEMBER_REMOVED = "member_removed", pgettext_lazy("audit action", "멤버 삭제")
        WITHDRAWAL_REFUSED = "withdrawal_refused", pgettext_lazy("audit action", "탈퇴 거절")
        WITHDRAWN = "withdrawn", pgettext_lazy("audit action", "탈퇴")

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    # The actor's e-mail as it was: withdrawal releases members' addresses, the log keeps them.
    actor_email = models.CharField(max_length=254, blank=True)
    partner = models.ForeignKey(Partner, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    action = models.CharField(max_length=32, choices=Action.choices)
    ip = models.CharField(max_length=45, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("감사 로그")
        verbose_name_plural = _("감사 로그")
        ordering = ["-id"]
        indexes = [models.Index(fields=["partner", "-id"], name="partners_audit_partner_recent")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_action_display()} {self.actor_email}"
