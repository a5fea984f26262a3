"""Operators: staff users in the groups setup_operator_groups creates, signed in to a test client."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client

from tests.factories import UserFactory


@pytest.fixture
def make_operator(db: None) -> Callable[..., Any]:
    call_command("setup_operator_groups", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115

    def make(*group_names: str) -> Any:
        user = UserFactory(is_staff=True)
        user.groups.set(Group.objects.filter(name__in=group_names))
        return user

    return make


@pytest.fixture
def operator_client() -> Callable[[Any], Client]:
    def sign_in(user: Any) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return sign_in
