"""Partner writes: sign-up, partner info, members and invitations, API keys, withdrawal, audit log."""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.kr import brn

from bizshop.accounts import errors as account_errors
from bizshop.accounts.models import User
from bizshop.accounts.services import user_create
from bizshop.audit.models import AuditEvent
from bizshop.audit.services import audit_record
from bizshop.partners import errors
from bizshop.partners.models import (
    ApiKey,
    Invitation,
    Member,
    Partner,
    PartnerChange,
    TermsAgreement,
)
from bizshop.partners.withdrawal import withdrawal_blockers, withdrawal_lock, withdrawal_purge

logger = logging.getLogger(__name__)

API_KEY_PREFIX = "bzs_"
# Writing last_used_at on every request would make each API call a write: once a minute is enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)
# What a key may be limited to; a key with no scopes may do everything (keys made before scopes).
API_KEY_SCOPES = ("orders", "codes", "invoices", "webhooks", "partner")
INVITATION_VALID_FOR = timedelta(days=7)
# Business details whose edits are kept in the change history (파트너정보 변경 이력).
EDITABLE_FIELDS = ("name", "representative", "address", "contact_name", "contact_phone", "invoice_email")


# Weights of the 사업자등록번호 check digit (국세청 rule); python-stdnum's kr.brn checks only the shape.
BRN_WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)


def _brn_check_digit(number: str) -> int:
    digits = [int(d) for d in number[:9]]
    total = sum(d * w for d, w in zip(digits, BRN_WEIGHTS, strict=True)) + digits[8] * 5 // 10
    return (10 - total % 10) % 10


def normalize_brn(value: str) -> str:
    """사업자등록번호 → 10 digits: shape by python-stdnum ``kr.brn``, then the check digit."""
    try:
        number = str(brn.validate(value))
    except StdnumValidationError as exc:
        raise errors.INVALID_BRN(value=value) from exc
    if _brn_check_digit(number) != int(number[9]):
        raise errors.INVALID_BRN(value=value)
    return number


def _clean_email(value: str) -> str:
    email = value.strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise account_errors.INVALID_EMAIL() from exc
    return email


@transaction.atomic
def partner_create(
    *,
    name: str,
    business_registration_number: str,
    representative: str,
    invoice_email: str,
    owner_email: str,
    owner_password: str,
    address: str = "",
    contact_name: str = "",
    contact_phone: str = "",
) -> Partner:
    number = normalize_brn(business_registration_number)
    if not name.strip() or not representative.strip():
        raise errors.INVALID_PARTNER(fields=["name", "representative"])
    invoice_email = _clean_email(invoice_email)
    if Partner.objects.filter(business_registration_number=number, status=Partner.Status.ACTIVE).exists():
        raise errors.BRN_TAKEN()
    try:
        with transaction.atomic():
            partner = Partner.objects.create(
                name=name.strip(),
                business_registration_number=number,
                representative=representative.strip(),
                address=address.strip(),
                invoice_email=invoice_email,
                contact_name=contact_name.strip(),
                contact_phone=contact_phone.strip(),
            )
    except IntegrityError as exc:  # another sign-up of the same number committed first
        raise errors.BRN_TAKEN() from exc
    owner = user_create(email=owner_email, password=owner_password, name=contact_name.strip() or representative)
    Member.objects.create(user=owner, partner=partner, role=Member.Role.OWNER)
    return partner


