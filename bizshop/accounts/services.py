"""Account writes: end users are users without a partner membership."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from bizshop.accounts import errors
from bizshop.accounts.models import ApiToken, PolicyAcceptance, User
from bizshop.accounts.policies import PolicyVersion, policies_in_force
from bizshop.accounts.selectors import user_is_end_user
from bizshop.accounts.tokens import email_verification_token
from bizshop.audit.services import audit_record

# A password this old is worth changing: the member is asked at sign-in (비밀번호 변경 안내),
# and 나중에 변경하기 puts the question off as long again.
PASSWORD_PROMPT_AGE = timedelta(days=90)

# End-user API tokens: short-lived, so a leaked one is of little use; clients sign in again.
API_TOKEN_LIFETIME = timedelta(hours=1)
API_TOKEN_PREFIX = "eut_"  # tells an end-user token from a partner API key in the same Bearer header


def user_create(*, email: str, password: str, name: str = "", email_verified: bool = True) -> User:
    """A new account. ``email_verified=False`` for self sign-ups: they verify their address by the
    link ``email_verification_send`` mails before they can register a code."""
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise errors.INVALID_EMAIL() from exc
    candidate = User(email=email, name=name)
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        raise errors.WEAK_PASSWORD(problems=list(exc.messages)) from exc
    if User.objects.filter(email__iexact=email).exists():
        raise errors.EMAIL_TAKEN()
    try:
        with transaction.atomic():
            return User.objects.create_user(email=email, password=password, name=name, email_verified=email_verified)
    except IntegrityError as exc:  # lost a race with another sign-up of the same address
        raise errors.EMAIL_TAKEN() from exc


@transaction.atomic
def end_user_signup(*, email: str, password: str, terms_agreed: bool, privacy_agreed: bool, client_ip: str) -> User:
    """회원가입 of an end user in the portal: consent to both policies first, then the account
    (unverified: ``email_verification_send``) and the versions it agreed to."""
    policies_consent_check(terms=terms_agreed, privacy=privacy_agreed)
    user = user_create(email=email, password=password, email_verified=False)
    policies_accept(user=user, client_ip=client_ip, terms=terms_agreed, privacy=privacy_agreed)
    return user


def email_verification_send(*, user: User) -> None:
    """Mail the account its verification link (이메일 인증), once the transaction commits."""
    context = {
        "user": user,
        "site_url": settings.SITE_URL,  # never the request's Host header
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": email_verification_token.make_token(user),
    }
    subject = render_to_string("accounts/verify_email_subject.txt", context).strip()
    body = render_to_string("accounts/verify_email.txt", context)
    address = user.email
    transaction.on_commit(lambda: send_mail(subject, body, None, [address]))


def email_verification_resend(*, user: User, client_ip: str) -> None:
    """Mail the link again; counted with the password-reset e-mails (``password_reset_throttle``),
    the same per-address and per-IP limits on mail that anyone can make the shop send."""
    if user.email_verified:
        return
    password_reset_throttle(email=user.email, client_ip=client_ip)
    email_verification_send(user=user)


def user_email_verify(*, uidb64: str, token: str) -> User | None:
    """The account whose verification link this is, now verified; None for a broken or expired link."""
    try:
        user = User.objects.get(pk=int(urlsafe_base64_decode(uidb64).decode()))
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        return None
    if not email_verification_token.check_token(user, token):
        return None
    User.objects.filter(pk=user.pk, email_verified=False).update(email_verified=True)
    user.email_verified = True
    return user


def login_throttle_check(*, email: str, client_ip: str, **audit_data: Any) -> None:
    """Refuse a login attempt while the account or the IP has failed too often (``throttle``)."""
    from bizshop.accounts import throttle

    wait = throttle.retry_after(email=email, client_ip=client_ip)
    if wait is not None:
        _audit("login_throttled", email=email, client_ip=client_ip, **audit_data)
        raise errors.TOO_MANY_LOGIN_ATTEMPTS(
            errors.TOO_MANY_LOGIN_ATTEMPTS.message % {"minutes": _minutes(wait)}, retry_after=wait
        )


def password_reset_throttle(*, email: str, client_ip: str) -> None:
    """Count a request for a reset e-mail, or refuse it when the address or the IP asked too often.

    Every request counts, for addresses with and without an account alike, so a refusal says
    nothing about whether the address is registered."""
    from bizshop.accounts import throttle

    wait = throttle.password_reset_take(email=email, client_ip=client_ip)
    if wait is not None:
        raise errors.TOO_MANY_PASSWORD_RESETS(
            errors.TOO_MANY_PASSWORD_RESETS.message % {"minutes": _minutes(wait)}, retry_after=wait
        )


def _minutes(seconds: int) -> int:
    return max(1, -(-seconds // 60))


def login_attempt_begin(*, email: str, client_ip: str, **audit_data: Any) -> None:
    """Count a sign-in attempt before its password is checked (``throttle.attempt_begin``), or
    refuse it with 429 while the account or the IP is at its limit."""
    from bizshop.accounts import throttle

    wait = throttle.attempt_begin(email=email, client_ip=client_ip)
    if wait is not None:
        _audit("login_throttled", email=email, client_ip=client_ip, **audit_data)
        raise errors.TOO_MANY_LOGIN_ATTEMPTS(
            errors.TOO_MANY_LOGIN_ATTEMPTS.message % {"minutes": _minutes(wait)}, retry_after=wait
        )


def login_attempt_failed(*, email: str, client_ip: str, **audit_data: Any) -> None:
    """The attempt begun by ``login_attempt_begin`` failed: it stays counted; audited."""
    _audit("login_failed", email=email, client_ip=client_ip, **audit_data)


def login_failure_record(*, email: str, client_ip: str, **audit_data: Any) -> None:
    from bizshop.accounts import throttle

    throttle.record_failure(email=email, client_ip=client_ip)
    _audit("login_failed", email=email, client_ip=client_ip, **audit_data)


def end_user_sign_in(*, email: str, password: str, client_ip: str, channel: str) -> User:
    """An end user's e-mail and password, checked in the portal login's throttle windows.

    ``channel`` (``http_basic``, ``api_token``) is written to the audit log. Refused: while the
    account or the IP is over its limit (429, before the password is looked at); for a wrong
    password; and for accounts that are not end users (partner members, operators), answered
    exactly like a wrong password and counted as a failure, so these channels reveal nothing
    about such accounts and cannot be used to guess their passwords.
    """
    from bizshop.accounts import throttle

    login_attempt_begin(email=email, client_ip=client_ip, channel=channel)
    user = authenticate(username=email, password=password)
    if user is None or not isinstance(user, User) or not user_is_end_user(user=user):
        reason = "wrong_credentials" if user is None else "not_an_end_user"
        login_attempt_failed(email=email, client_ip=client_ip, channel=channel, reason=reason)
        raise errors.INVALID_CREDENTIALS()
    throttle.attempt_succeeded(email=email, client_ip=client_ip)
    return user


@dataclass(frozen=True)
class IssuedApiToken:
    token: ApiToken
    raw_token: str  # shown once, to the client that signed in; only its hash is kept


def _token_hash(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode()).hexdigest()


def api_token_issue(*, email: str, password: str, client_ip: str) -> IssuedApiToken:
    """Sign an end user in and give the client a token for the end-user API (audited as a login)."""
    user = end_user_sign_in(email=email, password=password, client_ip=client_ip, channel="api_token")
    now = timezone.now()
    raw_token = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        # The user's tokens expired a day ago or more are of no use to anyone: dropped here.
        ApiToken.objects.filter(user=user, expires_at__lt=now - timedelta(days=1)).delete()
        token = ApiToken.objects.create(
            user=user, token_hash=_token_hash(raw_token), created_at=now, expires_at=now + API_TOKEN_LIFETIME
        )
    _audit("login", email=user.email, client_ip=client_ip, user=user, channel="api_token")
    return IssuedApiToken(token=token, raw_token=raw_token)


def api_token_authenticate(*, raw_token: str) -> ApiToken | None:
    """The live token (with its user) for ``raw_token``; None if unknown, expired, revoked, or its
    user is inactive or no longer an end user. One indexed query, no password hash."""
    return (
        ApiToken.objects.select_related("user")
        .filter(
            token_hash=_token_hash(raw_token),
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
            user__is_active=True,
            user__is_staff=False,
            user__is_superuser=False,
            user__membership__isnull=True,
        )
        .first()
    )


def api_token_revoke(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def api_tokens_revoke_for_user(*, user: User) -> int:
    """Every live token of the user stops working (a password reset does this)."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=timezone.now()).update(
        revoked_at=timezone.now()
    )


