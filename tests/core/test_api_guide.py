"""docs/api.md lists every error code the code base can answer with."""

from __future__ import annotations

import re
from pathlib import Path

from bizshop.core import api, idempotency, middleware
from bizshop.core.errors import ErrorCode
from bizshop.core.schema import error_codes

ROOT = Path(__file__).resolve().parents[2]
# Codes written where they are raised rather than declared: ApplicationError("scope_required", …) and
# the hand-built error bodies.
RAISED_IN_PLACE = re.compile(r"ApplicationError\(\s*\"([a-z_]+)\"|\{\"code\": \"([a-z_]+)\"")


def every_error_code() -> set[str]:
    declared = {error.code for error in error_codes()}  # every app's errors.py
    module_codes = [value for module in (middleware, idempotency) for value in vars(module).values()]
    plumbing = {value.code for value in module_codes if isinstance(value, ErrorCode)}
    plumbing |= {error.code for error in middleware._ERROR_BY_STATUS.values()} | set(api._DRF_CODES.values())
    in_place = {
        code
        for path in (ROOT / "bizshop").glob("**/*.py")
        for match in RAISED_IN_PLACE.finditer(path.read_text(encoding="utf-8"))
        for code in match.groups()
        if code
    }
    return declared | plumbing | in_place


def test_the_api_guide_lists_every_error_code(db: None) -> None:
    guide = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `([a-z_]+)` \| (?:\d{3}|any) \|", guide, re.MULTILINE))

    assert every_error_code() - listed == set()
    assert {"scope_required", "idempotency_key_reused", "withdrawal_blocked", "code_voided"} <= listed
