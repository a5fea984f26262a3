"""비밀번호 변경 while signed in: current password, the shop's policy, and every other session ended."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client
from django.urls import reverse

from bizshop.accounts.models import User
from tests.factories import PASSWORD, MemberFactory

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Wq!5nR8tLz"
CHANGE_URL = "/accounts/password/"
MY_EMOTICONS_API = "/api/v1/me/emoticons/"


def signed_in(user: User, ip: str = "10.0.0.1") -> Client:
    """A client signed in through the login form, as a person would (a session of its own)."""
    client = Client(REMOTE_ADDR=ip)
    response = client.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()
    return client


def change(client: Client, current: str = PASSWORD, new: str = NEW_PASSWORD, repeated: str | None = None) -> Response:
    data = {"current_password": current, "new_password1": new, "new_password2": new if repeated is None else repeated}
    return client.post(CHANGE_URL, data)


def field_errors(response: Any, field: str) -> list[str]:
    return list(response.context["form"].errors.get(field, []))


def test_the_change_page_asks_for_the_current_password_and_the_new_one_twice(end_user: User) -> None:
    page = signed_in(end_user).get(CHANGE_URL)

    assert page.status_code == 200
    assert list(page.context["form"].fields) == ["current_password", "new_password1", "new_password2"]
    assert "! @ # $ % ^ &amp; * ( ) - + = { } [ ]" in page.content.decode()


def test_the_change_page_is_for_signed_in_users_only(db: None) -> None:
    response = Client().get(CHANGE_URL)

    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_an_end_user_changes_the_password_and_signs_in_with_the_new_one(end_user: User) -> None:
    response = change(signed_in(end_user))

    assert response.status_code == 302
    end_user.refresh_from_db()
    assert end_user.check_password(NEW_PASSWORD) and not end_user.check_password(PASSWORD)
    assert Client().login(username=end_user.email, password=NEW_PASSWORD)


def test_a_partner_member_changes_the_password_too(db: None) -> None:
    member = MemberFactory()

    change(signed_in(member.user))

    member.user.refresh_from_db()
    assert member.user.check_password(NEW_PASSWORD)


def test_a_wrong_current_password_is_refused_and_changes_nothing(end_user: User) -> None:
    response = change(signed_in(end_user), current="Wrong!pass9X")

    assert response.status_code == 200
    assert field_errors(response, "current_password") == ["현재 비밀번호가 올바르지 않습니다."]
    end_user.refresh_from_db()
    assert end_user.check_password(PASSWORD)


def test_wrong_current_passwords_count_in_the_login_windows(end_user: User) -> None:
    client = signed_in(end_user)
    for _ in range(5):
        change(client, current="Wrong!pass9X")

    response = change(client)

    assert "로그인 시도가 너무 많습니다" in field_errors(response, "current_password")[0]
    end_user.refresh_from_db()
    assert end_user.check_password(PASSWORD)


@pytest.mark.parametrize(
    ("new", "problem"),
    [
        ("Wq~5nR8tLz", "사용할 수 없는 문자가 있습니다: ~."),
        ("short1!", "비밀번호는 8자 이상 32자 이하여야 합니다."),
        ("Mx7!abcZw", "연속된 문자"),
    ],
)
def test_the_new_password_is_checked_by_the_shop_policy(end_user: User, new: str, problem: str) -> None:
    response = change(signed_in(end_user), new=new)

    assert any(problem in error for error in field_errors(response, "new_password1"))
    end_user.refresh_from_db()
    assert end_user.check_password(PASSWORD)


def test_the_new_password_must_differ_from_the_current_one(end_user: User) -> None:
    response = change(signed_in(end_user), new=PASSWORD)

    assert field_errors(response, "new_password1") == [
        "새 비밀번호가 현재 비밀번호와 같습니다. 다른 비밀번호를 입력해 주세요."
    ]


def test_the_new_password_typed_differently_twice_is_refused(end_user: User) -> None:
    response = change(signed_in(end_user), repeated=NEW_PASSWORD + "x")

    assert field_errors(response, "new_password2") == ["비밀번호가 서로 다릅니다. 같은 비밀번호를 두 번 입력해 주세요."]
    end_user.refresh_from_db()
    assert end_user.check_password(PASSWORD)


def test_a_change_ends_every_other_session_and_keeps_this_one(end_user: User) -> None:
    phone, laptop = signed_in(end_user, ip="10.0.0.1"), signed_in(end_user, ip="10.0.0.2")
    assert laptop.get(CHANGE_URL).status_code == 200

    change(phone)

    assert phone.get(CHANGE_URL).status_code == 200
    on_laptop = laptop.get(CHANGE_URL)
    assert on_laptop.status_code == 302 and on_laptop.url.startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in laptop.session


def test_a_change_revokes_the_end_users_api_tokens(end_user: User) -> None:
    token = (
        Client()
        .post("/api/v1/auth/token/", {"email": end_user.email, "password": PASSWORD}, content_type="application/json")
        .json()["token"]
    )
    with_token = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert with_token.get(MY_EMOTICONS_API).status_code == 200

    change(signed_in(end_user))

    assert with_token.get(MY_EMOTICONS_API).status_code == 401


def test_the_change_page_is_linked_from_my_emoticons_and_the_partner_menu(end_user_client: Client) -> None:
    member_client = Client()
    member_client.force_login(MemberFactory().user)

    assert f'href="{CHANGE_URL}"' in end_user_client.get("/me/emoticons/").content.decode()
    assert f'href="{CHANGE_URL}?next=/partners/"' in member_client.get("/partners/").content.decode()