@transaction.atomic
def partner_signup(
    *,
    name: str,
    business_registration_number: str,
    representative: str,
    address: str,
    contact_name: str,
    contact_phone: str,
    invoice_email: str,
    owner_email: str,
    owner_password: str,
    terms_agreed: bool,
    privacy_agreed: bool,
    ip: str = "",
) -> Partner:
    """Portal sign-up (파트너 가입): the company, its first member as owner, and the versions in
    force of 이용약관 and 개인정보처리방침 agreed to (accounts records them, as for every user)."""
    from bizshop.accounts.policies import policy_in_force
    from bizshop.accounts.services import policies_accept, policies_consent_check

    terms_version = policy_in_force(document="terms").version
    if not terms_agreed:
        raise errors.TERMS_NOT_AGREED(terms_version=terms_version)
    policies_consent_check(terms=terms_agreed, privacy=privacy_agreed)
    partner = partner_create(
        name=name,
        business_registration_number=business_registration_number,
        representative=representative,
        invoice_email=invoice_email,
        owner_email=owner_email,
        owner_password=owner_password,
        address=address,
        contact_name=contact_name,
        contact_phone=contact_phone,
    )
    owner = partner.members.get().user
    TermsAgreement.objects.create(
        partner=partner, user=owner, terms_version=terms_version, agreed_at=timezone.now(), ip=ip[:45]
    )
    policies_accept(user=owner, client_ip=ip, terms=terms_agreed, privacy=privacy_agreed)
    audit_record(action=AuditEvent.Action.PARTNER_SIGNUP, actor=owner, partner=partner, ip=ip, terms=terms_version)
    return partner


def _require_owner(*, partner: Partner, user: User) -> Member:
    """The user's owner membership of this partner; members (and strangers) are refused."""
    membership = Member.objects.filter(user=user, partner=partner).first()
    if membership is None or membership.role != Member.Role.OWNER:
        raise errors.OWNER_REQUIRED()
    return membership


@transaction.atomic
def partner_update(*, partner: Partner, user: User, ip: str = "", **fields: str) -> Partner:
    """Owners edit the business details; every change is kept with its before and after."""
    _require_owner(partner=partner, user=user)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise errors.INVALID_PARTNER(fields=sorted(unknown))
    locked = Partner.objects.select_for_update().get(pk=partner.pk)
    cleaned = {name: str(value).strip() for name, value in fields.items()}
    if "invoice_email" in cleaned:
        cleaned["invoice_email"] = _clean_email(cleaned["invoice_email"])
    empty = [name for name in ("name", "representative") if name in cleaned and not cleaned[name]]
    if empty:
        raise errors.INVALID_PARTNER(fields=empty)
    changed = {name: value for name, value in cleaned.items() if getattr(locked, name) != value}
    if not changed:
        return locked
    before = {name: getattr(locked, name) for name in changed}
    for name, value in changed.items():
        setattr(locked, name, value)
    locked.save(update_fields=list(changed))
    PartnerChange.objects.create(partner=locked, changed_by=user, before=before, after=changed)
    audit_record(action=AuditEvent.Action.PARTNER_UPDATED, actor=user, partner=locked, ip=ip, fields=sorted(changed))
    return locked


# --- members and invitations ---------------------------------------------------------------


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class SentInvitation:
    invitation: Invitation
    raw_token: str  # only in the e-mailed link, never stored


def invitation_url(raw_token: str) -> str:
    from django.urls import reverse

    return settings.SITE_URL + reverse("partners:invitation-accept", kwargs={"token": raw_token})


@transaction.atomic
def member_invite(
    *, partner: Partner, user: User, email: str, role: str = Member.Role.MEMBER, ip: str = ""
) -> SentInvitation:
    """An owner invites someone by e-mail; the link lets them set a password and join."""
    _require_owner(partner=partner, user=user)
    email = _clean_email(email)
    if role not in Member.Role.values:
        raise errors.INVALID_PARTNER(fields=["role"])
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        if Member.objects.filter(user=existing).exists():
            raise errors.ALREADY_A_MEMBER()
        raise account_errors.EMAIL_TAKEN()
    raw_token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        partner=partner,
        email=email,
        role=role,
        token_hash=_hash_token(raw_token),
        invited_by=user,
        expires_at=timezone.now() + INVITATION_VALID_FOR,
    )
    audit_record(action=AuditEvent.Action.MEMBER_INVITED, actor=user, partner=partner, ip=ip, email=email, role=role)
    link = invitation_url(raw_token)
    subject = _("[이모티콘 비즈샵] %(company)s에서 멤버로 초대했습니다") % {"company": partner.name}
    body = _(
        "%(company)s의 %(inviter)s 님이 이모티콘 비즈샵 파트너 멤버로 초대했습니다.\n\n"
        "아래 링크에서 비밀번호를 설정하면 가입이 완료됩니다 (유효기간 %(days)s일).\n%(link)s\n\n"
        "초대받은 적이 없다면 이 메일을 무시해 주세요."
    ) % {"company": partner.name, "inviter": user.email, "days": INVITATION_VALID_FOR.days, "link": link}
    transaction.on_commit(lambda: send_mail(subject, body, None, [email]))
    return SentInvitation(invitation=invitation, raw_token=raw_token)


