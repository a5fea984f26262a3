"""POST /api/v1/registrations/: an end user registers a code once, within its window."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client
from django.utils import timezone

from bizshop.billing.models import Order
from bizshop.codes import format as code_format
from bizshop.codes.models import CodeStatus, Issuance, Registration, SerialCode
from bizshop.codes.services import code_register
from tests.factories import PASSWORD
from tests.helpers.sessions import signed_in

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

    from bizshop.accounts.models import User
    from tests.helpers.api import ApiClient
    from tests.helpers.db import TableRows

PATH = "/api/v1/registrations/"


def register(client: Client, code: str) -> Response:
    return client.post(PATH, {"code": code}, content_type="application/json")


def basic_client(user: Any, password: str = PASSWORD) -> Client:
    token = base64.b64encode(f"{user.email}:{password}".encode()).decode()
    return Client(HTTP_AUTHORIZATION=f"Basic {token}")


@pytest.fixture
def code(paid_order: Order, issue_codes: Callable[..., list[str]]) -> str:
    return issue_codes(paid_order, quantity=3)[0]


def with_check_symbol(payload: str) -> str:
    return payload + code_format.check_symbol(payload)


def test_registration_gives_the_emoticon_for_the_period_bought(
    end_user_client: Client, code: str, paid_order: Order
) -> None:
    response = register(end_user_client, code)

    assert response.status_code == 201
    body = response.json()
    assert (body["emoticon_id"], body["title"]) == (paid_order.emoticon_id, paid_order.emoticon_title)
    registered_at = datetime.fromisoformat(body["registered_at"])
    assert datetime.fromisoformat(body["usage_expires_at"]) - registered_at == timedelta(days=30)
    assert timezone.now() - timedelta(minutes=1) < registered_at <= timezone.now()


def test_a_60_day_code_is_usable_for_60_days(
    api: ApiClient, end_user_client: Client, make_order: Callable[..., Order], issue_codes: Callable[..., list[str]]
) -> None:
    [code] = issue_codes(make_order(api.partner, period_days=60, paid=True), quantity=1)

    body = register(end_user_client, code).json()

    assert datetime.fromisoformat(body["usage_expires_at"]) - datetime.fromisoformat(body["registered_at"]) == (
        timedelta(days=60)
    )


def test_registration_by_http_basic_works(end_user: User, code: str) -> None:
    response = register(basic_client(end_user), code)

    assert response.status_code == 201
    assert Registration.objects.get().user == end_user


def test_registration_marks_the_code_registered(end_user_client: Client, code: str) -> None:
    register(end_user_client, code)

    stored = SerialCode.objects.get(status=CodeStatus.REGISTERED)
    assert stored.registered_at == Registration.objects.get().registered_at


def test_a_code_typed_in_lowercase_with_spaces_and_hyphens_registers(end_user_client: Client, code: str) -> None:
    typed = f"  {code_format.display(code).lower().replace('-', ' - ')} "

    assert register(end_user_client, typed).status_code == 201


def test_my_emoticons_lists_the_registered_emoticon(end_user_client: Client, code: str, paid_order: Order) -> None:
    registered = register(end_user_client, code).json()

    mine = end_user_client.get("/api/v1/me/emoticons/").json()

    assert [(e["emoticon_id"], e["usage_expires_at"], e["usage_expired"]) for e in mine["results"]] == [
        (paid_order.emoticon_id, registered["usage_expires_at"], False)
    ]


def test_my_emoticons_does_not_list_another_users_emoticons(end_user: User, code: str) -> None:
    register(basic_client(end_user), code)
    stranger = signed_in(type(end_user).objects.create_user("stranger@example.kr", PASSWORD))

    assert stranger.get("/api/v1/me/emoticons/").json()["results"] == []


@pytest.mark.parametrize("typed", ["ABCDE-FGHJK", "U" * 20, "0" * 21, "가나다라마바사아자차카타파하가나다라마바"])
def test_a_malformed_code_is_invalid_code_format(
    end_user_client: Client, db_rows: Callable[[], TableRows], typed: str
) -> None:
    before = db_rows()

    response = register(end_user_client, typed)

    assert (response.status_code, response.json()["error"]["code"]) == (422, "invalid_code_format")
    assert db_rows() == before


def test_a_wrong_check_symbol_is_invalid_check_character(
    end_user_client: Client, code: str, db_rows: Callable[[], TableRows]
) -> None:
    wrong = code[:19] + next(s for s in code_format.ALPHABET if s != code[19])
    before = db_rows()

    response = register(end_user_client, wrong)

    assert (response.status_code, response.json()["error"]["code"]) == (422, "invalid_check_character")
    assert db_rows() == before


def test_an_unknown_well_formed_code_is_code_not_found(
    end_user_client: Client, code: str, db_rows: Callable[[], TableRows]
) -> None:
    unknown = with_check_symbol("0" * 19)
    before = db_rows()

    response = register(end_user_client, unknown)

    assert (response.status_code, response.json()["error"]["code"]) == (404, "code_not_found")
    assert db_rows() == before


def test_a_second_registration_is_code_already_registered(
    end_user_client: Client, end_user: User, code: str, db_rows: Callable[[], TableRows]
) -> None:
    register(end_user_client, code)
    before = db_rows()

    response = register(basic_client(end_user), code)

    assert (response.status_code, response.json()["error"]["code"]) == (409, "code_already_registered")
    assert db_rows() == before


def test_a_code_past_its_registration_deadline_is_registration_period_over(
    end_user_client: Client, code: str, db_rows: Callable[[], TableRows]
) -> None:
    Issuance.objects.update(registration_deadline=timezone.now() - timedelta(seconds=1))
    before = db_rows()

    response = register(end_user_client, code)

    assert (response.status_code, response.json()["error"]["code"]) == (410, "registration_period_over")
    assert db_rows() == before


def test_a_code_marked_expired_is_registration_period_over(
    end_user_client: Client, code: str, db_rows: Callable[[], TableRows]
) -> None:
    SerialCode.objects.update(status=CodeStatus.EXPIRED)
    before = db_rows()

    response = register(end_user_client, code)

    assert (response.status_code, response.json()["error"]["code"]) == (410, "registration_period_over")
    assert db_rows() == before


def test_a_voided_code_is_code_voided(end_user_client: Client, code: str, db_rows: Callable[[], TableRows]) -> None:
    SerialCode.objects.update(status=CodeStatus.VOIDED)
    before = db_rows()

    response = register(end_user_client, code)

    assert (response.status_code, response.json()["error"]["code"]) == (410, "code_voided")
    assert db_rows() == before


def test_registration_without_a_login_is_401_not_authenticated(code: str, db_rows: Callable[[], TableRows]) -> None:
    before = db_rows()

    response = register(Client(), code)

    assert (response.status_code, response.json()["error"]["code"]) == (401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Basic")
    assert db_rows() == before


def test_registration_with_a_wrong_password_is_401_authentication_failed(
    end_user: User, code: str, db_rows: Callable[[], TableRows]
) -> None:
    before = db_rows()

    response = register(basic_client(end_user, password="Wrong!pass9"), code)

    assert (response.status_code, response.json()["error"]["code"]) == (401, "authentication_failed")
    assert db_rows() == before


def test_a_partner_api_key_cannot_register_codes(api: ApiClient, code: str, db_rows: Callable[[], TableRows]) -> None:
    before = db_rows()

    response = api.post(PATH, {"code": code})

    assert (response.status_code, response.json()["error"]["code"]) == (401, "not_authenticated")
    assert db_rows() == before


def test_the_partner_sees_a_registered_code_as_registered(
    api: ApiClient, end_user_client: Client, code: str, paid_order: Order
) -> None:
    registered = register(end_user_client, code).json()

    listed = api.get(f"/api/v1/orders/{paid_order.pk}/codes/").json()["results"]

    by_code = {c["code"]: c for c in listed}
    assert by_code[code_format.display(code)]["status"] == "registered"
    assert by_code[code_format.display(code)]["registered_at"] == registered["registered_at"]
    assert sorted(c["status"] for c in listed) == ["issued", "issued", "registered"]


def test_the_partner_sees_an_unregistered_code_past_its_deadline_as_expired(
    api: ApiClient, code: str, paid_order: Order
) -> None:
    Issuance.objects.update(registration_deadline=timezone.now() - timedelta(seconds=1))

    listed = api.get(f"/api/v1/orders/{paid_order.pk}/codes/").json()["results"]

    assert {c["status"] for c in listed} == {"expired"}


def test_my_emoticons_are_paged_newest_first(
    end_user: User, end_user_client: Client, paid_order: Order, issue_codes: Callable[..., list[str]]
) -> None:
    for raw in issue_codes(paid_order, quantity=3):
        code_register(user=end_user, raw_code=raw)

    first = end_user_client.get("/api/v1/me/emoticons/?page_size=2").json()
    second = end_user_client.get(first["next"]).json()

    assert len(first["results"]) == 2 and len(second["results"]) == 1 and second["next"] is None
    times = [row["registered_at"] for row in first["results"] + second["results"]]
    assert times == sorted(times, reverse=True)
