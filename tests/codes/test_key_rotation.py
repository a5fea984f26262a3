"""Key rotation: codes move to the newest key, still decrypt to the same codes and still register."""

from __future__ import annotations

import base64
import io
import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction

from bizshop.billing.models import Order
from bizshop.codes import rotation
from bizshop.codes.checks import lookup_rotation_switch_is_safe
from bizshop.codes.crypto import bucketed_index, get_keyring, key_fingerprint
from bizshop.codes.models import KeyRotationProgress, SerialCode
from bizshop.codes.services import code_register, issuance_start
from tests.helpers.api import ApiClient

if TYPE_CHECKING:
    from pytest_django import DjangoCaptureOnCommitCallbacks, Settings

    from bizshop.accounts.models import User


def plaintexts(order: Order) -> dict[int, str]:
    keyring = get_keyring()
    return {c.pk: keyring.decrypt(c.key_id, c.ciphertext) for c in SerialCode.objects.filter(order=order)}


def test_rotation_reencrypts_every_code_under_the_newest_key(
    api: ApiClient,
    paid_order: Order,
    settings: Settings,
    end_user: User,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        issuance_start(order_id=paid_order.pk, partner=api.partner, quantity=25)
    old_key_id = get_keyring().current_key_id
    before = plaintexts(paid_order)
    blobs_before = {c.pk: bytes(c.ciphertext) for c in SerialCode.objects.filter(order=paid_order)}
    new_key = base64.b64encode(secrets.token_bytes(32)).decode()
    settings.CODE_ENCRYPTION_KEYS = f"{settings.CODE_ENCRYPTION_KEYS},k9:{new_key}"
    out = io.StringIO()

    call_command("rotate_code_keys", "--batch-size", "10", stdout=out)

    assert "25 codes re-encrypted; 0 under older keys" in out.getvalue()
    codes = list(SerialCode.objects.filter(order=paid_order))
    assert {c.key_id for c in codes} == {key_fingerprint(base64.b64decode(new_key))} != {old_key_id}
    assert all(bytes(c.ciphertext) != blobs_before[c.pk] for c in codes)
    assert plaintexts(paid_order) == before
    registration = code_register(user=end_user, raw_code=next(iter(before.values())))
    assert registration.code.order_id == paid_order.pk


def test_rotation_with_nothing_to_do_changes_nothing(api: ApiClient, paid_order: Order) -> None:
    out = io.StringIO()

    call_command("rotate_code_keys", stdout=out)

    assert "0 codes re-encrypted" in out.getvalue()


def new_key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


class Interrupted(Exception):
    pass


def test_an_interrupted_rotation_resumes_after_its_last_committed_batch(
    api: ApiClient, paid_order: Order, settings: Settings, issue_codes: Callable[..., list[str]]
) -> None:
    issue_codes(paid_order, quantity=25)
    before = plaintexts(paid_order)
    settings.CODE_ENCRYPTION_KEYS = f"{settings.CODE_ENCRYPTION_KEYS},{new_key()}"
    target = get_keyring().current_key_id

    def stop_after_first_batch(done: int) -> None:
        raise Interrupted

    with pytest.raises(Interrupted):
        rotation.encryption_rotate(batch_size=10, progress=stop_after_first_batch)
    assert SerialCode.objects.filter(key_id=target).count() == 10
    assert KeyRotationProgress.objects.get(target_key_id=target).last_code_id > 0

    resumed = rotation.encryption_rotate(batch_size=10)

    assert resumed == 15
    assert set(SerialCode.objects.values_list("key_id", flat=True)) == {target}
    assert plaintexts(paid_order) == before
    assert not KeyRotationProgress.objects.exists()


def lookup(api: ApiClient, code: str) -> int:
    return api.post("/api/v1/codes/lookup/", {"code": code}).status_code


@pytest.mark.django_db(transaction=True)  # the rotation builds indexes CONCURRENTLY, outside any transaction
def test_the_lookup_key_rotates_through_a_dual_index_and_every_code_stays_findable(
    api: ApiClient,
    make_order: Callable[..., Order],
    settings: Settings,
    issue_codes: Callable[..., list[str]],
    end_user: User,
) -> None:
    order = make_order(api.partner, quantity=100, paid=True)
    old_key, new = settings.CODE_LOOKUP_KEY, new_key()
    codes = issue_codes(order, quantity=12)

    settings.CODE_LOOKUP_KEY_NEXT = new  # step 1: new codes carry both indexes; the fill does the rest
    codes += issue_codes(order, quantity=3)
    assert SerialCode.objects.filter(blind_index_next__isnull=False).count() == 3
    assert {lookup(api, code) for code in codes} == {200}
    assert rotation.lookup_fill(batch_size=5) == 15
    assert not SerialCode.objects.filter(blind_index_next__isnull=True).exists()

    settings.CODE_LOOKUP_KEY, settings.CODE_LOOKUP_KEY_NEXT = new, ""  # step 2: the switch
    settings.CODE_LOOKUP_KEY_PREVIOUS = old_key
    codes += issue_codes(order, quantity=3)
    assert {lookup(api, code) for code in codes} == {200}
    assert rotation.lookup_finish(batch_size=5) == 18 - 3  # the three new ones had it in both already
    assert {lookup(api, code) for code in codes} == {200}

    settings.CODE_LOOKUP_KEY_PREVIOUS = ""  # done
    assert {lookup(api, code) for code in codes} == {200}
    expected = {bucketed_index(base64.b64decode(new), code.encode()) for code in codes}
    assert {bytes(index) for index in SerialCode.objects.values_list("blind_index", flat=True)} == expected
    assert code_register(user=end_user, raw_code=codes[0]).code.order_id == order.pk
    with connection.cursor() as cursor:  # blind_index is unique again, under the same constraint
        cursor.execute(
            "SELECT 1 FROM pg_constraint WHERE conname = %s AND contype = 'u'", [rotation.BLIND_INDEX_CONSTRAINT]
        )
        assert cursor.fetchone() is not None
    twin = SerialCode.objects.first()
    assert twin is not None
    twin.pk, twin.blind_index_next = None, None
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


@pytest.mark.django_db(transaction=True)
def test_the_switch_is_refused_before_every_code_has_its_second_index(
    api: ApiClient, paid_order: Order, settings: Settings, issue_codes: Callable[..., list[str]]
) -> None:
    issue_codes(paid_order, quantity=3)
    settings.CODE_LOOKUP_KEY_PREVIOUS, settings.CODE_LOOKUP_KEY = settings.CODE_LOOKUP_KEY, new_key()

    with pytest.raises(CommandError):
        rotation.lookup_finish()


def test_the_check_fails_when_lookups_would_read_an_incomplete_second_index(
    api: ApiClient, paid_order: Order, settings: Settings, issue_codes: Callable[..., list[str]]
) -> None:
    issue_codes(paid_order, quantity=3)
    assert lookup_rotation_switch_is_safe() == []
    settings.CODE_LOOKUP_KEY_PREVIOUS, settings.CODE_LOOKUP_KEY = settings.CODE_LOOKUP_KEY, new_key()

    assert [e.id for e in lookup_rotation_switch_is_safe()] == ["codes.E003"]


@pytest.mark.django_db(transaction=True)
def test_a_code_the_fill_has_passed_without_its_second_index_is_caught_up(
    api: ApiClient, paid_order: Order, settings: Settings, issue_codes: Callable[..., list[str]]
) -> None:
    issue_codes(paid_order, quantity=12)
    settings.CODE_LOOKUP_KEY_NEXT = new_key()
    first = SerialCode.objects.order_by("id").values_list("id", flat=True).first()

    def late_commit(done: int) -> None:  # as a code written before the restart and committed late
        SerialCode.objects.filter(pk=first).update(blind_index_next=None)

    rotation.lookup_fill(batch_size=5, progress=late_commit)

    assert not SerialCode.objects.filter(blind_index_next__isnull=True).exists()