def login_success_record(*, user: User, client_ip: str) -> None:
    """The attempt begun by ``login_attempt_begin`` signed ``user`` in."""
    from bizshop.accounts import throttle

    throttle.attempt_succeeded(email=user.email, client_ip=client_ip)
    _audit("login", email=user.email, client_ip=client_ip, user=user)


def password_reset_record(*, user: User, client_ip: str) -> None:
    """A password was reset by its e-mailed link: the account's failed-login count starts afresh,
    the address is verified (the link reached it, as a verification link would have), and the
    password's age starts again."""
    from bizshop.accounts import throttle

    throttle.reset_account(email=user.email)
    api_tokens_revoke_for_user(user=user)
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now(), password_prompt_deferred_until=None)
    User.objects.filter(pk=user.pk, email_verified=False).update(email_verified=True)
    _audit("password_reset", email=user.email, client_ip=client_ip, user=user)


def password_change(*, user: User, current_password: str, new_password: str, client_ip: str) -> None:
    """비밀번호 변경 while signed in: the current password first, then the shop's policy.

    The current password is a login: it counts in the login windows before it is checked, so a
    stolen session cannot be used to guess it. A change ends the user's other sessions (Django
    keeps a hash of the password in each session; the caller keeps its own one with
    ``update_session_auth_hash``) and revokes their end-user API tokens, as a reset does.
    """
    from bizshop.accounts import throttle

    login_attempt_begin(email=user.email, client_ip=client_ip, channel="password_change")
    if not user.check_password(current_password):
        login_attempt_failed(email=user.email, client_ip=client_ip, channel="password_change")
        raise errors.WRONG_CURRENT_PASSWORD()
    throttle.attempt_succeeded(email=user.email, client_ip=client_ip)
    if new_password == current_password:
        raise errors.PASSWORD_UNCHANGED()
    try:
        validate_password(new_password, user=user)
    except ValidationError as exc:
        raise errors.WEAK_PASSWORD(problems=list(exc.messages)) from exc
    with transaction.atomic():
        user.set_password(new_password)
        user.password_changed_at = timezone.now()
        user.password_prompt_deferred_until = None
        user.save(update_fields=["password", "password_changed_at", "password_prompt_deferred_until"])
        api_tokens_revoke_for_user(user=user)


