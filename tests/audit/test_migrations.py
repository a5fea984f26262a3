"""The audit log's move from partners to its own app keeps its table, its rows and its permission."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# Before: no audit app yet (None: every audit migration unapplied), partners still holding the log.
BEFORE = [("audit", None), ("partners", "0003_revoke_keys_of_removed_members")]
AFTER = [("audit", "0001_initial"), ("partners", "0004_auditevent_moves_to_audit")]


@pytest.fixture(autouse=True)
def _latest_schema_afterwards(transactional_db: None) -> Iterator[None]:
    """Migrating back unapplies every migration that depends on the target, in any app; put them all
    back, or the tests after this one (transactional ones run last) meet a schema of the past."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_moving_the_audit_log_keeps_every_row_and_its_content_type() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_apps = executor.loader.project_state(BEFORE[1:]).apps
    OldAuditEvent = old_apps.get_model("partners", "AuditEvent")
    kept = OldAuditEvent.objects.create(
        action="login_failed", actor_email="old@example.kr", ip="203.0.113.7", data={"reason": "wrong_password"}
    )
    old_content_type = old_apps.get_model("contenttypes", "ContentType").objects.get(
        app_label="partners", model="auditevent"
    )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)

    new_apps = executor.loader.project_state(AFTER).apps
    row = new_apps.get_model("audit", "AuditEvent").objects.get(pk=kept.pk)
    assert (row.action, row.actor_email, row.ip, row.data) == (
        "login_failed",
        "old@example.kr",
        "203.0.113.7",
        {"reason": "wrong_password"},
    )
    content_type = new_apps.get_model("contenttypes", "ContentType").objects.get(pk=old_content_type.pk)
    assert (content_type.app_label, content_type.model) == ("audit", "auditevent")
    with connection.cursor() as cursor:
        assert "partners_auditevent" in connection.introspection.table_names(cursor)
