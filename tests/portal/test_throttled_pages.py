"""Throttled portal pages answer 429 with Retry-After (sign-in, /register/); reset e-mails are throttled."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from bizshop.accounts import throttle
from bizshop.codes import throttle as registration_throttle
from bizshop.codes.format import check_symbol
from tests.factories import PASSWORD

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

    from bizshop.accounts.models import User

pytestmark = pytest.mark.django_db


def login(email: str, password: str, ip: str = "10.0.0.1") -> Response:
    return Client(REMOTE_ADDR=ip).post(reverse("accounts:login"), {"username": email, "password": password})


def request_reset(email: str, ip: str = "10.0.0.1") -> Response:
    return Client(REMOTE_ADDR=ip).post(reverse("accounts:password-reset"), {"email": email})


def test_a_throttled_login_is_a_429_page_with_retry_after(end_user: User) -> None:
    for _ in range(throttle.ACCOUNT_LIMIT):
        assert login(end_user.email, "Wrong!pass1").status_code == 200

    refused = login(end_user.email, PASSWORD)

    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= throttle.WINDOW_SECONDS
    assert "로그인 시도가 너무 많습니다" in refused.content.decode()
    assert "_auth_user_id" not in refused.client.session


def test_a_throttled_admin_login_is_a_429_page_too(admin_user: User) -> None:
    for _ in range(throttle.ACCOUNT_LIMIT):
        Client().post("/admin/login/", {"username": admin_user.email, "password": "Wrong!pass1"})

    refused = Client().post("/admin/login/", {"username": admin_user.email, "password": "password"})

    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1


def test_a_throttled_register_page_is_a_429_page_with_retry_after(end_user_client: Client) -> None:
    unknown = "0" * 18 + "1"
    for _ in range(registration_throttle.ACCOUNT_WINDOWS[0].limit):
        end_user_client.post(reverse("codes:register"), {"code": unknown + check_symbol(unknown)})

    refused = end_user_client.post(reverse("codes:register"), {"code": unknown + check_symbol(unknown)})

    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= registration_throttle.ACCOUNT_WINDOWS[0].seconds
    assert 'id="id_code_error"' in refused.content.decode()


def test_password_reset_mails_to_one_address_are_throttled(end_user: User) -> None:
    for i in range(throttle.RESET_ACCOUNT_LIMIT):
        assert request_reset(end_user.email, ip=f"10.0.2.{i}").status_code == 302

    refused = request_reset(end_user.email, ip="10.0.3.1")

    assert len(mail.outbox) == throttle.RESET_ACCOUNT_LIMIT
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    assert "비밀번호 재설정 요청이 너무 많습니다" in refused.content.decode()


def test_password_reset_requests_from_one_ip_are_throttled_for_every_address(django_user_model: Any) -> None:
    users = [django_user_model.objects.create_user(f"reset{i}@example.kr", PASSWORD) for i in range(3)]
    for i in range(throttle.RESET_IP_LIMIT):
        request_reset(f"nobody{i}@example.kr", ip="10.6.6.6")

    refused = request_reset(users[0].email, ip="10.6.6.6")
    elsewhere = request_reset(users[1].email, ip="10.7.7.7")

    assert (refused.status_code, elsewhere.status_code) == (429, 302)
    assert [message.to for message in mail.outbox] == [[users[1].email]]


def test_reset_throttling_does_not_tell_which_addresses_have_accounts(end_user: User) -> None:
    for i in range(throttle.RESET_ACCOUNT_LIMIT):
        request_reset(end_user.email, ip=f"10.0.4.{i}")
        request_reset("nobody@example.kr", ip=f"10.0.5.{i}")

    known, unknown = request_reset(end_user.email, ip="10.0.6.1"), request_reset("nobody@example.kr", ip="10.0.6.2")

    assert (known.status_code, unknown.status_code) == (429, 429)


def test_the_reset_refusal_is_in_english_on_an_english_page(end_user: User) -> None:
    client = Client(REMOTE_ADDR="10.0.8.1")
    client.post(reverse("set_language"), {"language": "en"})
    for _ in range(throttle.RESET_ACCOUNT_LIMIT):
        client.post(reverse("accounts:password-reset"), {"email": end_user.email})

    refused = client.post(reverse("accounts:password-reset"), {"email": end_user.email})

    assert refused.status_code == 429
    assert "Too many password reset requests" in refused.content.decode()
