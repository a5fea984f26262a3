"""seed_demo: a demo catalog and partner, idempotent, printing a working API key."""

from __future__ import annotations

import re
import shlex
from io import StringIO
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.core.management import call_command
from django.test import Client

from bizshop.accounts.models import User
from bizshop.catalog.models import Emoticon, EmoticonPrice
from bizshop.partners.models import ApiKey, Member, Partner

if TYPE_CHECKING:
    from pytest_django import Settings

KEY_LINE = re.compile(r"^API key:\s+(\S+)$", re.MULTILINE)


@pytest.fixture(autouse=True)
def _var_dir(settings: Settings, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path  # the demo logins file is written there


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in (Emoticon, EmoticonPrice, Partner, Member, User)}


def test_seed_demo_creates_a_catalog_with_30_and_60_day_prices(db: None) -> None:
    seed()

    assert Emoticon.objects.count() >= 3
    for emoticon in Emoticon.objects.all():
        assert set(emoticon.prices.values_list("period_days", flat=True)) == {30, 60}


def test_seed_demo_twice_changes_no_counts(db: None) -> None:
    seed()
    before = counts()

    seed()

    assert counts() == before


def test_seed_demo_prints_a_working_api_key_each_run(db: None) -> None:
    keys = [KEY_LINE.search(seed()).group(1) for _ in range(2)]  # type: ignore[union-attr]

    assert keys[0] != keys[1]
    assert ApiKey.objects.count() == 2
    for key in keys:
        response = Client(HTTP_AUTHORIZATION=f"Bearer {key}").get("/api/v1/partner/")
        assert (response.status_code, response.json()["name"]) == (200, "(주)데모상사")


def test_seed_demo_prints_the_partner_login(db: None) -> None:
    output = seed()

    assert "partner@demo.bizshop.kr" in output


def test_seed_demo_passwords_can_be_typed_into_a_shell_unquoted(db: None) -> None:
    """No `!` (interactive bash expands it), `$`, quote or space: pasted after curl -u, they stay as printed."""
    logins = re.findall(r"login:\s+(\S+) / (\S+)$", seed(), re.MULTILINE)

    assert len(logins) == 2
    for email, password in logins:
        assert shlex.quote(password) == password, password
        assert User.objects.get(email=email).check_password(password)
