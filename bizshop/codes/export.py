"""Handing codes over: every code of an order as CSV (streamed) or XLSX (constant memory).

Rows come from a server-side cursor in batches and are decrypted one by one, so memory
does not grow with the number of codes.
"""

from __future__ import annotations

import csv
import functools
import io
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import xlsxwriter
from django.conf import settings
from django.http import StreamingHttpResponse
from django.utils import timezone

from bizshop.billing.models import Order
from bizshop.codes import format as code_format
from bizshop.codes.crypto import get_keyring
from bizshop.codes.models import CodeExport, CodeStatus, Issuance, SerialCode

BATCH = 5000
EXCEL_MAX_ROWS = 1_048_576  # per sheet, header included
# 등록페이지 now holds each code's own link (the page with #code=…); the header stays as partners'
# spreadsheets know it.
HEADER = ["일련번호", "이모티콘", "사용기간(일)", "등록기한", "등록페이지", "상태", "안내문구"]
STATUS_LABELS = dict(CodeStatus.choices)
# Stands for the code in a row template; the unit separator cannot occur in a title or URL we write.
CODE_PLACEHOLDER = "\x1fcode\x1f"


@dataclass(frozen=True)
class ExportContext:
    title: str
    period_days: int
    registration_url: str


def xlsx_direct_limit() -> int:
    """Above this many codes an XLSX is built in the background (202 and an export to poll), never
    answered synchronously: it cannot be streamed, and 1M codes took 36–95 s before the first byte."""
    return int(settings.CODE_XLSX_DIRECT_LIMIT)


def registration_url() -> str:
    """The bare registration page (the usage guide's QR code points here)."""
    return f"{settings.SITE_URL}/register/"


def code_registration_url(code: str, *, page_url: str | None = None) -> str:
    """A code's one-tap registration link: the page with the code in the fragment only.

    Browsers never send a fragment, so the code reaches no server log, proxy or Referer; the
    page's script reads it into the form (static/bizshop/register.js)."""
    return f"{page_url or registration_url()}#code={code}"


def customer_message(*, title: str, code: str, period_days: int, deadline: str, url: str) -> str:
    """The ready-to-send SMS / e-mail text a partner forwards with each code."""
    return (
        f"[{title}] 이모티콘 일련번호 {code} 를 {deadline}까지 등록하세요. "
        f"{url} 을 누르면 일련번호가 입력된 등록 페이지가 열립니다. "
        f"등록한 날부터 {period_days}일 동안 사용할 수 있습니다."
    )


