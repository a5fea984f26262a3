"""A real Celery worker process for tests: it consumes from the test Redis and writes to the test database."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def _env(*, chunk_size: int, visibility_timeout: int) -> dict[str, str]:
    return {
        **os.environ,
        # The worker must see the test database, where the test commits its rows.
        "DATABASE_URL": f"postgres://{connection.settings_dict['USER']}@{connection.settings_dict['HOST']}:"
        f"{connection.settings_dict['PORT'] or 5432}/{connection.settings_dict['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "CODE_ISSUANCE_CHUNK_SIZE": str(chunk_size),
        "CELERY_VISIBILITY_TIMEOUT": str(visibility_timeout),
    }


def start_worker(*, chunk_size: int = 500, visibility_timeout: int = 3600) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "bizshop", "worker", "--pool=solo", "--loglevel=WARNING"],
        cwd=ROOT,
        env=_env(chunk_size=chunk_size, visibility_timeout=visibility_timeout),
    )


def start_beat(*, schedule_file: Path) -> subprocess.Popen[bytes]:
    """Celery beat with the shop's own schedule (CELERY_BEAT_SCHEDULE), sending to the test Redis."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "bizshop",
            "beat",
            "--loglevel=WARNING",
            "--schedule",
            str(schedule_file),
        ],
        cwd=ROOT,
        env=_env(chunk_size=500, visibility_timeout=3600),
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_for(predicate: Any, *, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError("timed out waiting for the worker")
