"""The 90-day question: a password over 90 days old is asked to be changed after signing in;
나중에 변경하기 puts it off for another 90 days. Time is moved with time-machine."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from bizshop.accounts import services
from bizshop.accounts.models import User
from tests.factories import PASSWORD, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

KST = ZoneInfo("Asia/Seoul")
SET_AT = datetime(2026, 3, 2, 9, 0, tzinfo=KST)  # when the password was set
NEW_PASSWORD = "Wq!5nR8tLz"
PROMPT_URL = reverse("accounts:password-prompt")


@pytest.fixture
def traveller() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(SET_AT, tick=False) as traveller:
        yield traveller


@pytest.fixture
def user(traveller: time_machine.Coordinates) -> User:
    created: User = UserFactory()
    return created


def sign_in(user: User, next_url: str = "") -> tuple[Client, str]:
    """Sign in through the form; the client and where the sign-in sent it."""
    client = Client()
    data = {"username": user.email, "password": PASSWORD, **({"next": next_url} if next_url else {})}
    response = client.post(reverse("accounts:login"), data)
    assert response.status_code == 302
    return client, response["Location"]


def test_a_new_account_stamps_when_its_password_was_set(user: User) -> None:
    assert user.password_changed_at == SET_AT


def test_a_password_of_89_days_is_not_asked_about(user: User, traveller: time_machine.Coordinates) -> None:
    traveller.shift(timedelta(days=89))

    _, target = sign_in(user, next_url="/me/emoticons/")

    assert target == "/me/emoticons/"


def test_a_password_of_90_days_is_asked_about_after_signing_in(user: User, traveller: time_machine.Coordinates) -> None:
    traveller.shift(timedelta(days=90))

    client, target = sign_in(user, next_url="/me/emoticons/")

    assert target == f"{PROMPT_URL}?next=%2Fme%2Femoticons%2F"
    page = client.get(target)
    assert "90일 넘게 같은 비밀번호를 사용하고 계십니다" in page.content.decode()
    assert "나중에 변경하기" in page.content.decode()


def test_partner_members_are_asked_as_well(traveller: time_machine.Coordinates) -> None:
    member = MemberFactory()
    traveller.shift(timedelta(days=120))

    _, target = sign_in(member.user)

    assert target.startswith(PROMPT_URL)


def test_later_goes_on_and_puts_the_question_off_for_90_days(user: User, traveller: time_machine.Coordinates) -> None:
    traveller.shift(timedelta(days=100))
    client, target = sign_in(user, next_url="/me/emoticons/")

    response = client.post(target, {"defer": "1", "next": "/me/emoticons/"})

    assert response.status_code == 302 and response.url == "/me/emoticons/"
    user.refresh_from_db()
    assert user.password_prompt_deferred_until == SET_AT + timedelta(days=190)
    traveller.shift(timedelta(days=89))
    assert sign_in(user)[1] == reverse("catalog:home")
    traveller.shift(timedelta(days=1))
    assert sign_in(user)[1].startswith(PROMPT_URL)


def test_changing_on_the_prompt_goes_on_and_starts_the_age_afresh(
    user: User, traveller: time_machine.Coordinates
) -> None:
    traveller.shift(timedelta(days=100))
    client, target = sign_in(user, next_url="/me/emoticons/")

    response = client.post(
        target,
        {
            "current_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
            "next": "/me/emoticons/",
        },
    )

    assert response.status_code == 302 and response.url == "/me/emoticons/"
    user.refresh_from_db()
    assert user.password_changed_at == SET_AT + timedelta(days=100)
    assert client.get("/accounts/password/").status_code == 200  # still signed in


def test_a_refused_change_on_the_prompt_stays_on_the_prompt_with_the_reason(
    user: User, traveller: time_machine.Coordinates
) -> None:
    traveller.shift(timedelta(days=100))
    client, target = sign_in(user)

    response = client.post(
        target, {"current_password": PASSWORD, "new_password1": "Wq~5nR8tLz", "new_password2": "Wq~5nR8tLz"}
    )

    assert response.status_code == 200
    assert "사용할 수 없는 문자가 있습니다: ~." in response.content.decode()


def test_a_password_reset_by_e_mail_starts_the_age_afresh(user: User, traveller: time_machine.Coordinates) -> None:
    traveller.shift(timedelta(days=100))

    services.password_reset_record(user=user, client_ip="10.0.0.1")

    user.refresh_from_db()
    assert user.password_changed_at == SET_AT + timedelta(days=100)
    assert not services.password_change_due(user=user)


def test_an_account_without_a_usable_password_is_not_asked(traveller: time_machine.Coordinates) -> None:
    user = User.objects.create_user(email="nopass@example.kr")
    traveller.shift(timedelta(days=365))

    assert not services.password_change_due(user=user)
