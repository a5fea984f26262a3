"""The partner's text with its placeholders, and the e-mail made of it (HTML and plain text)."""

from __future__ import annotations

import string
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from bizshop.campaigns import errors

PLACEHOLDERS = ("name", "title", "code", "period_days", "deadline", "registration_url")


def template_check(template: str) -> None:
    """``unknown_placeholder`` for any ``{…}`` not in PLACEHOLDERS (attribute or index access included)."""
    try:
        fields = [field for _, field, _, _ in string.Formatter().parse(template) if field is not None]
    except ValueError as exc:
        raise errors.INVALID_TEMPLATE() from exc
    unknown = sorted({field for field in fields if field not in PLACEHOLDERS})
    if unknown:
        raise errors.UNKNOWN_PLACEHOLDER(placeholders=unknown, allowed=list(PLACEHOLDERS))
    for _, field, spec, _ in string.Formatter().parse(template):
        if field is not None and spec:
            raise errors.UNKNOWN_PLACEHOLDER(placeholders=[f"{field}:{spec}"], allowed=list(PLACEHOLDERS))


@dataclass(frozen=True)
class Values:
    name: str
    title: str
    code: str
    period_days: int
    deadline: Any  # datetime
    registration_url: str

    def as_dict(self) -> dict[str, str]:
        return {
            "name": self.name,
            "title": self.title,
            "code": self.code,
            "period_days": str(self.period_days),
            "deadline": timezone.localtime(self.deadline).strftime("%Y-%m-%d %H:%M"),
            "registration_url": self.registration_url,
        }


def render(template: str, values: Values) -> str:
    return template.format_map(values.as_dict())