def password_change_due(*, user: User) -> bool:
    """The sign-in should ask the user to change a password over 90 days old (not deferred)."""
    now = timezone.now()
    if user.password_prompt_deferred_until is not None and now < user.password_prompt_deferred_until:
        return False
    return user.has_usable_password() and now - user.password_changed_at >= PASSWORD_PROMPT_AGE


def password_prompt_defer(*, user: User) -> None:
    """나중에 변경하기: the question comes back after another 90 days."""
    user.password_prompt_deferred_until = timezone.now() + PASSWORD_PROMPT_AGE
    user.save(update_fields=["password_prompt_deferred_until"])


def policies_consent_check(*, terms: bool, privacy: bool) -> None:
    """Both documents must be agreed to; ``missing`` names the ones that were not."""
    missing = [document for document, agreed in (("terms", terms), ("privacy", privacy)) if not agreed]
    if missing:
        raise errors.POLICIES_NOT_ACCEPTED(missing=missing)


def policies_accept(
    *, user: User, client_ip: str, terms: bool, privacy: bool, versions: list[PolicyVersion] | None = None
) -> list[PolicyAcceptance]:
    """Consent (동의) to the versions in force (or ``versions``, those shown) of 이용약관 and
    개인정보처리방침, both required; recorded with who, which document, which version, when and
    from where. Accepting a version again changes nothing (the first acceptance stands)."""
    policies_consent_check(terms=terms, privacy=privacy)
    now = timezone.now()
    rows = [
        PolicyAcceptance(
            user=user, document=policy.document, version=policy.version, accepted_at=now, ip=client_ip[:45]
        )
        for policy in (versions if versions is not None else policies_in_force(at=now))
    ]
    PolicyAcceptance.objects.bulk_create(rows, ignore_conflicts=True)
    return rows


def _audit(action: str, *, email: str, client_ip: str, user: User | None = None, **data: Any) -> None:
    if user is None:
        user = User.objects.filter(email__iexact=email.strip()).first()
    audit_record(action=action, actor=user, ip=client_ip, actor_email=email.strip().lower()[:254], **data)
