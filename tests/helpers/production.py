"""Production-process helpers: a production environment and manage.py run in it as a child process."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A production process's environment, with nothing the test run itself chose for settings."""
    inherited = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "PRODUCTION", "PAYMENT_GATEWAY", "ALLOW_SANDBOX_PAYMENTS"}
    }
    return {
        **inherited,
        "PRODUCTION": "1",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "shop.example.kr",
        "SITE_URL": "https://shop.example.kr",
        "PAYMENT_SANDBOX_SECRET": "sandbox-" + "q" * 40,
        "SECRET_KEY": "x" * 20 + "production-secret-key-not-used-anywhere-else-0123456789",
        "BIZSHOP_VAR_DIR": str(tmp_path),
        "CODE_ENCRYPTION_KEYS": "k1:" + base64.b64encode(b"e" * 32).decode(),
        "CODE_LOOKUP_KEY": base64.b64encode(b"l" * 32).decode(),
        **extra,
    }


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
