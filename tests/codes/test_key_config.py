"""Where code keys come from, and the start-up check that the keyring still opens the stored codes."""

from __future__ import annotations

import base64
import json
import os
import secrets
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from django.core import checks
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bizshop.billing.models import Order
from bizshop.codes.checks import keyring_covers_stored_codes
from bizshop.codes.models import SerialCode

if TYPE_CHECKING:
    from pytest_django import Settings

ROOT = Path(__file__).resolve().parents[2]


def new_key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


def production_check(tmp_path: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CODE_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    # Keys a development run would have used: production must not fall back on them.
    (tmp_path / "secrets.json").write_text(
        json.dumps({"SECRET_KEY": "s" * 50, "CODE_ENCRYPTION_KEYS": new_key(), "CODE_LOOKUP_KEY": new_key()})
    )
    env.update(
        PRODUCTION="1",
        DEBUG="0",
        ALLOW_SANDBOX_PAYMENTS="1",
        ALLOWED_HOSTS="shop.example.kr",
        SITE_URL="https://shop.example.kr",
        PAYMENT_SANDBOX_SECRET="sandbox-" + "q" * 40,
        SECRET_KEY="p" * 60,
        BIZSHOP_VAR_DIR=str(tmp_path),
        **extra,
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_to_start_without_code_keys_in_the_environment(tmp_path: Path) -> None:
    result = production_check(tmp_path)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "CODE_ENCRYPTION_KEYS" in result.stderr


def test_production_refuses_to_start_without_the_lookup_key_in_the_environment(tmp_path: Path) -> None:
    result = production_check(tmp_path, CODE_ENCRYPTION_KEYS=new_key())

    assert result.returncode != 0
    assert "CODE_LOOKUP_KEY" in result.stderr


def test_production_starts_with_code_keys_from_the_environment(tmp_path: Path) -> None:
    result = production_check(tmp_path, CODE_ENCRYPTION_KEYS=new_key(), CODE_LOOKUP_KEY=new_key())

    assert result.returncode == 0, result.stderr


def test_a_replaced_key_under_an_old_label_fails_the_check(
    paid_order: Order, issue_codes: Callable[..., list[str]], settings: Settings
) -> None:
    # var/secrets.json lost, new keys made under the same label: what issue 15 saw as InvalidTag.
    first = new_key()
    settings.CODE_ENCRYPTION_KEYS = f"k1:{first}"
    issue_codes(paid_order, quantity=5)
    SerialCode.objects.update(key_id="k1")  # stored the way the shop did before key fingerprints
    settings.CODE_ENCRYPTION_KEYS = f"k1:{new_key()}"

    errors = keyring_covers_stored_codes()

    assert [e.id for e in errors] == ["codes.E002"]
    assert "k1" in errors[0].msg


def test_a_key_missing_from_the_keyring_fails_the_check(
    paid_order: Order, issue_codes: Callable[..., list[str]], settings: Settings
) -> None:
    settings.CODE_ENCRYPTION_KEYS = new_key()
    issue_codes(paid_order, quantity=5)
    settings.CODE_ENCRYPTION_KEYS = new_key()

    assert [e.id for e in keyring_covers_stored_codes()] == ["codes.E001"]


def test_a_keyring_that_opens_the_stored_codes_passes_the_check(
    paid_order: Order, issue_codes: Callable[..., list[str]]
) -> None:
    issue_codes(paid_order, quantity=5)

    assert keyring_covers_stored_codes() == []
    assert not [m for m in checks.run_checks(tags=["bizshop"]) if m.id and m.id.startswith("codes.")]


def test_the_check_reads_a_bounded_sample_not_the_whole_table(
    paid_order: Order, issue_codes: Callable[..., list[str]]
) -> None:
    issue_codes(paid_order, quantity=50)

    with CaptureQueriesContext(connection) as queries:
        keyring_covers_stored_codes()

    on_codes = [q["sql"] for q in queries.captured_queries if SerialCode._meta.db_table in q["sql"]]
    assert on_codes
    assert all("LIMIT" in sql.upper() and "DISTINCT" not in sql.upper() for sql in on_codes)
