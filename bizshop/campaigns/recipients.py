"""Checking an uploaded list of winners: fast enough for 100,000 rows (plain regexes, one pass).

Rows are numbered from 1 in the order given (a file's header row is not counted). Each problem
is ``{"row", "field", "problem"}`` with ``problem`` one of ``required``, ``invalid``, ``duplicate``,
``too_long``.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from typing import Any

from bizshop.campaigns import errors
from bizshop.campaigns.models import Channel

MAX_RECIPIENTS = 100_000
NAME_MAX = 50
# Local part and domain as mail systems take them; no quoted local parts or IP literals.
_EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)
# Korean mobile numbers: 010-XXXX-XXXX, and the older 011/016/017/018/019 with 3 or 4 digits.
_MOBILE = re.compile(r"010[0-9]{8}|01[16789][0-9]{7,8}")
_PHONE_PUNCTUATION = str.maketrans("", "", " -.()")
HEADER_NAMES = {
    "name": {"이름", "name", "성명"},
    "email": {"이메일", "email", "e-mail", "메일"},
    "phone": {"휴대폰", "phone", "mobile", "휴대폰번호", "전화번호", "핸드폰"},
}


@dataclass(frozen=True)
class Row:
    number: int
    name: str
    email: str
    phone: str


def normalize_phone(raw: str) -> str | None:
    digits = raw.translate(_PHONE_PUNCTUATION)
    if digits.startswith("+82"):
        digits = "0" + digits[3:].lstrip("0")
    return digits if _MOBILE.fullmatch(digits) else None


def validate_rows(*, channel: str, rows: list[Any]) -> list[Row]:
    """The rows cleaned, or ``invalid_recipients`` naming every bad row (nothing is taken then)."""
    if len(rows) > MAX_RECIPIENTS:
        raise errors.TOO_MANY_RECIPIENTS(max=MAX_RECIPIENTS, given=len(rows))
    problems: list[dict[str, Any]] = []
    clean: list[Row] = []
    seen_email: dict[str, int] = {}
    seen_phone: dict[str, int] = {}
    email_fullmatch, normalize = _EMAIL.fullmatch, normalize_phone
    for number, raw in enumerate(rows, start=1):
        if not isinstance(raw, dict):
            problems.append({"row": number, "field": "row", "problem": "invalid"})
            continue
        typed = [key for key in ("name", "email", "phone") if key in raw and not isinstance(raw[key], str)]
        if typed:  # JSON that is not a string where a string belongs (files give strings, rows_from_file)
            problems.extend({"row": number, "field": key, "problem": "invalid"} for key in typed)
            continue
        name = raw.get("name", "").strip()
        email = raw.get("email", "").strip()
        phone_raw = raw.get("phone", "").strip()
        phone = ""
        bad = False
        if not name:
            problems.append({"row": number, "field": "name", "problem": "required"})
            bad = True
        elif len(name) > NAME_MAX:
            problems.append({"row": number, "field": "name", "problem": "too_long"})
            bad = True
        if email:
            if len(email) > 254 or email_fullmatch(email) is None:
                problems.append({"row": number, "field": "email", "problem": "invalid"})
                bad = True
            else:
                key = email.lower()
                if key in seen_email:
                    problems.append(
                        {"row": number, "field": "email", "problem": "duplicate", "first_row": seen_email[key]}
                    )
                    bad = True
                else:
                    seen_email[key] = number
        elif channel == Channel.EMAIL:
            problems.append({"row": number, "field": "email", "problem": "required"})
            bad = True
        if phone_raw:
            normalized = normalize(phone_raw)
            if normalized is None:
                problems.append({"row": number, "field": "phone", "problem": "invalid"})
                bad = True
            elif normalized in seen_phone:
                problems.append(
                    {"row": number, "field": "phone", "problem": "duplicate", "first_row": seen_phone[normalized]}
                )
                bad = True
            else:
                seen_phone[normalized] = number
                phone = normalized
        elif channel == Channel.SMS:
            problems.append({"row": number, "field": "phone", "problem": "required"})
            bad = True
        if not bad:
            clean.append(Row(number, name, email, phone))
    if problems:
        raise errors.INVALID_RECIPIENTS(rows=problems)
    return clean


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(int(value)) if float(value).is_integer() else str(value)
        if len(value) == 10 and value.startswith("10"):
            value = "0" + value  # a spreadsheet that took 01012345678 for a number
    return str(value).strip()


def rows_from_file(*, name: str, content: bytes) -> list[dict[str, str]]:
    """An uploaded CSV (UTF-8 or CP949) or XLSX as rows of name/email/phone by its header row."""
    lower = name.lower()
    table: list[list[Any]]
    if lower.endswith(".xlsx"):
        table = _xlsx_table(content)
    elif lower.endswith(".csv") or lower.endswith(".txt"):
        text = _decode(content)
        table = [list(row) for row in csv.reader(io.StringIO(text))]
    else:
        raise errors.UNSUPPORTED_FILE()
    table = [row for row in table if any(_text(cell) for cell in row)]
    if not table:
        raise errors.UNSUPPORTED_FILE()
    columns: dict[str, int] = {}
    for index, cell in enumerate(table[0]):
        heading = _text(cell).lower()
        for field, names in HEADER_NAMES.items():
            if heading in names and field not in columns:
                columns[field] = index
    if "name" not in columns:
        raise errors.UNSUPPORTED_FILE()
    return [
        {field: (_text(row[index]) if index < len(row) else "") for field, index in columns.items()}
        for row in table[1:]
    ]


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "cp949"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise errors.UNSUPPORTED_FILE()


def _xlsx_table(content: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:
        raise errors.UNSUPPORTED_FILE() from exc
    sheet = workbook.worksheets[0]
    table = [list(row) for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return table
