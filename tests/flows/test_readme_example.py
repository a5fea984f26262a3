"""The README's httpx example, run as a partner would run it, against the live app."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bizshop.partners.services import api_key_create
from tests.factories import EmoticonFactory, MemberFactory

if TYPE_CHECKING:
    from pytest_django.live_server_helper import LiveServer

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "partner_client.py"
pytestmark = pytest.mark.django_db(transaction=True)


def test_the_httpx_example_buys_pays_issues_and_downloads(live_server: LiveServer, tmp_path: Path) -> None:
    member = MemberFactory()
    EmoticonFactory(prices={30: 1_600, 60: 2_500})
    key = api_key_create(user=member.user, name="example").raw_key

    result = subprocess.run(
        [sys.executable, str(EXAMPLE)],
        cwd=tmp_path,
        env={**os.environ, "BIZSHOP_URL": live_server.url, "BIZSHOP_API_KEY": key},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "total 176000 KRW" in result.stdout
    assert "issued 100 codes" in result.stdout
    saved = next(tmp_path.glob("order-*-codes.csv"))
    rows = list(csv.reader(saved.read_text(encoding="utf-8-sig").splitlines()))
    assert len(rows) == 101
