"""Partner reads."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from bizshop.accounts.models import User
from bizshop.audit.models import AuditEvent
from bizshop.partners.models import ApiKey, Invitation, Member, Partner, PartnerChange
from bizshop.partners.withdrawal import withdrawal_blockers


def partner_for_user(*, user: User) -> Partner | None:
    """The active partner a signed-in user is a member of, if any."""
    if not user.is_authenticated:
        return None
    membership = Member.objects.select_related("partner").filter(user=user).first()
    if membership is None or membership.partner.status != Partner.Status.ACTIVE:
        return None
    return membership.partner


def partner_of_member(user: User) -> Partner | None:
    """The partner the user is a member of, whatever its status (the audit log's lookup)."""
    membership = Member.objects.select_related("partner").filter(user=user).first()
    return membership.partner if membership else None


def membership_for_user(*, user: User) -> Member | None:
    """The user's membership of an active partner, if any."""
    if not user.is_authenticated:
        return None
    return Member.objects.select_related("partner").filter(user=user, partner__status=Partner.Status.ACTIVE).first()


def member_list(*, partner: Partner) -> QuerySet[Member]:
    return Member.objects.filter(partner=partner).select_related("user").order_by("-role", "created_at", "pk")


def invitation_open_list(*, partner: Partner) -> QuerySet[Invitation]:
    from django.utils import timezone

    return Invitation.objects.filter(
        partner=partner, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).order_by("-pk")


def api_key_list(*, partner: Partner) -> QuerySet[ApiKey]:
    return ApiKey.objects.filter(partner=partner).select_related("created_by").order_by("revoked_at", "-pk")


def api_key_live_list_made_by(*, partner: Partner, user: User) -> QuerySet[ApiKey]:
    """The partner's keys this member made that still work: removing the member revokes them."""
    return ApiKey.objects.filter(partner=partner, created_by=user, revoked_at__isnull=True).order_by("-pk")


def partner_change_list(*, partner: Partner) -> QuerySet[PartnerChange]:
    return PartnerChange.objects.filter(partner=partner).select_related("changed_by").order_by("-pk")


def audit_event_list(*, partner: Partner) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(partner=partner).order_by("-pk")


def partner_withdrawal_blockers(*, partner: Partner) -> list[dict[str, Any]]:
    """Why the partner cannot withdraw now: ``[{"code", "order_ids"}]``, empty when it can.

    Each app names its own reasons (``partners.withdrawal``):
    - pending_deposit: a virtual account awaits its deposit (입금대기);
    - unissued_codes: a paid order has units not yet issued, or a tranche is still being created;
    - refund_in_progress: a refund awaits the operator's bank transfer.
    """
    return withdrawal_blockers(partner)
