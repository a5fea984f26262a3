"""Writing the audit log: ``audit_record``, called by accounts and partners alike."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bizshop.accounts.models import User
from bizshop.audit.models import AuditEvent

# Which partner a user acts for when the caller does not say. Partners answers it (it registers
# its lookup in its AppConfig.ready): the audit log sits below partners and must not import it.
_partner_of_actor: Callable[[User], Any] = lambda actor: None  # noqa: E731


def partner_of_actor_register(lookup: Callable[[User], Any]) -> None:
    """Partners tells the audit log how to find the partner a user is a member of."""
    global _partner_of_actor
    _partner_of_actor = lookup


def audit_record(
    *,
    action: str,
    actor: User | None = None,
    partner: Any = None,  # a partners.Partner, by name: the audit log does not import partners
    ip: str = "",
    actor_email: str = "",
    **data: Any,
) -> AuditEvent:
    """Append one security-relevant action to the audit log (감사 로그)."""
    if partner is None and actor is not None:
        partner = _partner_of_actor(actor)
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        actor_email=actor_email or (actor.email if actor else ""),
        partner=partner,
        ip=ip[:45],
        data=data,
    )
