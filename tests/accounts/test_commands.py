"""create_end_user: an account that can register codes."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from bizshop.accounts.models import User
from bizshop.partners.models import Member
from tests.factories import PASSWORD


def test_create_end_user_makes_a_login_without_a_partner(db: None) -> None:
    out = StringIO()

    call_command("create_end_user", "--email", "Holder@Example.kr", "--password", PASSWORD, stdout=out)

    user = User.objects.get(pk=int(out.getvalue().strip()))
    assert user.email == "holder@example.kr"
    assert user.check_password(PASSWORD)
    assert not Member.objects.filter(user=user).exists()


def test_create_end_user_refuses_a_weak_password(db: None) -> None:
    with pytest.raises(CommandError, match="weak_password"):
        call_command("create_end_user", "--email", "holder@example.kr", "--password", "abc12345", stdout=StringIO())

    assert not User.objects.exists()


def test_create_end_user_refuses_an_email_in_use(db: None) -> None:
    call_command("create_end_user", "--email", "holder@example.kr", "--password", PASSWORD, stdout=StringIO())

    with pytest.raises(CommandError, match="email_taken"):
        call_command("create_end_user", "--email", "HOLDER@example.kr", "--password", PASSWORD, stdout=StringIO())
