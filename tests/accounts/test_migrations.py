"""The migration that brought the password's age: existing accounts count it from when they joined."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("accounts", "0003_user_email_verified")]
AFTER = [("accounts", "0004_password_age_and_policy_acceptance")]


@pytest.fixture(autouse=True)
def _latest_schema_afterwards(transactional_db: None) -> Iterator[None]:
    """Migrating back unapplies every migration that depends on the target, in any app; put them all
    back, or the tests after this one (transactional ones run last) meet a schema of the past."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_existing_accounts_get_their_join_date_as_the_passwords_last_change() -> None:
    joined = datetime(2025, 6, 1, 9, 0, tzinfo=ZoneInfo("Asia/Seoul"))
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    OldUser = executor.loader.project_state(BEFORE).apps.get_model("accounts", "User")
    OldUser.objects.create(email="old@example.kr", password="!", date_joined=joined)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)

    NewUser = executor.loader.project_state(AFTER).apps.get_model("accounts", "User")
    user = NewUser.objects.get(email="old@example.kr")
    assert user.password_changed_at == joined
    assert user.password_prompt_deferred_until is None
