"""Login throttling: failed logins counted per account and per IP (in Redis), a Korean refusal."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from bizshop.accounts import throttle
from bizshop.audit.models import AuditEvent
from tests.factories import PASSWORD, UserFactory

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response
    from pytest_django import Settings

    from bizshop.accounts.models import User

pytestmark = pytest.mark.django_db

REFUSAL = "로그인 시도가 너무 많습니다"


def login(email: str, password: str, ip: str = "10.0.0.1") -> Response:
    return Client(REMOTE_ADDR=ip).post(reverse("accounts:login"), {"username": email, "password": password})


def signed_in(response: Any) -> bool:
    return "_auth_user_id" in response.client.session


def test_the_counts_live_in_redis(settings: Settings, end_user: User) -> None:
    login(end_user.email, "Wrong!pass1")

    assert settings.REDIS_URL, "the suite runs against Redis"
    assert "RedisCache" in settings.CACHES["default"]["BACKEND"]
    assert cache.get(f"bizshop:login-failures:account:{end_user.email}:count") == 1


def test_five_failures_lock_the_account_even_for_the_right_password(end_user: User) -> None:
    for _ in range(throttle.ACCOUNT_LIMIT):
        assert not signed_in(login(end_user.email, "Wrong!pass1"))

    response = login(end_user.email, PASSWORD)

    assert not signed_in(response)
    assert REFUSAL in response.content.decode()


def test_the_locked_account_message_says_how_long_to_wait(end_user: User) -> None:
    for _ in range(throttle.ACCOUNT_LIMIT):
        login(end_user.email, "Wrong!pass1")

    response = login(end_user.email, PASSWORD)

    assert "15분" in response.content.decode()


def test_fewer_failures_than_the_limit_still_let_the_right_password_in(end_user: User) -> None:
    for _ in range(throttle.ACCOUNT_LIMIT - 1):
        login(end_user.email, "Wrong!pass1")

    assert signed_in(login(end_user.email, PASSWORD))


def test_a_successful_login_resets_the_accounts_count(end_user: User) -> None:
    for _ in range(throttle.ACCOUNT_LIMIT - 1):
        login(end_user.email, "Wrong!pass1")
    login(end_user.email, PASSWORD)
    for _ in range(throttle.ACCOUNT_LIMIT - 1):
        login(end_user.email, "Wrong!pass1")

    assert signed_in(login(end_user.email, PASSWORD))


def test_the_account_lock_holds_from_another_ip(end_user: User) -> None:
    for i in range(throttle.ACCOUNT_LIMIT):
        login(end_user.email, "Wrong!pass1", ip=f"10.0.1.{i}")

    assert not signed_in(login(end_user.email, PASSWORD, ip="10.9.9.9"))


def test_one_ip_failing_on_many_accounts_is_locked_out_for_every_account() -> None:
    victim = UserFactory()
    for i in range(throttle.IP_LIMIT):
        login(f"guess{i}@example.kr", "Wrong!pass1", ip="10.6.6.6")

    refused = login(victim.email, PASSWORD, ip="10.6.6.6")
    elsewhere = login(victim.email, PASSWORD, ip="10.7.7.7")

    assert (signed_in(refused), signed_in(elsewhere)) == (False, True)
    assert REFUSAL in refused.content.decode()


def test_the_lock_ends_when_the_window_passes(end_user: User, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(throttle, "WINDOW_SECONDS", 1)
    for _ in range(throttle.ACCOUNT_LIMIT):
        login(end_user.email, "Wrong!pass1")
    assert not signed_in(login(end_user.email, PASSWORD))

    time.sleep(1.5)  # Redis expires the counts with the window

    assert signed_in(login(end_user.email, PASSWORD))


def test_failed_and_successful_logins_are_audited(end_user: User) -> None:
    login(end_user.email, "Wrong!pass1", ip="10.3.3.3")
    login(end_user.email, PASSWORD, ip="10.3.3.3")

    events = list(AuditEvent.objects.order_by("pk").values_list("action", "actor_email", "ip"))
    assert events == [
        ("login_failed", end_user.email, "10.3.3.3"),
        ("login", end_user.email, "10.3.3.3"),
    ]


def test_a_throttled_attempt_is_audited(end_user: User) -> None:
    for _ in range(throttle.ACCOUNT_LIMIT):
        login(end_user.email, "Wrong!pass1")

    login(end_user.email, PASSWORD)

    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_THROTTLED, actor_email=end_user.email).count() == 1


def test_the_admin_login_is_throttled_too(admin_user: User) -> None:
    for _ in range(throttle.ACCOUNT_LIMIT):
        Client().post("/admin/login/", {"username": admin_user.email, "password": "Wrong!pass1"})

    response = Client().post("/admin/login/", {"username": admin_user.email, "password": "password"})

    assert "_auth_user_id" not in response.client.session
    assert REFUSAL in response.content.decode()
