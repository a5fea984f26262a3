"""PAYMENT_GATEWAY=portone: the short name, the production refusal when PortOne is half-configured
(one message naming everything missing), and the settings of a complete configuration."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PORTONE_KEYS = {
    "PORTONE_API_SECRET": "test-api-secret-not-real",
    "PORTONE_STORE_ID": "store-00000000-0000-0000-0000-000000000000",
    "PORTONE_CHANNEL_KEY": "channel-key-card",
    "PORTONE_VIRTUAL_ACCOUNT_CHANNEL_KEY": "channel-key-va",
    "PORTONE_WEBHOOK_SECRET": "whsec_" + base64.b64encode(b"w" * 32).decode(),
}
SHOW = "from django.conf import settings; print(settings.PAYMENT_GATEWAY, settings.PORTONE_PAYMENTS)"


def environment(tmp_path: Path, *, production: bool, **extra: str) -> dict[str, str]:
    """A fresh process's environment: nothing the test run chose for payments, PortOne unset."""
    dropped = {"DJANGO_ALLOW_ASYNC_UNSAFE", "PRODUCTION", "PAYMENT_GATEWAY", "ALLOW_SANDBOX_PAYMENTS", *PORTONE_KEYS}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(
        BIZSHOP_VAR_DIR=str(tmp_path),
        PAYMENT_SANDBOX_SECRET="sandbox-" + "q" * 40,
        SECRET_KEY="x" * 20 + "production-secret-key-not-used-anywhere-else-0123456789",
        CODE_ENCRYPTION_KEYS="k1:" + base64.b64encode(b"e" * 32).decode(),
        CODE_LOOKUP_KEY=base64.b64encode(b"l" * 32).decode(),
    )
    if production:
        env.update(PRODUCTION="1", DEBUG="0", ALLOWED_HOSTS="shop.example.kr", SITE_URL="https://shop.example.kr")
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_portone_is_a_short_name_for_the_adapter(tmp_path: Path) -> None:
    result = manage(environment(tmp_path, production=False, PAYMENT_GATEWAY="portone"), "shell", "-c", SHOW)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["bizshop.billing.gateways.portone.PortOneGateway", "True"]


def test_production_refuses_portone_half_configured_naming_everything_missing(tmp_path: Path) -> None:
    given = {"PORTONE_API_SECRET": PORTONE_KEYS["PORTONE_API_SECRET"], "PORTONE_CHANNEL_KEY": "channel-key-card"}
    env = environment(tmp_path, production=True, PAYMENT_GATEWAY="portone", **given)

    result = manage(env, "check")

    assert result.returncode != 0
    message = next(line for line in result.stderr.splitlines() if "PAYMENT_GATEWAY=portone" in line)
    for name in ("PORTONE_STORE_ID", "PORTONE_VIRTUAL_ACCOUNT_CHANNEL_KEY", "PORTONE_WEBHOOK_SECRET"):
        assert name in message
    assert "PORTONE_API_SECRET" not in message and "PORTONE_CHANNEL_KEY," not in message
    assert PORTONE_KEYS["PORTONE_API_SECRET"] not in result.stderr  # a secret is never printed


def test_production_starts_with_portone_fully_configured(tmp_path: Path) -> None:
    env = environment(tmp_path, production=True, PAYMENT_GATEWAY="portone", **PORTONE_KEYS)

    result = manage(env, "shell", "-c", SHOW)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "True"
