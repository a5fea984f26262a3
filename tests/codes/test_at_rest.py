"""No table holds a serial code in plaintext: a pg_dump of the whole database is searched for them."""

from __future__ import annotations

import base64
import re
import subprocess
from typing import TYPE_CHECKING

import pytest
from django.db import connection

from bizshop.codes import format as code_format

if TYPE_CHECKING:
    from django.test import Client

    from bizshop.billing.models import Order
    from tests.helpers.api import ApiClient

pytestmark = pytest.mark.django_db(transaction=True)


def pg_dump() -> str:
    settings = connection.settings_dict
    result = subprocess.run(
        ["pg_dump", "-h", "127.0.0.1", "-U", "postgres", "--no-owner", settings["NAME"]],
        capture_output=True,
        check=True,
        text=True,
        timeout=120,
    )
    return result.stdout


def copy_rows(dump: str, table: str) -> list[str]:
    match = re.search(rf"^COPY public\.{table} .*? FROM stdin;\n(.*?)^\\\.$", dump, re.MULTILINE | re.DOTALL)
    assert match, f"{table} is not in the dump"
    return match.group(1).splitlines()


def test_no_issued_code_appears_in_a_dump_of_the_database(
    api: ApiClient, paid_order: Order, end_user_client: Client
) -> None:
    assert api.post(f"/api/v1/orders/{paid_order.pk}/issuances/", {"quantity": 50}).status_code == 202
    listed = api.get(f"/api/v1/orders/{paid_order.pk}/codes/?page_size=100").json()["results"]
    shown = [row["code"] for row in listed]
    canonical = [code_format.normalize(code) for code in shown]  # decrypted for real: the check symbols hold
    assert (
        end_user_client.post("/api/v1/registrations/", {"code": shown[0]}, content_type="application/json").status_code
        == 201
    )

    dump = pg_dump()

    assert len(set(canonical)) == 50
    assert len(copy_rows(dump, "codes_serialcode")) == 50
    assert len(copy_rows(dump, "codes_registration")) == 1
    upper, lower = dump.upper(), dump.lower()
    for code, displayed in zip(canonical, shown, strict=True):
        assert code not in upper
        assert displayed not in upper
        assert code.encode().hex() not in lower  # plaintext in a bytea column
        assert base64.b64encode(code.encode()).decode() not in dump