def invitation_get(*, raw_token: str) -> Invitation:
    """The open invitation of this link; used, revoked, expired or unknown links are all 'invalid'."""
    invitation = (
        Invitation.objects.select_related("partner")
        .filter(
            token_hash=_hash_token(raw_token),
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
            partner__status=Partner.Status.ACTIVE,
        )
        .first()
    )
    if invitation is None:
        raise errors.INVITATION_INVALID()
    return invitation


@transaction.atomic
def invitation_accept(*, raw_token: str, password: str, name: str = "", ip: str = "") -> Member:
    """The invitee sets a password and becomes a member; a link works once."""
    found = invitation_get(raw_token=raw_token)
    invitation = Invitation.objects.select_for_update().get(pk=found.pk)
    if invitation.accepted_at is not None or invitation.revoked_at is not None:
        raise errors.INVITATION_INVALID()
    user = user_create(email=invitation.email, password=password, name=name.strip())
    member = Member.objects.create(user=user, partner=found.partner, role=invitation.role)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    audit_record(action=AuditEvent.Action.MEMBER_JOINED, actor=user, partner=found.partner, ip=ip, role=invitation.role)
    return member


@transaction.atomic
def invitation_revoke(*, partner: Partner, user: User, invitation_id: int, ip: str = "") -> None:
    _require_owner(partner=partner, user=user)
    invitation = Invitation.objects.select_for_update().filter(pk=invitation_id, partner=partner).first()
    if invitation is None:
        raise errors.INVITATION_INVALID()
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit_record(
            action=AuditEvent.Action.INVITATION_REVOKED, actor=user, partner=partner, ip=ip, email=invitation.email
        )


def _lock_members(*, partner: Partner, user: User, member_id: int) -> Member:
    """Membership changes serialise on the partner row, so two owners demoting each other
    at once cannot leave the company without an owner."""
    Partner.objects.select_for_update().filter(pk=partner.pk).first()
    _require_owner(partner=partner, user=user)
    target = Member.objects.select_related("user").filter(pk=member_id, partner=partner).first()
    if target is None:
        raise errors.MEMBER_NOT_FOUND()
    return target


def _is_last_owner(target: Member) -> bool:
    return (
        target.role == Member.Role.OWNER
        and not Member.objects.filter(partner_id=target.partner_id, role=Member.Role.OWNER)
        .exclude(pk=target.pk)
        .exists()
    )


@transaction.atomic
def member_set_role(*, partner: Partner, user: User, member_id: int, role: str, ip: str = "") -> Member:
    target = _lock_members(partner=partner, user=user, member_id=member_id)
    if role not in Member.Role.values:
        raise errors.INVALID_PARTNER(fields=["role"])
    if role == target.role:
        return target
    if role != Member.Role.OWNER and _is_last_owner(target):
        raise errors.LAST_OWNER()
    before = target.role
    target.role = role
    target.save(update_fields=["role"])
    audit_record(
        action=AuditEvent.Action.MEMBER_ROLE_CHANGED,
        actor=user,
        partner=partner,
        ip=ip,
        member=target.user.email,
        before=before,
        after=role,
    )
    return target