def _deadline_text(value: datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def _cells(code: str, *, title: str, period_days: int, deadline_text: str, url: str, label: str) -> list[str]:
    link = code_registration_url(code, page_url=url)
    return [
        code,
        title,
        str(period_days),
        deadline_text,
        link,
        label,
        customer_message(title=title, code=code, period_days=period_days, deadline=deadline_text, url=link),
    ]


def _coded_rows(*, order: Order) -> Iterator[tuple[str, Callable[[str], list[str]]]]:
    """Each code of the order (display form, issuance order) with the function that makes its row.

    What a row shares with its tranche (deadline, whether the window is over, the status
    label) is worked out once per tranche and status, not per code: a million rows make that matter.
    """
    keyring = get_keyring()
    url = registration_url()
    now = timezone.now()
    labels = {status: str(label) for status, label in STATUS_LABELS.items()}
    deadlines = dict(Issuance.objects.filter(order=order).values_list("id", "registration_deadline"))
    makers: dict[tuple[int, str], Callable[[str], list[str]]] = {}

    def maker(issuance_id: int, status: str) -> Callable[[str], list[str]]:
        deadline = deadlines[issuance_id]
        if status == CodeStatus.ISSUED and deadline <= now:
            status = CodeStatus.EXPIRED
        return functools.partial(
            _cells,
            title=order.emoticon_title,
            period_days=order.period_days,
            deadline_text=_deadline_text(deadline),
            url=url,
            label=labels[status],
        )

    rows = (
        SerialCode.objects.filter(order=order)
        .order_by("id")
        .values_list("ciphertext", "key_id", "status", "issuance_id")
        .iterator(chunk_size=BATCH)
    )
    for blob, key_id, status, issuance_id in rows:
        make = makers.get((issuance_id, status))
        if make is None:
            make = makers[(issuance_id, status)] = maker(issuance_id, status)
        yield code_format.display(keyring.decrypt(key_id, blob)), make


def export_rows(*, order: Order) -> Iterator[list[str]]:
    """One list of cells per code, in issuance order (the header is not included)."""
    for code, make in _coded_rows(order=order):
        yield make(code)


def _csv_line(cells: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(cells)
    return buffer.getvalue()


def csv_stream(*, order: Order) -> Iterator[bytes]:
    """UTF-8 with BOM, so that Korean Excel opens it right; yields about 64 KiB at a time.

    Rows of one tranche and status differ only in the code, and a code (Crockford base32 and
    hyphens) never needs CSV quoting: each such row is quoted once, as a template with a
    placeholder where the code goes, and then filled in per code.
    """
    templates: dict[int, str] = {}
    parts = ["\ufeff", _csv_line(HEADER)]
    size = 0
    for code, make in _coded_rows(order=order):
        template = templates.get(id(make))
        if template is None:
            template = templates[id(make)] = _csv_line(make(CODE_PLACEHOLDER))
        line = template.replace(CODE_PLACEHOLDER, code)
        parts.append(line)
        size += len(line)
        if size > 65_536:
            yield "".join(parts).encode()
            parts.clear()
            size = 0
    yield "".join(parts).encode()


def csv_file(*, order: Order) -> tempfile.SpooledTemporaryFile[bytes]:
    """The CSV as a file, for background exports."""
    # Handed to the caller, which closes it: no context manager here.
    output: tempfile.SpooledTemporaryFile[bytes] = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    for part in csv_stream(order=order):
        output.write(part)
    output.seek(0)
    return output


def xlsx_file(*, order: Order) -> tempfile.SpooledTemporaryFile[bytes]:
    """The workbook in XlsxWriter's constant-memory mode (rows go to disk as written), a new
    sheet every 1,048,575 codes. Measured ~40% faster than openpyxl's write-only mode here."""
    # Handed to the caller, which closes it: no context manager here.
    output: tempfile.SpooledTemporaryFile[bytes] = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    workbook = xlsxwriter.Workbook(
        output,
        {
            "constant_memory": True,
            # Cells are text as written: no hyperlinks, numbers or formulas guessed from them.
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
        },
    )
    sheet = None
    row_number = EXCEL_MAX_ROWS
    for row in export_rows(order=order):
        if row_number >= EXCEL_MAX_ROWS:
            sheet = _new_sheet(workbook)
            row_number = 1
        assert sheet is not None
        write = sheet.write_string
        for column, value in enumerate(row):
            write(row_number, column, value)
        row_number += 1
    if sheet is None:
        _new_sheet(workbook)
    workbook.close()
    output.seek(0)
    return output


def _new_sheet(workbook: xlsxwriter.Workbook) -> Any:
    sheet = workbook.add_worksheet(f"일련번호{len(workbook.worksheets()) + 1}")
    for column, title in enumerate(HEADER):
        sheet.write_string(0, column, title)
    sheet.set_column(0, 0, 26)
    sheet.set_column(6, 6, 80)
    return sheet


def file_response(code_export: CodeExport, content: Iterator[bytes]) -> StreamingHttpResponse:
    """An export file as an attachment of its own type (both the portal and the API hand it out)."""
    response = StreamingHttpResponse(content, content_type=EXPORT_CONTENT_TYPES[code_export.format])
    response["Content-Disposition"] = f'attachment; filename="{code_export.download_name}"'
    response["Content-Length"] = str(code_export.size)
    response["Cache-Control"] = "private, no-store"
    return response


EXPORT_CONTENT_TYPES: dict[str, str] = {
    CodeExport.Format.CSV: "text/csv; charset=utf-8",
    CodeExport.Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
