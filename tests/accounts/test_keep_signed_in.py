"""로그인 상태 유지: checked, the session cookie lasts two weeks; unchecked, it ends with the browser."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bizshop.accounts.models import User
from tests.factories import PASSWORD

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

pytestmark = pytest.mark.django_db
TWO_WEEKS = 14 * 24 * 3600


def sign_in(user: User, **extra: str) -> Response:
    return Client().post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD, **extra})


def test_the_login_form_offers_to_keep_me_signed_in_unchecked(db: None) -> None:
    page = Client().get(reverse("accounts:login")).content.decode()

    assert "로그인 상태 유지" in page
    [checkbox] = re.findall(r'<input type="checkbox" name="remember_me"[^>]*>', page)
    assert "checked" not in checkbox


def test_kept_signed_in_the_cookie_lasts_two_weeks(end_user: User) -> None:
    response = sign_in(end_user, remember_me="on")

    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == TWO_WEEKS
    assert cookie["expires"]
    session = Session.objects.get(session_key=cookie.value)
    assert abs((session.expire_date - timezone.now()).total_seconds() - TWO_WEEKS) < 60


def test_not_kept_the_cookie_has_no_expiry_so_it_ends_with_the_browser(end_user: User) -> None:
    response = sign_in(end_user)

    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie.value and cookie["max-age"] == "" and cookie["expires"] == ""
    assert response.client.session.get_expire_at_browser_close()


def test_either_way_the_member_is_signed_in(end_user: User) -> None:
    for extra in ({}, {"remember_me": "on"}):
        assert sign_in(end_user, **extra).client.session["_auth_user_id"] == str(end_user.pk)