@transaction.atomic
def member_remove(*, partner: Partner, user: User, member_id: int, ip: str = "") -> None:
    """Remove a member: the membership goes, the account, which existed for it, is deactivated,
    and the API keys they made are revoked (the keys belong to the partner, but whoever leaves
    must not keep a working credential of it)."""
    target = _lock_members(partner=partner, user=user, member_id=member_id)
    if _is_last_owner(target):
        raise errors.LAST_OWNER()
    removed = target.user
    target.delete()
    removed.is_active = False
    removed.save(update_fields=["is_active"])
    audit_record(action=AuditEvent.Action.MEMBER_REMOVED, actor=user, partner=partner, ip=ip, member=removed.email)
    for api_key in ApiKey.objects.select_related("partner").filter(
        partner=partner, created_by=removed, revoked_at__isnull=True
    ):
        api_key_revoke(api_key=api_key, user=user, ip=ip)


@dataclass(frozen=True)
class IssuedApiKey:
    api_key: ApiKey
    raw_key: str  # shown to the partner once, never stored


def _hash_key(raw_key: str) -> str:
    # The key carries 256 random bits, so a fast hash is as safe as a slow one and keeps lookups cheap.
    return hashlib.sha256(raw_key.encode()).hexdigest()


def api_key_create(
    *,
    user: User,
    name: str = "default",
    scopes: list[str] | None = None,
    partner: Partner | None = None,
    ip: str = "",
) -> IssuedApiKey:
    """A new key of the owner's partner: the raw key is returned once; only its hash is kept."""
    membership = Member.objects.select_related("partner").filter(user=user).first()
    if membership is None or membership.partner.status != Partner.Status.ACTIVE:
        raise errors.NOT_A_MEMBER()
    if partner is not None and membership.partner_id != partner.pk:
        raise errors.NOT_A_MEMBER()
    if membership.role != Member.Role.OWNER:
        raise errors.OWNER_REQUIRED()
    scopes = sorted(set(scopes or []))
    unknown = [scope for scope in scopes if scope not in API_KEY_SCOPES]
    if unknown:
        raise errors.INVALID_SCOPE(scopes=unknown, allowed=list(API_KEY_SCOPES))
    name = name.strip()[:100] or "default"
    prefix = secrets.token_hex(4)
    raw_key = f"{API_KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    api_key = ApiKey.objects.create(
        partner=membership.partner,
        created_by=user,
        name=name,
        prefix=prefix,
        key_hash=_hash_key(raw_key),
        scopes=scopes,
    )
    audit_record(
        action=AuditEvent.Action.API_KEY_CREATED,
        actor=user,
        partner=membership.partner,
        ip=ip,
        key=prefix,
        name=name,
        scopes=scopes,
    )
    return IssuedApiKey(api_key=api_key, raw_key=raw_key)


def api_key_authenticate(*, raw_key: str) -> ApiKey | None:
    """The live key of an active partner matching ``raw_key``, else None."""
    if not raw_key.startswith(API_KEY_PREFIX):
        return None
    api_key = (
        ApiKey.objects.select_related("partner", "created_by")
        .filter(key_hash=_hash_key(raw_key), revoked_at__isnull=True, partner__status=Partner.Status.ACTIVE)
        .first()
    )
    if api_key is None:
        return None
    now = timezone.now()
    if api_key.last_used_at is None or now - api_key.last_used_at > LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now
    return api_key


