"""Operator fixtures shared with tests/backoffice (catalog managers edit emoticons in the admin)."""

from tests.backoffice.conftest import make_operator, operator_client

__all__ = ["make_operator", "operator_client"]
