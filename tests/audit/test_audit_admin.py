"""The audit log (감사 로그) in the Django admin: visible to operators, read-only."""

from __future__ import annotations

import pytest
from django.test import Client

from bizshop.audit.models import AuditEvent
from bizshop.audit.services import audit_record
from tests.factories import MemberFactory
from tests.helpers.sessions import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(db: None) -> AuditEvent:
    return audit_record(action=AuditEvent.Action.LOGIN_FAILED, actor_email="who@example.kr", ip="10.8.8.8")


def test_operators_see_the_audit_log(admin_client: Client, event: AuditEvent) -> None:
    page = admin_client.get("/admin/audit/auditevent/")

    assert page.status_code == 200
    assert "who@example.kr" in page.content.decode() and "10.8.8.8" in page.content.decode()


def test_an_audit_event_cannot_be_changed_in_the_admin(admin_client: Client, event: AuditEvent) -> None:
    admin_client.post(f"/admin/audit/auditevent/{event.pk}/change/", {"actor_email": "forged@example.kr"})

    assert AuditEvent.objects.get(pk=event.pk).actor_email == "who@example.kr"
    assert b'name="actor_email"' not in admin_client.get(f"/admin/audit/auditevent/{event.pk}/change/").content


def test_an_audit_event_cannot_be_deleted_or_added_in_the_admin(admin_client: Client, event: AuditEvent) -> None:
    deleted = admin_client.post(f"/admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"})
    added = admin_client.get("/admin/audit/auditevent/add/")

    assert deleted.status_code == 403 and added.status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_a_partner_member_cannot_open_the_admin(event: AuditEvent) -> None:
    member_client = signed_in(MemberFactory())

    response = member_client.get("/admin/audit/auditevent/")

    assert response.status_code == 302 and "/admin/login/" in response.url
