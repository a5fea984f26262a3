"""Operator fixtures shared with tests/backoffice (catalog managers edit emoticons in the admin)."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tests.backoffice.conftest import make_operator, operator_client

__all__ = ["make_operator", "operator_client"]

CATALOG_MANAGER = "상품 관리자"


@pytest.fixture
def manager_client(make_operator: Callable[..., Any], operator_client: Callable[[Any], Client]) -> Client:
    """A signed-in operator of the 상품 관리자 group."""
    return operator_client(make_operator(CATALOG_MANAGER))


@pytest.fixture
def partner_client(db: None) -> Client:
    """A signed-in member of a partner (the portal's buyer)."""
    from tests.factories import MemberFactory

    client = Client()
    client.force_login(MemberFactory().user)
    return client
