"""The sign-in form refuses empty and over-long fields with a form error, never a 500."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.test import Client
from django.urls import reverse

from bizshop.audit.models import AuditEvent
from tests.factories import PASSWORD

if TYPE_CHECKING:
    from bizshop.accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
@pytest.mark.parametrize(
    "data",
    [
        {"username": "", "password": PASSWORD},
        {"username": "someone@example.kr", "password": ""},
        {"username": "", "password": ""},
        {"password": PASSWORD},
        {"username": "someone@example.kr"},
        {"username": "a" * 10_000 + "@example.kr", "password": PASSWORD},
        {"username": "someone@example.kr", "password": "p" * 100_000},
    ],
    ids=["no-email", "no-password", "neither", "email-missing", "password-missing", "long-email", "long-password"],
)
def test_an_empty_or_over_long_field_is_a_form_error(path: str, data: dict[str, str]) -> None:
    response = Client().post(path, data)

    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in response.client.session


def test_an_empty_password_is_not_recorded_as_a_login(end_user: User) -> None:
    Client().post(reverse("accounts:login"), {"username": end_user.email, "password": ""})

    assert not AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN).exists()
