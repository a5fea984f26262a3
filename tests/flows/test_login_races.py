"""Parallel password guesses get no more password checks than the limit, parallel resets no more mails."""

from __future__ import annotations

import base64
from collections import Counter

import pytest
from django.core import mail
from django.test import Client

from bizshop.accounts import throttle
from tests.factories import PASSWORD, UserFactory
from tests.helpers.races import outcome, run_together

pytestmark = pytest.mark.django_db(transaction=True)

GUESSES = 24


def basic_guess(email: str, password: str, ip: str) -> int:
    credentials = base64.b64encode(f"{email}:{password}".encode()).decode()
    client = Client(HTTP_AUTHORIZATION=f"Basic {credentials}", REMOTE_ADDR=ip)
    return int(client.get("/api/v1/me/emoticons/").status_code)


def test_parallel_basic_guesses_on_one_account_get_exactly_the_limit_of_checks() -> None:
    user = UserFactory()

    statuses = run_together(
        *[lambda i=i: basic_guess(user.email, f"Wrong!pass{i}", f"10.1.0.{i}") for i in range(GUESSES)]
    )

    assert Counter(statuses) == {401: throttle.ACCOUNT_LIMIT, 429: GUESSES - throttle.ACCOUNT_LIMIT}


def test_parallel_basic_guesses_from_one_ip_get_exactly_the_ip_limit_of_checks() -> None:
    guesses = throttle.IP_LIMIT + 8

    statuses = run_together(
        *[lambda i=i: basic_guess(f"guess{i}@example.kr", "Wrong!pass1", "10.6.6.6") for i in range(guesses)]
    )

    assert Counter(statuses) == {401: throttle.IP_LIMIT, 429: 8}


def test_parallel_right_passwords_within_the_ip_limit_all_get_in(db: None) -> None:
    users = [UserFactory() for _ in range(throttle.IP_LIMIT)]

    statuses = run_together(*[lambda u=u: basic_guess(u.email, PASSWORD, "10.9.9.9") for u in users])

    assert Counter(statuses) == {200: len(users)}


def test_right_passwords_give_their_attempt_back_so_they_never_use_up_the_ips_window(db: None) -> None:
    users = [UserFactory() for _ in range(throttle.IP_LIMIT + 4)]
    for user in users:
        basic_guess(user.email, PASSWORD, "10.9.9.9")

    assert basic_guess(users[0].email, "Wrong!pass1", "10.9.9.9") == 401


def test_parallel_reset_requests_for_one_address_send_exactly_the_limit_of_mails() -> None:
    user = UserFactory()

    def request_reset(i: int) -> int:
        response = Client(REMOTE_ADDR=f"10.2.0.{i}").post("/accounts/password-reset/", {"email": user.email})
        return int(response.status_code)

    statuses = run_together(*[lambda i=i: request_reset(i) for i in range(12)])

    assert Counter(statuses) == {302: throttle.RESET_ACCOUNT_LIMIT, 429: 12 - throttle.RESET_ACCOUNT_LIMIT}
    assert len(mail.outbox) == throttle.RESET_ACCOUNT_LIMIT


def test_parallel_wrong_withdrawal_passwords_get_exactly_the_limit_of_checks(db: None) -> None:
    from bizshop.partners.services import partner_withdraw
    from tests.factories import MemberFactory

    owner = MemberFactory()

    codes = run_together(
        *[
            outcome(
                lambda i=i: partner_withdraw(
                    partner=owner.partner, user=owner.user, password=f"Wrong!pass{i}", ip=f"10.2.0.{i}"
                )
            )
            for i in range(GUESSES)
        ]
    )

    assert Counter(codes) == {
        "invalid_password": throttle.ACCOUNT_LIMIT,
        "too_many_login_attempts": GUESSES - throttle.ACCOUNT_LIMIT,
    }
