"""Schemathesis against /api/schema/ with every check, as `st run --checks all` runs it.

The CLI drives a live server of the test database with a valid API key through all its phases
(examples, coverage, fuzzing, stateful), in positive and negative mode: zero 5xx, every answer
as the schema describes it (status, content type, headers, body), every schema-valid request
accepted and every invalid one refused. The only failures set aside are those of
tests/api/schemathesis_hooks.py: valid requests refused for the shop's state, by error code.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bizshop.partners.services import api_key_create
from tests.factories import EmoticonFactory, MemberFactory

if TYPE_CHECKING:
    from pytest_django import Settings
    from pytest_django.live_server_helper import LiveServer

HOOKS = Path(__file__).resolve().with_name("schemathesis_hooks.py")
EXAMPLES_PER_OPERATION = 10

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def partner_key(settings: Settings) -> str:
    # The run sends well over the default 1,200 requests a minute with one key.
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"api_key": "1000000/min"}}
    member = MemberFactory()
    EmoticonFactory(min_quantity=1)
    return api_key_create(user=member.user, name="schemathesis").raw_key


def test_the_api_keeps_every_promise_of_its_schema(live_server: LiveServer, partner_key: str, tmp_path: Path) -> None:
    command = [
        str(Path(sys.executable).with_name("st")),
        "run",
        f"{live_server.url}/api/schema/",
        "--checks=all",
        f"--header=Authorization: Bearer {partner_key}",
        f"--max-examples={EXAMPLES_PER_OPERATION}",
        "--seed=1",
        "--generation-database=none",
        "--workers=2",
        "--no-color",
        # Every string field refuses NUL (DRF's ProhibitNullCharactersValidator), as PostgreSQL text must.
        "--generation-allow-x00=false",
    ]

    result = subprocess.run(
        command,
        cwd=tmp_path,  # where the CLI keeps its .schemathesis/ cache
        env={**os.environ, "SCHEMATHESIS_HOOKS": str(HOOKS)},
        capture_output=True,
        text=True,
        timeout=1200,
    )

    tested = re.search(r"Tested: (\d+)", result.stdout)
    assert tested and int(tested[1]) >= 30, result.stdout[-5000:] + result.stderr[-5000:]  # the whole API
    assert result.returncode == 0, result.stdout[-30000:]
