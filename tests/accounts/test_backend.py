"""The authentication backend's load of the signed-in user (bizshop.accounts.backends)."""

from __future__ import annotations

from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY
from django.test import Client

from bizshop.accounts.backends import UserBackend
from bizshop.accounts.models import User


def test_the_signed_in_user_is_loaded_whole(end_user: User) -> None:
    loaded = UserBackend().get_user(str(end_user.pk))

    stored = User.objects.get(pk=end_user.pk)
    assert loaded is not None
    for field in User._meta.concrete_fields:
        assert getattr(loaded, field.attname) == getattr(stored, field.attname), field.name
    assert loaded.date_joined.tzinfo is not None


def test_a_signed_in_session_reaches_the_end_users_pages(end_user_client: Client) -> None:
    assert end_user_client.get("/api/v1/me/emoticons/").status_code == 200


def test_a_deactivated_user_is_signed_out_at_the_next_request(end_user: User, end_user_client: Client) -> None:
    User.objects.filter(pk=end_user.pk).update(is_active=False)

    assert end_user_client.get("/api/v1/me/emoticons/").status_code in (401, 403)


def test_a_session_naming_a_user_that_is_gone_is_not_signed_in(end_user_client: Client) -> None:
    session = end_user_client.session
    session[SESSION_KEY] = "987654321"
    session.save()

    assert end_user_client.get("/api/v1/me/emoticons/").status_code in (401, 403)


def test_a_session_signed_in_through_the_former_backend_stays_signed_in(end_user_client: Client) -> None:
    session = end_user_client.session
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session.save()

    response = end_user_client.get("/api/v1/me/emoticons/")

    assert response.status_code == 200
    assert end_user_client.session[BACKEND_SESSION_KEY] == "bizshop.accounts.backends.UserBackend"
