"""Portal fixtures: signed-in partner members (ours and another partner's) and codes ready to register."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from bizshop.billing.models import Order
from bizshop.codes.crypto import get_keyring
from bizshop.codes.models import SerialCode
from bizshop.codes.services import issuance_start
from bizshop.partners.models import Member
from tests.factories import MemberFactory, UserFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # Every portal test signs people up or in; the production hasher's cost would dominate the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def member(db: None) -> Member:
    return MemberFactory()


@pytest.fixture
def member_client(member: Member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


@pytest.fixture
def other_member_client(db: None) -> Client:
    client = Client()
    client.force_login(MemberFactory().user)
    return client


@pytest.fixture
def issue_and_decrypt(django_capture_on_commit_callbacks: Any) -> Callable[[Order, int], list[str]]:
    """Issue ``count`` codes of a paid order (the Celery task runs at commit) and return them in plaintext."""

    def issue(order: Order, count: int) -> list[str]:
        with django_capture_on_commit_callbacks(execute=True):
            issuance = issuance_start(order_id=order.pk, partner=order.partner, quantity=count)
        keyring = get_keyring()
        return [
            keyring.decrypt(code.key_id, code.ciphertext)
            for code in SerialCode.objects.filter(issuance=issuance).order_by("id")
        ]

    return issue


@pytest.fixture
def make_end_user(db: None) -> Callable[[], Any]:
    return UserFactory
