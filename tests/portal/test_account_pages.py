"""Sign-in, sign-out, end-user sign-up, and the page frame (navigation, language switch)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from bizshop.accounts import errors
from bizshop.accounts.models import User
from bizshop.partners.models import Member
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Tz!9mK2vRq"


def _errors_of(response: Any, field_id: str) -> list[str]:
    block = re.search(
        rf'<div class="field-error" id="{field_id}_error" role="alert">(.*?)</div>', response.content.decode(), re.S
    )
    assert block, f"errors are shown next to {field_id}"
    return re.findall(r"<p>([^<]+)</p>", block.group(1))


def test_login_with_email_and_password_then_logout(end_user: User) -> None:
    client = Client()

    signed_in = client.post(reverse("accounts:login"), {"username": end_user.email, "password": PASSWORD})

    assertRedirects(signed_in, reverse("catalog:home"))
    assertContains(client.get(reverse("catalog:home")), "로그아웃")
    signed_out = client.post(reverse("accounts:logout"))
    assertRedirects(signed_out, reverse("catalog:home"))
    assertContains(client.get(reverse("catalog:home")), 'href="/accounts/login/')


def test_login_follows_next_to_the_register_page(end_user: User) -> None:
    response = Client().post(
        reverse("accounts:login"),
        {"username": end_user.email, "password": PASSWORD, "next": reverse("codes:register")},
    )

    assertRedirects(response, reverse("codes:register"))


def test_login_with_a_wrong_password_is_refused_on_the_page(end_user: User) -> None:
    response = Client().post(reverse("accounts:login"), {"username": end_user.email, "password": "wrong"})

    assert response.status_code == 200
    assertContains(response, 'id="error-summary"')
    assertContains(response, "<title>오류: ")
    assert "_auth_user_id" not in response.client.session


def test_signup_creates_an_end_user_signs_in_and_goes_to_register() -> None:
    client = Client()

    response = client.post(
        reverse("accounts:signup"),
        {
            "email": "New.User@Example.kr",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "agree_terms": "on",
            "agree_privacy": "on",
        },
    )

    assertRedirects(response, reverse("codes:register"))
    user = User.objects.get(email="new.user@example.kr")
    assert user.check_password(NEW_PASSWORD)
    assert not Member.objects.filter(user=user).exists()
    assert client.get(reverse("codes:register")).status_code == 200


def test_signup_shows_each_password_policy_problem_next_to_the_password() -> None:
    response = Client().post(
        reverse("accounts:signup"),
        {
            "email": "weak@example.kr",
            "password1": "abc",
            "password2": "abc",
            "agree_terms": "on",
            "agree_privacy": "on",
        },
    )

    problems = _errors_of(response, "id_password1")
    assert "비밀번호는 8자 이상 32자 이하여야 합니다." in problems
    assert "영문 대문자, 소문자, 숫자, 특수문자 중 3종류 이상을 사용해 주세요." in problems
    assert any(problem.startswith("연속된 문자") for problem in problems)
    assert not User.objects.filter(email="weak@example.kr").exists()


def test_signup_shows_a_taken_email_next_to_the_email(end_user: User) -> None:
    response = Client().post(
        reverse("accounts:signup"),
        {
            "email": end_user.email.upper(),
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "agree_terms": "on",
            "agree_privacy": "on",
        },
    )

    assert _errors_of(response, "id_email") == [str(errors.EMAIL_TAKEN.message)]


def test_signup_shows_an_invalid_email_next_to_the_email() -> None:
    response = Client().post(
        reverse("accounts:signup"),
        {
            "email": "not-an-email",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "agree_terms": "on",
            "agree_privacy": "on",
        },
    )

    assert _errors_of(response, "id_email") == [str(errors.INVALID_EMAIL.message)]


def test_signup_refuses_two_different_passwords() -> None:
    response = Client().post(
        reverse("accounts:signup"),
        {
            "email": "typo@example.kr",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD + "x",
            "agree_terms": "on",
            "agree_privacy": "on",
        },
    )

    assert _errors_of(response, "id_password2")
    assert not User.objects.filter(email="typo@example.kr").exists()


def test_pages_are_korean_by_default_and_switch_to_english() -> None:
    client = Client()
    assertContains(client.get(reverse("catalog:home")), '<html lang="ko">')

    switched = client.post("/i18n/setlang/", {"language": "en", "next": reverse("catalog:home")})

    assertRedirects(switched, reverse("catalog:home"))
    assertContains(client.get(reverse("catalog:home")), '<html lang="en">')


def test_navigation_shows_purchase_history_to_partner_members_only(
    member_client: Client, end_user_client: Client
) -> None:
    order_list = f'href="{reverse("billing:order-list")}"'

    assertContains(member_client.get(reverse("catalog:home")), order_list)
    assertNotContains(end_user_client.get(reverse("catalog:home")), order_list)
    assertNotContains(Client().get(reverse("catalog:home")), order_list)
