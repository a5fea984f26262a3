"""PDFs render in a child process whose memory is given back, and an immutable document is kept as a file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from pypdf import PdfReader

from bizshop.core import pdf
from tests.helpers.production import ROOT

if TYPE_CHECKING:
    from pytest_django import Settings

HTML = "<html><body><h1>세금계산서</h1><p>공급가액 1,000,000원</p></body></html>"


def text_of(document: bytes, tmp_path: Path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(document)
    return "".join(page.extract_text() for page in PdfReader(path).pages)


def renderer_pids() -> set[int]:
    executor = pdf._executor()
    return set(executor._processes)  # type: ignore[attr-defined]


def test_a_pdf_is_rendered_in_a_child_process_not_the_callers(tmp_path: Path) -> None:
    document = pdf.html_to_pdf(HTML)

    assert "세금계산서" in text_of(document, tmp_path)
    assert renderer_pids() and os.getpid() not in renderer_pids()


def test_the_calling_process_never_imports_weasyprint() -> None:
    script = (
        "import django, sys; django.setup();"
        "from bizshop.core.pdf import html_to_pdf;"
        "assert html_to_pdf('<p>x</p>').startswith(b'%PDF');"
        "print('weasyprint' in sys.modules)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bizshop.settings"}
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)

    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "False"


def test_a_killed_renderer_is_replaced(tmp_path: Path) -> None:
    pdf.html_to_pdf(HTML)
    for pid in renderer_pids():
        os.kill(pid, signal.SIGKILL)

    document = pdf.html_to_pdf(HTML)

    assert "세금계산서" in text_of(document, tmp_path)


def test_an_immutable_document_is_rendered_once_and_kept_for_its_owner_only(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = pdf.html_to_pdf(HTML, immutable=True)
    monkeypatch.setattr(pdf, "_render", lambda html: pytest.fail("rendered again"))

    again = pdf.html_to_pdf(HTML, immutable=True)

    [kept] = list(Path(settings.PDF_CACHE_DIR).rglob("*.pdf"))
    assert again == first == kept.read_bytes()
    assert kept.stat().st_mode & 0o777 == 0o600


def test_other_html_is_another_document(tmp_path: Path) -> None:
    one = pdf.html_to_pdf(HTML, immutable=True)
    other = pdf.html_to_pdf(HTML.replace("1,000,000", "2,000,000"), immutable=True)

    assert "2,000,000" in text_of(other, tmp_path) and one != other