def api_key_revoke(*, api_key: ApiKey, user: User | None = None, ip: str = "") -> None:
    """Revoke a key: it is refused from the next request on (authentication reads the row each time)."""
    revoked = ApiKey.objects.filter(pk=api_key.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    if revoked:
        audit_record(
            action=AuditEvent.Action.API_KEY_REVOKED,
            actor=user,
            partner=api_key.partner,
            ip=ip,
            key=api_key.prefix,
            name=api_key.name,
        )


def api_key_revoke_for_partner(*, partner: Partner, user: User, key_id: int, ip: str = "") -> None:
    """Portal: an owner revokes one of the partner's keys; another partner's key is 'not found'."""
    _require_owner(partner=partner, user=user)
    api_key = ApiKey.objects.select_related("partner").filter(pk=key_id, partner=partner).first()
    if api_key is None:
        raise errors.API_KEY_NOT_FOUND()
    api_key_revoke(api_key=api_key, user=user, ip=ip)


# --- withdrawal (탈퇴) ----------------------------------------------------------------------


@transaction.atomic
def _withdraw_locked(*, partner: Partner, user: User, ip: str) -> list[dict[str, Any]]:
    """Withdraw under the partner's row lock and the locks each app takes for its own rows;
    returns the blocking reasons instead when there are any (and then changes nothing).

    Each app answers for its own rows (``partners.withdrawal``): billing deletes the purchase
    history but keeps every payment that took money as a tax record, codes deletes the code
    files, webhooks disables the endpoints, invoices keeps everything. The partner row stays,
    withdrawn, never active again: no one can sign in to see what is left, a re-sign-up of
    the same number is a new partner, and the month's run invoices the payments still
    awaiting it to the company as it was at withdrawal.
    """
    actor_email = user.email
    # FOR NO KEY UPDATE: it still orders withdrawals and membership changes, but lets a payment
    # that already holds its order's lock insert its row (whose partner key takes a KEY SHARE
    # lock on this row) and commit; a plain FOR UPDATE would deadlock with it.
    locked = Partner.objects.select_for_update(no_key=True).get(pk=partner.pk)
    if locked.status != Partner.Status.ACTIVE:
        raise errors.NOT_A_MEMBER()
    _require_owner(partner=locked, user=user)  # again, under the lock: roles may have changed
    withdrawal_lock(locked)
    reasons = withdrawal_blockers(locked)
    if reasons:
        return reasons
    purged = withdrawal_purge(locked)

    now = timezone.now()
    ApiKey.objects.filter(partner=locked, revoked_at__isnull=True).update(revoked_at=now)
    Invitation.objects.filter(partner=locked, accepted_at__isnull=True, revoked_at__isnull=True).update(revoked_at=now)
    member_emails = []
    for member in Member.objects.select_related("user").filter(partner=locked):
        account = member.user
        member_emails.append(account.email)
        # Deactivated, and the address released so the same people can sign up the company again.
        account.is_active = False
        account.email = f"withdrawn-{account.pk}@withdrawn.invalid"
        account.set_unusable_password()
        account.save(update_fields=["is_active", "email", "password"])
    locked.status = Partner.Status.WITHDRAWN
    locked.withdrawn_at = now
    locked.save(update_fields=["status", "withdrawn_at"])
    audit_record(
        action=AuditEvent.Action.WITHDRAWN,
        actor=user,
        actor_email=actor_email,
        partner=locked,
        ip=ip,
        members=member_emails,
        **purged,
    )
    return []


def partner_withdraw(*, partner: Partner, user: User, password: str, ip: str = "") -> None:
    """탈퇴: refused while a deposit is pending, paid codes are unissued or a refund is running;
    otherwise members are deactivated, keys revoked and the purchase history deleted for good,
    while the codes already issued stay registrable by end users."""
    from bizshop.accounts import throttle
    from bizshop.accounts.services import login_attempt_begin, login_attempt_failed

    actor_email = user.email
    _require_owner(partner=partner, user=user)
    # The confirmation password is a login: it counts in the same windows, before it is checked
    # (so parallel guesses get no more checks than the limit), and a stolen session or key
    # cannot be used to guess it.
    login_attempt_begin(email=actor_email, client_ip=ip, channel="withdrawal")
    if not user.check_password(password):
        login_attempt_failed(email=actor_email, client_ip=ip, channel="withdrawal")
        raise errors.INVALID_PASSWORD()
    throttle.attempt_succeeded(email=actor_email, client_ip=ip)
    reasons = _withdraw_locked(partner=partner, user=user, ip=ip)
    if reasons:
        # Recorded after the rollback of the attempt, so the refusal stays in the log.
        audit_record(
            action=AuditEvent.Action.WITHDRAWAL_REFUSED,
            actor=user,
            actor_email=actor_email,
            partner=partner,
            ip=ip,
            reasons=[reason["code"] for reason in reasons],
        )
        raise errors.WITHDRAWAL_BLOCKED(reasons=reasons)
