"""Every PDF of the shop (WeasyPrint) is rendered here: in a child process whose memory is given back.

WeasyPrint leaves cyclic garbage and a fragmented heap behind: a process that rendered eight usage
guides had grown from 109 MB to 665 MB, and a web or Celery process rendering PDFs sat at
0.5–1 GB. So a render happens in a renderer process of its own (one per web or worker process,
started on first use), which collects and trims its heap after each document and is replaced after
``PDF_RENDERS_PER_CHILD`` documents; concurrent requests of one process queue for it, which also
bounds how many renders run at once. The caller's process never imports WeasyPrint at all.

Documents that never change once written (an issued tax invoice) are kept as files keyed by the
SHA-256 of their HTML, so a second download costs a file read.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import hashlib
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from django.conf import settings

_pool: ProcessPoolExecutor | None = None
_pool_pid = 0
_pool_lock = threading.Lock()


def _render_in_child(html: str) -> bytes:
    """Runs in the renderer process: render, then give the garbage and the freed heap back."""
    from weasyprint import HTML

    try:
        pdf: bytes = HTML(string=html).write_pdf()
        return pdf
    finally:
        gc.collect()
        _malloc_trim()


def _malloc_trim() -> None:
    with contextlib.suppress(OSError, AttributeError):  # not glibc: recycling the child still bounds it
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _executor() -> ProcessPoolExecutor:
    """This process's renderer; a new one after a fork (a gunicorn or Celery child never shares its parent's)."""
    global _pool, _pool_pid
    with _pool_lock:
        if _pool is None or _pool_pid != os.getpid():
            _pool = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                max_tasks_per_child=int(settings.PDF_RENDERS_PER_CHILD),
            )
            _pool_pid = os.getpid()
        return _pool


def _render(html: str) -> bytes:
    if not settings.PDF_RENDER_IN_CHILD:
        return _render_in_child(html)
    global _pool
    try:
        return _executor().submit(_render_in_child, html).result()
    except BrokenProcessPool:
        # The renderer died (killed for memory, say): start another and try once more.
        with _pool_lock:
            _pool = None
        return _executor().submit(_render_in_child, html).result()


def html_to_pdf(html: str, *, immutable: bool = False) -> bytes:
    """The PDF of ``html``. ``immutable`` keeps it as a file (PDF_CACHE_DIR) to answer the same HTML again."""
    if not immutable:
        return _render(html)
    digest = hashlib.sha256(html.encode()).hexdigest()
    path = Path(settings.PDF_CACHE_DIR) / digest[:2] / f"{digest}.pdf"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    pdf = _render(html)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # tax records: the owner only
    with os.fdopen(fd, "wb") as sink:
        sink.write(pdf)
    os.replace(partial, path)  # whole or not at all, for a reader at the same moment
    return pdf
