"""Schemathesis against /api/schema/: generated requests, with a valid API key, to every operation.

Zero 5xx responses and zero responses that break the schema (bounded examples per operation).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from bizshop.partners.services import api_key_create
from tests.factories import EmoticonFactory, MemberFactory

EXAMPLES_PER_OPERATION = 8


@pytest.fixture
def api_schema(db: None) -> Iterator[Any]:
    from bizshop.wsgi import application

    # Requests go straight to the WSGI app: keep Django from closing the test's connection at
    # the end of each one, as its own test client does.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/", application)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def partner_key(db: None) -> str:
    member = MemberFactory()
    EmoticonFactory()
    return api_key_create(user=member.user, name="schemathesis").raw_key


def test_the_api_answers_every_generated_request_without_5xx_or_schema_breaks(
    api_schema: Any, partner_key: str
) -> None:
    headers = {"Authorization": f"Bearer {partner_key}"}
    failures: list[str] = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 25  # the whole API, not an empty schema

    for operation in operations:

        @hypothesis_settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        @given(case=operation.as_strategy())
        def exercise(case: Any) -> None:
            response = case.call(headers=headers)
            case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])

        try:
            exercise()
        except (Exception, BaseExceptionGroup) as exc:  # collect every failure, then report them all
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:400]}")

    assert not failures, "\n".join(failures)
