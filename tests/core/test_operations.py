"""Running the shop: health endpoints, request ids in JSON logs, security headers, check --deploy."""

from __future__ import annotations

import base64
import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from django.test import Client

from bizshop.core.observability import JsonFormatter, RequestIdFilter
from tests.helpers.sessions import signed_in

if TYPE_CHECKING:
    from pytest_django import Settings

ROOT = Path(__file__).resolve().parents[2]


def test_healthz_answers_without_touching_anything() -> None:
    response = Client().get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_checks_the_database_and_redis(db: None) -> None:
    response = Client().get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}


def test_readyz_is_503_when_redis_is_unreachable(db: None, settings: Settings) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:1/0"

    response = Client().get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["redis"].startswith("error")
    assert response.json()["checks"]["database"] == "ok"


def test_a_request_id_is_made_or_taken_from_the_caller_and_echoed() -> None:
    made = Client().get("/healthz")["X-Request-ID"]
    taken = Client().get("/healthz", HTTP_X_REQUEST_ID="partner-trace-0001")["X-Request-ID"]
    forged = Client().get("/healthz", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"]

    assert len(made) == 32
    assert taken == "partner-trace-0001"
    assert forged != "<script>" and len(forged) == 32


def test_log_lines_are_json_with_the_request_id_of_the_request(db: None) -> None:
    lines: list[str] = []

    class Capture(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    handler = Capture()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        Client().get("/api/v1/orders/999999/", HTTP_X_REQUEST_ID="trace-abcdef12")  # 401: expected, so INFO
    finally:
        logger.removeHandler(handler)

    entry = json.loads(lines[-1])
    assert entry["request_id"] == "trace-abcdef12"
    assert entry["level"] == "INFO"  # a refusal is the shop working; WARNING is kept for what needs a look
    assert {"time", "logger", "message"} <= entry.keys()


def test_portal_pages_carry_a_content_security_policy(db: None) -> None:
    policy = Client().get("/accounts/login/")["Content-Security-Policy"]

    assert "default-src 'self'" in policy
    assert "object-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy


def test_check_deploy_is_clean_under_production_settings(tmp_path: Path) -> None:
    # A production process's environment: nothing the test run itself set (the browser tests
    # allow async-unsafe ORM calls, which deployment must never do).
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {
        **inherited,
        "PRODUCTION": "1",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "shop.example.kr",
        "SITE_URL": "https://shop.example.kr",
        "SECRET_KEY": "x" * 20 + "production-secret-key-not-used-anywhere-else-0123456789",
        "BIZSHOP_VAR_DIR": str(tmp_path),
        "ALLOW_SANDBOX_PAYMENTS": "1",
        "PAYMENT_SANDBOX_SECRET": "sandbox-" + "q" * 40,  # the suite's shop takes sandbox payments
        # Production takes the code keys from the environment only.
        "CODE_ENCRYPTION_KEYS": base64.b64encode(b"e" * 32).decode(),
        "CODE_LOOKUP_KEY": base64.b64encode(b"l" * 32).decode(),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_inline_script_of_the_order_form_carries_the_policy_nonce(db: None) -> None:
    from tests.factories import EmoticonFactory, MemberFactory

    emoticon = EmoticonFactory()
    member_client = signed_in(MemberFactory())  # the order form (and its script) is for partner members
    response = member_client.get(f"/emoticons/{emoticon.pk}/")

    policy = response["Content-Security-Policy"]
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert f'<script nonce="{nonce}">' in response.content.decode()
