"""The audit log (감사 로그): who did what, for which partner, from where.

Its own app, below both ``accounts`` (sign-ins, password resets) and ``partners`` (members, keys,
withdrawal), which both write to it: it imports neither, so neither imports the other for it.
The partner is a foreign key by name only ("partners.Partner").
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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
        CODE_REPLACED = "code_replaced", pgettext_lazy("audit action", "일련번호 교체")

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    # The actor's e-mail as it was: withdrawal releases members' addresses, the log keeps them.
    actor_email = models.CharField(max_length=254, blank=True)
    partner = models.ForeignKey("partners.Partner", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    action = models.CharField(max_length=32, choices=Action.choices)
    ip = models.CharField(max_length=45, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("감사 로그")
        verbose_name_plural = _("감사 로그")
        # The table it had in partners: moving the model moved no row (audit/migrations/0001).
        db_table = "partners_auditevent"
        ordering = ["-id"]
        indexes = [models.Index(fields=["partner", "-id"], name="partners_audit_partner_recent")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_action_display()} {self.actor_email}"
