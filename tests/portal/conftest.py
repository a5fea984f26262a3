"""Portal fixtures: codes ready to register, end users to register them (signed-in partner members are
the root conftest's member_client and other_member_client)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from bizshop.billing.models import Order
from bizshop.codes.crypto import get_keyring
from bizshop.codes.models import SerialCode
from bizshop.codes.services import issuance_start
from tests.factories import UserFactory

if TYPE_CHECKING:
    from pytest_django import DjangoCaptureOnCommitCallbacks

    from bizshop.accounts.models import User


@pytest.fixture
def issue_and_decrypt(
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> Callable[[Order, int], list[str]]:
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
def make_end_user(db: None) -> Callable[[], User]:
    return UserFactory.create
