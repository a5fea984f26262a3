"""Code export files at rest: encrypted, 0600, random names, outside any served path, audited, gone after 7 days."""

from __future__ import annotations

import importlib
import stat
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from cryptography.exceptions import InvalidTag
from django.test import Client
from django.urls import clear_url_caches
from django.utils import timezone

from bizshop.billing.models import Order
from bizshop.codes import export_store
from bizshop.codes import format as code_format
from bizshop.codes.crypto import get_keyring
from bizshop.codes.models import CodeExport, CodeExportDownload
from bizshop.codes.services import code_exports_delete_for_orders
from bizshop.codes.tasks import code_exports_delete_expired_task
from bizshop.partners.models import Member
from tests.helpers.api import ApiClient
from tests.helpers.sessions import signed_in

if TYPE_CHECKING:
    from pytest_django import DjangoCaptureOnCommitCallbacks, Settings


@pytest.fixture
def dirs(settings: Settings, tmp_path: Path) -> tuple[Path, Path]:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CODE_EXPORT_DIR = tmp_path / "exports"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT, settings.CODE_EXPORT_DIR


@pytest.fixture
def codes(paid_order: Order, issue_codes: Callable[..., list[str]]) -> list[str]:
    return issue_codes(paid_order, quantity=30)


def request_export(
    api: ApiClient, order: Order, capture: DjangoCaptureOnCommitCallbacks, file_format: str = "csv"
) -> CodeExport:
    with capture(execute=True):
        response = api.post(f"/api/v1/orders/{order.pk}/exports/", {"format": file_format})
    assert response.status_code == 202
    return CodeExport.objects.get(pk=response.json()["id"])


def files_under(path: Path) -> list[Path]:
    return [p for p in path.rglob("*") if p.is_file()] if path.exists() else []


