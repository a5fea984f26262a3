"""End-user API tokens: issued by signing in, short-lived, revocable; the fast way past HTTP Basic."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bizshop.accounts import services, throttle
from bizshop.accounts.models import ApiToken, User
from bizshop.audit.models import AuditEvent
from bizshop.billing.models import Order
from bizshop.codes.models import Registration
from tests.factories import PASSWORD, MemberFactory

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

    from tests.helpers.api import ApiClient

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
MY_EMOTICONS = "/api/v1/me/emoticons/"


def sign_in(email: str, password: str = PASSWORD, ip: str = "10.0.0.1") -> Response:
    return Client(REMOTE_ADDR=ip).post(
        TOKEN_URL, {"email": email, "password": password}, content_type="application/json"
    )


def with_token(token: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def test_signing_in_gives_a_bearer_token_that_expires_within_the_hour(end_user: User) -> None:
    response = sign_in(end_user.email)

    assert response.status_code == 201
    body = response.json()
    assert body["token_type"] == "Bearer" and body["token"].startswith("eut_")
    expires_at = timezone.datetime.fromisoformat(body["expires_at"])
    assert timezone.now() < expires_at <= timezone.now() + timedelta(hours=1)
    assert response["Cache-Control"] == "no-store"


def test_the_token_registers_a_code(end_user: User, paid_order: Order, issue_codes: Callable[..., list[str]]) -> None:
    [code] = issue_codes(paid_order, quantity=1)
    token = sign_in(end_user.email).json()["token"]

    response = with_token(token).post("/api/v1/registrations/", {"code": code}, content_type="application/json")

    assert response.status_code == 201
    assert Registration.objects.get().user == end_user


def test_a_request_with_a_token_checks_no_password_and_reads_one_token_row(
    end_user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = sign_in(end_user.email).json()["token"]

    def no_password_check(self: Any, raw_password: str) -> bool:
        raise AssertionError("a token request must not hash a password")

    monkeypatch.setattr(User, "check_password", no_password_check)
    with CaptureQueriesContext(connection) as queries:
        response = with_token(token).get(MY_EMOTICONS)

    assert response.status_code == 200
    assert sum("accounts_apitoken" in q["sql"] for q in queries.captured_queries) == 1


def test_only_a_hash_of_the_token_is_stored(end_user: User) -> None:
    token = sign_in(end_user.email).json()["token"]

    stored = ApiToken.objects.get()
    assert token not in stored.token_hash and len(stored.token_hash) == 64


def test_a_wrong_password_gets_no_token_and_counts_in_the_login_windows(end_user: User) -> None:
    refused = [sign_in(end_user.email, f"Wrong!pass{i}") for i in range(throttle.ACCOUNT_LIMIT)]

    locked = sign_in(end_user.email)

    assert [(r.status_code, r.json()["error"]["code"]) for r in refused] == [
        (401, "authentication_failed")
    ] * throttle.ACCOUNT_LIMIT
    assert (locked.status_code, locked.json()["error"]["code"]) == (429, "too_many_login_attempts")
    assert int(locked["Retry-After"]) >= 1
    assert not ApiToken.objects.exists()


def test_signing_in_for_a_token_is_audited(end_user: User) -> None:
    sign_in(end_user.email, "Wrong!pass1", ip="10.3.3.3")
    sign_in(end_user.email, ip="10.3.3.3")

    events = list(AuditEvent.objects.order_by("pk").values_list("action", "ip", "data"))
    assert events == [
        ("login_failed", "10.3.3.3", {"channel": "api_token", "reason": "wrong_credentials"}),
        ("login", "10.3.3.3", {"channel": "api_token"}),
    ]


def test_partner_members_get_no_token(db: None) -> None:
    member = MemberFactory()

    response = sign_in(member.user.email)

    assert (response.status_code, response.json()["error"]["code"]) == (401, "authentication_failed")


def test_a_token_stops_working_once_its_user_joins_a_partner(end_user: User) -> None:
    token = sign_in(end_user.email).json()["token"]
    MemberFactory(user=end_user)

    assert with_token(token).get(MY_EMOTICONS).status_code == 401


@pytest.mark.parametrize(
    "body", [{}, {"email": "a@example.kr"}, {"password": PASSWORD}, {"email": "a" * 300, "password": "x"}]
)
def test_missing_or_too_long_fields_are_422(db: None, body: dict[str, str]) -> None:
    response = Client().post(TOKEN_URL, body, content_type="application/json")

    assert (response.status_code, response.json()["error"]["code"]) == (422, "invalid_request")


def test_an_expired_token_is_401(end_user: User) -> None:
    token = sign_in(end_user.email).json()["token"]
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    response = with_token(token).get(MY_EMOTICONS)

    assert (response.status_code, response.json()["error"]["code"]) == (401, "authentication_failed")


def test_a_token_is_revoked_with_delete(end_user: User) -> None:
    token = sign_in(end_user.email).json()["token"]

    revoked = with_token(token).delete(TOKEN_URL)

    assert revoked.status_code == 204
    assert with_token(token).get(MY_EMOTICONS).status_code == 401
    assert with_token(token).delete(TOKEN_URL).status_code == 401


def test_revoking_one_token_leaves_the_others(end_user: User) -> None:
    first, second = sign_in(end_user.email).json()["token"], sign_in(end_user.email).json()["token"]

    with_token(first).delete(TOKEN_URL)

    assert with_token(second).get(MY_EMOTICONS).status_code == 200


def test_a_password_reset_revokes_every_token(end_user: User) -> None:
    token = sign_in(end_user.email).json()["token"]

    services.password_reset_record(user=end_user, client_ip="10.0.0.1")

    assert with_token(token).get(MY_EMOTICONS).status_code == 401


def test_a_deactivated_user_s_token_stops_working(end_user: User) -> None:
    token = sign_in(end_user.email).json()["token"]
    end_user.is_active = False
    end_user.save(update_fields=["is_active"])

    assert with_token(token).get(MY_EMOTICONS).status_code == 401


def test_an_unknown_token_is_401_and_a_partner_key_is_still_not_an_end_user(api: ApiClient) -> None:
    unknown = with_token("eut_" + "A" * 43).get(MY_EMOTICONS)
    partner_key = with_token(api.raw_key).get(MY_EMOTICONS)

    assert (unknown.status_code, unknown.json()["error"]["code"]) == (401, "authentication_failed")
    assert partner_key.status_code == 401


def test_a_stale_token_sent_along_does_not_stop_signing_in(end_user: User) -> None:
    response = with_token("eut_stale").post(
        TOKEN_URL, {"email": end_user.email, "password": PASSWORD}, content_type="application/json"
    )

    assert response.status_code == 201


def test_the_token_endpoint_is_in_the_schema(db: None) -> None:
    schema = Client().get(reverse("api-schema"), HTTP_ACCEPT="application/json").json()

    assert {"post", "delete"} <= set(schema["paths"]["/api/v1/auth/token/"])
    assert "EndUserToken" in schema["components"]["securitySchemes"]


def test_refusals_are_in_english_on_request(end_user: User) -> None:
    wrong = Client(HTTP_ACCEPT_LANGUAGE="en").post(
        TOKEN_URL, {"email": end_user.email, "password": "Wrong!pass1"}, content_type="application/json"
    )
    stale = Client(HTTP_ACCEPT_LANGUAGE="en", HTTP_AUTHORIZATION="Bearer eut_stale").get(MY_EMOTICONS)

    assert wrong.json()["error"]["message"] == "Incorrect email or password."
    assert (
        stale.json()["error"]["message"] == "The token is invalid, expired or revoked. Sign in again for a new token."
    )


def test_an_operator_revokes_tokens_in_the_admin(end_user: User, admin_client: Client) -> None:
    token = sign_in(end_user.email).json()["token"]

    admin_client.post(
        "/admin/accounts/apitoken/",
        {"action": "revoke", "_selected_action": [ApiToken.objects.get().pk]},
    )

    assert with_token(token).get(MY_EMOTICONS).status_code == 401
    assert admin_client.get(f"/admin/accounts/apitoken/{ApiToken.objects.get().pk}/change/").status_code == 200
