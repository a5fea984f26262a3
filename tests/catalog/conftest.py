"""Catalog fixtures: a catalog manager (상품 관리자) signed in to the admin, to edit emoticons."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from bizshop.accounts.models import User
from bizshop.backoffice.management.commands.setup_operator_groups import CATALOG_MANAGER


@pytest.fixture
def manager_client(make_operator: Callable[..., User], operator_client: Callable[[User], Client]) -> Client:
    """A signed-in operator of the 상품 관리자 group."""
    return operator_client(make_operator(CATALOG_MANAGER))
