"""The thread migrations keep existing inquiries: question and answer become the first two messages, files follow."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from bizshop.support.models import Inquiry
from tests.factories import MemberFactory

if TYPE_CHECKING:
    from django.db.migrations.state import StateApps
    from pytest_django import Settings

BEFORE = [("support", "0001_initial")]
AFTER = [("support", "0005_inquiry_attachments_in_private_storage")]


def migrate(targets: list[tuple[str, str]]) -> StateApps:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture(autouse=True)
def _latest_schema_afterwards(transactional_db: None) -> Iterator[None]:
    """Migrating back unapplies every migration that depends on the target, in any app; put them all
    back, or the tests after this one (transactional ones run last) meet a schema of the past."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_an_answered_and_a_waiting_inquiry_become_threads_with_their_files_moved_out_of_media(
    settings: Settings, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SUPPORT_ATTACHMENT_DIR = tmp_path / "private"
    member = MemberFactory()
    operator = MemberFactory().user
    asked = timezone.now() - timedelta(days=2)
    answered = asked + timedelta(hours=3)
    old_apps = migrate(BEFORE)
    try:
        OldInquiry = old_apps.get_model("support", "Inquiry")
        OldAttachment = old_apps.get_model("support", "InquiryAttachment")
        done = OldInquiry.objects.create(
            partner_id=member.partner_id,
            created_by_id=member.user_id,
            category="payment",
            title="답변된 문의",
            body="환불되나요?",
            status="answered",
            answer="네, 됩니다.",
            answered_by_id=operator.pk,
            answered_at=answered,
        )
        OldInquiry.objects.filter(pk=done.pk).update(created_at=asked)
        waiting = OldInquiry.objects.create(
            partner_id=member.partner_id,
            created_by_id=member.user_id,
            category="other",
            title="대기 중",
            body="문의합니다.",
        )
        legacy_file = Path(settings.MEDIA_ROOT) / "support/inquiries/2026/11/abc.txt"
        legacy_file.parent.mkdir(parents=True)
        legacy_file.write_bytes(b"old file")
        OldAttachment.objects.create(
            inquiry_id=done.pk,
            file="support/inquiries/2026/11/abc.txt",
            original_name="메모.txt",
            content_type="text/plain; charset=utf-8",
            size=8,
        )
    finally:
        migrate(AFTER)

    done_now, waiting_now = Inquiry.objects.get(pk=done.pk), Inquiry.objects.get(pk=waiting.pk)
    messages = list(done_now.messages.order_by("id"))
    assert [(m.by_staff, m.body, m.author_id) for m in messages] == [
        (False, "환불되나요?", member.user_id),
        (True, "네, 됩니다.", operator.pk),
    ]
    assert (messages[0].created_at, messages[1].created_at, done_now.last_message_at) == (asked, answered, answered)
    assert (done_now.status, done_now.unread_by_member, done_now.unread_by_staff) == ("answered", False, False)
    assert [m.body for m in waiting_now.messages.all()] == ["문의합니다."]
    assert (waiting_now.status, waiting_now.unread_by_staff) == ("waiting", True)
    attachment = done_now.attachments.get()
    assert attachment.message == messages[0]
    assert attachment.file.read() == b"old file" and not legacy_file.exists()
