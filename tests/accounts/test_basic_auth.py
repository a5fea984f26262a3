"""HTTP Basic on the end-user API: throttled in the portal login's windows, audited, end users only."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from django.test import Client
from django.urls import reverse

from bizshop.accounts import throttle
from bizshop.audit.models import AuditEvent
from bizshop.billing.models import Order
from bizshop.partners.models import Member
from tests.factories import PASSWORD, MemberFactory, UserFactory

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

    from bizshop.accounts.models import User

pytestmark = pytest.mark.django_db

MY_EMOTICONS = "/api/v1/me/emoticons/"
REGISTRATIONS = "/api/v1/registrations/"


def basic(email: str, password: str, ip: str = "10.0.0.1") -> Client:
    credentials = base64.b64encode(f"{email}:{password}".encode()).decode()
    return Client(HTTP_AUTHORIZATION=f"Basic {credentials}", REMOTE_ADDR=ip)


def portal_login(email: str, password: str, ip: str = "10.0.0.1") -> Response:
    return Client(REMOTE_ADDR=ip).post(reverse("accounts:login"), {"username": email, "password": password})


def test_basic_guessing_is_429_with_retry_after_once_over_even_for_the_right_password(end_user: User) -> None:
    wrong = [basic(end_user.email, f"Wrong!pass{i}").get(MY_EMOTICONS) for i in range(throttle.ACCOUNT_LIMIT)]

    right = basic(end_user.email, PASSWORD).get(MY_EMOTICONS)

    assert [r.status_code for r in wrong] == [401] * throttle.ACCOUNT_LIMIT
    assert (right.status_code, right.json()["error"]["code"]) == (429, "too_many_login_attempts")
    assert 1 <= int(right["Retry-After"]) <= throttle.WINDOW_SECONDS


def test_a_code_registration_by_basic_is_refused_once_over(
    end_user: User, paid_order: Order, issue_codes: Callable[..., list[str]]
) -> None:
    [code] = issue_codes(paid_order, quantity=1)
    for i in range(throttle.ACCOUNT_LIMIT):
        basic(end_user.email, f"Wrong!pass{i}").post(REGISTRATIONS, {"code": code}, content_type="application/json")

    refused = basic(end_user.email, PASSWORD).post(REGISTRATIONS, {"code": code}, content_type="application/json")

    assert (refused.status_code, refused.json()["error"]["code"]) == (429, "too_many_login_attempts")
    assert "Retry-After" in refused


def test_basic_failures_lock_the_portal_login_too(end_user: User) -> None:
    for i in range(throttle.ACCOUNT_LIMIT):
        basic(end_user.email, f"Wrong!pass{i}").get(MY_EMOTICONS)

    assert portal_login(end_user.email, PASSWORD).status_code == 429


def test_portal_login_failures_lock_basic_too(end_user: User) -> None:
    for _ in range(throttle.ACCOUNT_LIMIT):
        portal_login(end_user.email, "Wrong!pass1")

    assert basic(end_user.email, PASSWORD).get(MY_EMOTICONS).status_code == 429


def test_one_ip_guessing_many_accounts_over_basic_is_locked_out() -> None:
    victim = UserFactory()
    for i in range(throttle.IP_LIMIT):
        basic(f"guess{i}@example.kr", "Wrong!pass1", ip="10.6.6.6").get(MY_EMOTICONS)

    refused = basic(victim.email, PASSWORD, ip="10.6.6.6").get(MY_EMOTICONS)
    elsewhere = basic(victim.email, PASSWORD, ip="10.7.7.7").get(MY_EMOTICONS)

    assert (refused.status_code, elsewhere.status_code) == (429, 200)


def test_basic_failures_and_refusals_are_audited(end_user: User) -> None:
    for i in range(throttle.ACCOUNT_LIMIT):
        basic(end_user.email, f"Wrong!pass{i}", ip="10.3.3.3").get(MY_EMOTICONS)
    basic(end_user.email, PASSWORD, ip="10.3.3.3").get(MY_EMOTICONS)

    failed = ("login_failed", end_user.email, "10.3.3.3", {"channel": "http_basic", "reason": "wrong_credentials"})
    throttled = ("login_throttled", end_user.email, "10.3.3.3", {"channel": "http_basic"})
    events = list(AuditEvent.objects.order_by("pk").values_list("action", "actor_email", "ip", "data"))
    assert events == [failed] * throttle.ACCOUNT_LIMIT + [throttled]


@pytest.mark.parametrize("role", [Member.Role.OWNER, Member.Role.MEMBER])
def test_partner_members_cannot_use_basic_even_with_the_right_password(role: str) -> None:
    member = MemberFactory(role=role)

    response = basic(member.user.email, PASSWORD).get(MY_EMOTICONS)

    assert (response.status_code, response.json()["error"]["code"]) == (401, "authentication_failed")
    assert response["WWW-Authenticate"].startswith("Basic")
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN_FAILED)
    assert event.data == {"channel": "http_basic", "reason": "not_an_end_user"}


def test_a_partner_owners_right_password_over_basic_counts_as_a_failure(db: None) -> None:
    owner = MemberFactory().user
    for _ in range(throttle.ACCOUNT_LIMIT):
        basic(owner.email, PASSWORD).get(MY_EMOTICONS)

    assert basic(owner.email, PASSWORD).get(MY_EMOTICONS).status_code == 429


def test_operators_cannot_use_basic(admin_user: User) -> None:
    response = basic(admin_user.email, "password").get(MY_EMOTICONS)

    assert response.status_code == 401


def test_a_successful_basic_request_clears_the_accounts_count(end_user: User) -> None:
    for i in range(throttle.ACCOUNT_LIMIT - 1):
        basic(end_user.email, f"Wrong!pass{i}").get(MY_EMOTICONS)
    assert basic(end_user.email, PASSWORD).get(MY_EMOTICONS).status_code == 200
    for i in range(throttle.ACCOUNT_LIMIT - 1):
        basic(end_user.email, f"Wrong!pass{i}").get(MY_EMOTICONS)

    assert basic(end_user.email, PASSWORD).get(MY_EMOTICONS).status_code == 200
