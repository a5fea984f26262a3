"""The user model: e-mail is the login for partner members, end users and operators alike."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username: str | None) -> User:
        # E-mails are stored lower-cased; people type them however they like.
        return self.get(email__iexact=(username or "").strip())

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("이메일"), max_length=254, unique=True)
    name = models.CharField(_("이름"), max_length=100, blank=True)
    is_active = models.BooleanField(_("활성"), default=True)
    is_staff = models.BooleanField(_("운영자"), default=False)
    # False only for an end user who signed up by themselves and has not yet opened the link of
    # the verification e-mail; accounts made otherwise (partners, operators, create_end_user) are
    # vouched for, so the default is True. A code is registered only on a verified account.
    email_verified = models.BooleanField(_("이메일 인증"), default=True)
    date_joined = models.DateTimeField(_("가입일"), default=timezone.now)
    # When the password was last set (services.password_change, a reset by e-mail, sign-up): after
    # 90 days the member is asked at sign-in to change it (비밀번호 변경 안내) …
    password_changed_at = models.DateTimeField(_("비밀번호 변경일"), default=timezone.now)
    # … unless they chose 나중에 변경하기, which puts the question off until this time.
    password_prompt_deferred_until = models.DateTimeField(_("비밀번호 변경 안내 연기"), null=True, blank=True)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("사용자")
        verbose_name_plural = _("사용자")
        constraints = [models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique")]

    def __str__(self) -> str:
        return self.email


class ApiToken(models.Model):
    """An end user's API token (앱 토큰): issued by signing in with e-mail and password, short-lived,
    revocable; the cheap alternative to HTTP Basic, which hashes the password on every request.

    Only the token's SHA-256 is stored: tokens are 256 random bits, so a fast hash is enough and a
    database dump gives nobody a usable token.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API 토큰")
        verbose_name_plural = _("API 토큰")
        indexes = [models.Index(fields=["user", "expires_at"], name="accounts_token_user_expiry")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d %H:%M}"


class PolicyAcceptance(models.Model):
    """One user's consent to one version of a policy document (이용약관 or 개인정보처리방침), with
    when and from where; the documents and their versions are in ``accounts.policies``."""

    class Document(models.TextChoices):
        TERMS = "terms", _("이용약관")
        PRIVACY = "privacy", _("개인정보처리방침")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="policy_acceptances")
    document = models.CharField(_("문서"), max_length=20, choices=Document.choices)
    version = models.CharField(_("버전"), max_length=20)
    accepted_at = models.DateTimeField(_("동의 시각"), default=timezone.now)
    ip = models.CharField(_("IP"), max_length=45, blank=True)

    class Meta:
        verbose_name = _("약관 동의")
        verbose_name_plural = _("약관 동의")
        constraints = [
            models.UniqueConstraint(fields=["user", "document", "version"], name="accounts_policy_acceptance_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.document} {self.version}"
