"""Customer center fixtures: where attachments are stored, and an inquiry with a screenshot."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bizshop.partners.models import Member
from bizshop.support.models import Inquiry
from bizshop.support.services import inquiry_create
from tests.helpers.uploads import png_bytes, upload

if TYPE_CHECKING:
    from pytest_django import Settings


@pytest.fixture(autouse=True)
def attachment_root(settings: Settings, tmp_path: Path) -> Path:
    """Where inquiry files are stored (private, outside MEDIA_ROOT), a directory of the test's."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SUPPORT_ATTACHMENT_DIR = tmp_path / "support-attachments"
    return settings.SUPPORT_ATTACHMENT_DIR  # type: ignore[no-any-return]


@pytest.fixture
def inquiry(member: Member) -> Inquiry:
    """Partner A's inquiry (the ``member`` fixture's company) with one screenshot attached."""
    return inquiry_create(
        partner=member.partner,
        user=member.user,
        category="payment",
        title="A사의 환불 문의",
        body="주문 #12 환불이 가능한가요?",
        files=[upload("screen.png", png_bytes())],
    )
