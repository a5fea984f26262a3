"""The policy documents (이용약관, 개인정보처리방침): their versions, which one is in force, and the
ones a user has yet to accept. Versions and texts are settings ``POLICY_VERSIONS`` + templates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from bizshop.accounts.models import PolicyAcceptance, User

Document = PolicyAcceptance.Document


@dataclass(frozen=True)
class PolicyVersion:
    document: str  # a PolicyAcceptance.Document value
    version: str
    effective: date  # the day (KST) from which it is in force
    template: str  # its text

    @property
    def title(self) -> str:
        return str(Document(self.document).label)


def policy_versions(*, document: str) -> list[PolicyVersion]:
    """Every version of the document, newest first (those not yet in force included)."""
    versions = [
        PolicyVersion(
            document=document,
            version=entry["version"],
            effective=date.fromisoformat(entry["effective"]),
            template=entry["template"],
        )
        for entry in settings.POLICY_VERSIONS[document]
    ]
    return sorted(versions, key=lambda version: version.effective, reverse=True)


def _today(at: datetime | None) -> date:
    return timezone.localdate(at or timezone.now())


def policy_in_force(*, document: str, at: datetime | None = None) -> PolicyVersion:
    """The version in force at ``at`` (now): the newest whose day has come."""
    today = _today(at)
    in_force = next((version for version in policy_versions(document=document) if version.effective <= today), None)
    if in_force is None:
        raise ImproperlyConfigured(f"POLICY_VERSIONS[{document!r}] has no version in force on {today}")
    return in_force


def policy_upcoming(*, document: str, at: datetime | None = None) -> PolicyVersion | None:
    """A version announced but not yet in force (shown above the text in force), if any."""
    today = _today(at)
    upcoming = [version for version in policy_versions(document=document) if version.effective > today]
    return upcoming[-1] if upcoming else None


def policy_version(*, document: str, version: str) -> PolicyVersion | None:
    return next((found for found in policy_versions(document=document) if found.version == version), None)


def policies_in_force(*, at: datetime | None = None) -> list[PolicyVersion]:
    return [policy_in_force(document=document, at=at) for document in Document.values]


def policies_to_accept(*, user: User, at: datetime | None = None) -> list[PolicyVersion]:
    """The versions in force the user has not accepted (empty: nothing to ask). One query."""
    in_force = policies_in_force(at=at)
    accepted = set(
        PolicyAcceptance.objects.filter(user=user, version__in={policy.version for policy in in_force}).values_list(
            "document", "version"
        )
    )
    return [policy for policy in in_force if (policy.document, policy.version) not in accepted]