def test_an_export_file_is_encrypted_owner_only_and_randomly_named_outside_media(
    api: ApiClient,
    paid_order: Order,
    codes: list[str],
    dirs: tuple[Path, Path],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    media_root, export_dir = dirs

    code_export = request_export(api, paid_order, django_capture_on_commit_callbacks)

    assert code_export.status == CodeExport.Status.READY
    assert files_under(media_root) == []
    [stored] = files_under(export_dir)
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert len(stored.name) >= 32 and "order" not in stored.name
    content = stored.read_bytes()
    for code in codes:
        assert code.encode() not in content
        assert code_format.display(code).encode() not in content
    assert "일련번호".encode() not in content


def test_the_authorised_download_gives_every_code_and_is_audited(
    api: ApiClient,
    paid_order: Order,
    codes: list[str],
    dirs: tuple[Path, Path],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    code_export = request_export(api, paid_order, django_capture_on_commit_callbacks)

    response = api.get(f"/api/v1/orders/{paid_order.pk}/exports/{code_export.pk}/file/", REMOTE_ADDR="198.51.100.4")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert all(code_format.display(code) in text for code in codes)
    [download] = CodeExportDownload.objects.all()
    assert (download.export_id, download.order_id, download.ip) == (code_export.pk, paid_order.pk, "198.51.100.4")
    assert download.api_key_id is not None


def test_a_portal_download_is_audited_with_the_member(
    api: ApiClient,
    paid_order: Order,
    codes: list[str],
    dirs: tuple[Path, Path],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    code_export = request_export(api, paid_order, django_capture_on_commit_callbacks, file_format="xlsx")
    member = Member.objects.filter(partner=api.partner).first()
    assert member is not None
    client = signed_in(member.user)

    response = client.get(f"/mypage/orders/{paid_order.pk}/exports/{code_export.pk}/file/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"PK")  # the workbook, decrypted
    assert CodeExportDownload.objects.get().user_id == member.user_id


def test_another_partner_cannot_download_the_file(
    api: ApiClient,
    other_api: ApiClient,
    paid_order: Order,
    codes: list[str],
    dirs: tuple[Path, Path],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    code_export = request_export(api, paid_order, django_capture_on_commit_callbacks)

    response = other_api.get(f"/api/v1/orders/{paid_order.pk}/exports/{code_export.pk}/file/")

    assert response.status_code == 404
    assert not CodeExportDownload.objects.exists()


@pytest.fixture
def debug_urls(settings: Settings) -> Iterator[None]:
    """The URL patterns as `make demo` (DEBUG, media served by Django) builds them at start-up."""
    from bizshop import urls

    settings.DEBUG = True
    importlib.reload(urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(urls)
    clear_url_caches()


def test_under_debug_no_export_is_reachable_under_media(
    api: ApiClient,
    paid_order: Order,
    codes: list[str],
    dirs: tuple[Path, Path],
    debug_urls: None,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    media_root, export_dir = dirs
    code_export = request_export(api, paid_order, django_capture_on_commit_callbacks)
    month = timezone.localtime(code_export.created_at)
    guesses = [
        f"/media/exports/{month:%Y}/{month:%m}/bizshop-order-{paid_order.pk}-codes-{code_export.pk}.csv",
        *(f"/media/{path.relative_to(media_root)}" for path in files_under(media_root)),
        *(f"/media/{path.name}" for path in files_under(export_dir)),
        *(f"/media/../exports/{path.name}" for path in files_under(export_dir)),
    ]

    answers = {url: Client().get(url).status_code for url in guesses}

    assert set(answers.values()) <= {400, 404}, answers  # 400: a path out of MEDIA_ROOT, refused


def test_exports_older_than_seven_days_are_deleted_with_their_files_by_a_beat_task(
    api: ApiClient,
    paid_order: Order,
    codes: list[str],
    dirs: tuple[Path, Path],
    settings: Settings,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    _, export_dir = dirs
    old = request_export(api, paid_order, django_capture_on_commit_callbacks)
    recent = request_export(api, paid_order, django_capture_on_commit_callbacks)
    CodeExport.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=7, minutes=1))
    CodeExport.objects.filter(pk=recent.pk).update(created_at=timezone.now() - timedelta(days=6, hours=23))

    with django_capture_on_commit_callbacks(execute=True):
        deleted = code_exports_delete_expired_task.delay().get()

    assert deleted == 1
    assert list(CodeExport.objects.values_list("pk", flat=True)) == [recent.pk]
    assert [p.name for p in files_under(export_dir)] == [recent.stored_name]
    schedule = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert schedule["bizshop.codes.tasks.code_exports_delete_expired_task"] <= 24 * 3600


def test_deleting_an_orders_exports_removes_their_files_once_committed(
    api: ApiClient,
    paid_order: Order,
    codes: list[str],
    dirs: tuple[Path, Path],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    _, export_dir = dirs
    request_export(api, paid_order, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        code_exports_delete_for_orders(order_ids=[paid_order.pk])

    assert not CodeExport.objects.exists()
    assert files_under(export_dir) == []


def test_a_file_cut_short_or_moved_to_another_export_does_not_decrypt(settings: Settings, tmp_path: Path) -> None:
    settings.CODE_EXPORT_DIR = tmp_path
    keyring = get_keyring()
    parts = [b"x" * 700_000] * 4  # three segments
    export_store.write(keyring=keyring, export_id=1, stored_name="a.enc", parts=parts)
    key_id = keyring.current_key_id

    assert b"".join(export_store.read(keyring=keyring, key_id=key_id, export_id=1, stored_name="a.enc")) == b"".join(
        parts
    )
    with pytest.raises(InvalidTag):
        list(export_store.read(keyring=keyring, key_id=key_id, export_id=2, stored_name="a.enc"))
    whole = (tmp_path / "a.enc").read_bytes()
    (tmp_path / "b.enc").write_bytes(whole[: 2 * (12 + export_store.SEGMENT_BYTES + 16)])
    with pytest.raises(InvalidTag):
        list(export_store.read(keyring=keyring, key_id=key_id, export_id=1, stored_name="b.enc"))
