"""Password policy: 8–32 characters of ASCII letters, digits and the listed special characters,
three character classes, no 3-run of keyboard sequence."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# The special characters a password may hold (사용 가능한 특수문자), in the order the shop lists them.
SPECIAL_CHARACTERS_LISTED = "!@#$%^&*()-+={}[]"
SPECIAL_CHARACTERS = set(SPECIAL_CHARACTERS_LISTED)
SPECIAL_CHARACTERS_SHOWN = " ".join(SPECIAL_CHARACTERS_LISTED)
# Rows whose neighbours count as "sequential": alphabet, digits and the QWERTY rows.
SEQUENCES = (
    "abcdefghijklmnopqrstuvwxyz",
    "01234567890",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "!@#$%^&*()",
)
MIN_LENGTH = 8
MAX_LENGTH = 32


def _has_sequential_run(password: str, run: int = 3) -> str | None:
    lowered = password.lower()
    for i in range(len(lowered) - run + 1):
        chunk = lowered[i : i + run]
        for row in SEQUENCES:
            if chunk in row or chunk in row[::-1]:
                return password[i : i + run]
    return None


def _is_allowed(character: str) -> bool:
    return (character.isascii() and character.isalnum()) or character in SPECIAL_CHARACTERS


def _refused_characters(password: str) -> list[str]:
    """The characters outside the policy, each once, in the order typed (a space shown as (공백))."""
    refused = dict.fromkeys(c for c in password if not _is_allowed(c))
    return [_("(공백)") if c.isspace() else c for c in refused]


def password_problems(password: str) -> list[str]:
    problems: list[str] = []
    refused = _refused_characters(password)
    if refused:
        problems.append(
            _("사용할 수 없는 문자가 있습니다: %(refused)s. 특수문자는 %(allowed)s 만 사용할 수 있습니다.")
            % {"refused": " ".join(dict.fromkeys(refused)), "allowed": SPECIAL_CHARACTERS_SHOWN}
        )
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        problems.append(_("비밀번호는 8자 이상 32자 이하여야 합니다."))
    classes = sum(
        (
            any(c.isascii() and c.isupper() for c in password),
            any(c.isascii() and c.islower() for c in password),
            any(c.isdigit() for c in password),
            any(c in SPECIAL_CHARACTERS for c in password),
        )
    )
    if classes < 3:
        problems.append(_("영문 대문자, 소문자, 숫자, 특수문자 중 3종류 이상을 사용해 주세요."))
    run = _has_sequential_run(password)
    if run:
        problems.append(_("연속된 문자(예: abc, 123, qwe)는 3자 이상 사용할 수 없습니다: %(run)s") % {"run": run})
    return problems


class ShopPasswordValidator:
    def validate(self, password: str, user: Any = None) -> None:
        problems = password_problems(password)
        if problems:
            raise ValidationError(problems, code="password_policy")

    def get_help_text(self) -> str:
        return _(
            "8~32자, 영문 대/소문자·숫자·특수문자 중 3종류 이상, 연속 문자 3자 이상 금지. "
            "사용 가능한 특수문자: %(allowed)s"
        ) % {"allowed": SPECIAL_CHARACTERS_SHOWN}
