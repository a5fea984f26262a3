"""Account writes: end users are users without a partner membership."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from bizshop.accounts import errors
from bizshop.accounts.models import User


def user_create(*, email: str, password: str, name: str = "") -> User:
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
            return User.objects.create_user(email=email, password=password, name=name)
    except IntegrityError as exc:  # lost a race with another sign-up of the same address
        raise errors.EMAIL_TAKEN() from exc


def login_throttle_check(*, email: str, client_ip: str) -> None:
    """Refuse a login attempt while the account or the IP has failed too often (``throttle``)."""
    from bizshop.accounts import throttle

    wait = throttle.retry_after(email=email, client_ip=client_ip)
    if wait is not None:
        _audit("login_throttled", email=email, client_ip=client_ip)
        minutes = max(1, -(-wait // 60))
        raise errors.TOO_MANY_LOGIN_ATTEMPTS(
            errors.TOO_MANY_LOGIN_ATTEMPTS.message % {"minutes": minutes}, retry_after=wait
        )


def login_failure_record(*, email: str, client_ip: str) -> None:
    from bizshop.accounts import throttle

    throttle.record_failure(email=email, client_ip=client_ip)
    _audit("login_failed", email=email, client_ip=client_ip)


def login_success_record(*, user: User, client_ip: str) -> None:
    from bizshop.accounts import throttle

    throttle.reset_account(email=user.email)
    _audit("login", email=user.email, client_ip=client_ip, user=user)


def password_reset_record(*, user: User, client_ip: str) -> None:
    """A password was reset by its e-mailed link: the account's failed-login count starts afresh."""
    from bizshop.accounts import throttle

    throttle.reset_account(email=user.email)
    _audit("password_reset", email=user.email, client_ip=client_ip, user=user)


def _audit(action: str, *, email: str, client_ip: str, user: User | None = None) -> None:
    # The audit log lives with the partners (who mostly need it); imported here, not at module
    # level, because partners builds on accounts.
    from bizshop.partners.services import audit_record

    if user is None:
        user = User.objects.filter(email__iexact=email.strip()).first()
    audit_record(action=action, actor=user, ip=client_ip, actor_email=email.strip().lower()[:254])
