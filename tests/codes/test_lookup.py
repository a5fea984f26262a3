"""POST /api/v1/codes/lookup/: a partner checks one of its own codes, and only its own."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from bizshop.billing.models import Order
from bizshop.codes import format as code_format

if TYPE_CHECKING:
    from tests.helpers.api import ApiClient

PATH = "/api/v1/codes/lookup/"


@pytest.fixture
def code(paid_order: Order, issue_codes: Callable[..., list[str]]) -> str:
    return issue_codes(paid_order, quantity=2)[1]


def test_the_owner_looks_up_its_code(api: ApiClient, code: str) -> None:
    response = api.post(PATH, {"code": code.lower()})

    assert response.status_code == 200
    assert (response.json()["code"], response.json()["status"]) == (code_format.display(code), "issued")


def test_another_partner_looking_up_the_code_gets_code_not_found(other_api: ApiClient, code: str) -> None:
    response = other_api.post(PATH, {"code": code})

    assert (response.status_code, response.json()["error"]["code"]) == (404, "code_not_found")
    assert code.encode() not in response.content


def test_looking_up_a_malformed_code_is_invalid_code_format(api: ApiClient, code: str) -> None:
    response = api.post(PATH, {"code": code[:-1]})

    assert (response.status_code, response.json()["error"]["code"]) == (422, "invalid_code_format")


def test_looking_up_a_code_with_a_typo_is_invalid_check_character(api: ApiClient, code: str) -> None:
    typo = code[:19] + next(s for s in code_format.ALPHABET if s != code[19])

    response = api.post(PATH, {"code": typo})

    assert (response.status_code, response.json()["error"]["code"]) == (422, "invalid_check_character")


def test_looking_up_without_a_code_is_invalid_request(api: ApiClient) -> None:
    response = api.post(PATH, {})

    assert (response.status_code, response.json()["error"]["code"]) == (422, "invalid_request")
