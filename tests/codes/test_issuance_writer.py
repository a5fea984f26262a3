"""Issuance writes exactly the quantity asked, resumes after a crash, and survives collisions."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

from bizshop.billing.models import Order
from bizshop.codes import format as code_format
from bizshop.codes import writer
from bizshop.codes.crypto import get_keyring
from bizshop.codes.models import Issuance, SerialCode
from bizshop.codes.services import issuance_run, issuance_start
from tests.helpers.api import ApiClient

if TYPE_CHECKING:
    from pytest_django import DjangoCaptureOnCommitCallbacks


def start(
    api: ApiClient, order: Order, quantity: int, capture: DjangoCaptureOnCommitCallbacks, *, run: bool = True
) -> Issuance:
    with capture(execute=run):
        return issuance_start(order_id=order.pk, partner=api.partner, quantity=quantity)


def test_an_issuance_writes_exactly_its_quantity_in_chunks(
    api: ApiClient, make_order: Callable[..., Order], django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    order = make_order(api.partner, quantity=2_345, paid=True)
    issuance = start(api, order, 2_345, django_capture_on_commit_callbacks, run=False)

    finished = issuance_run(issuance_id=issuance.pk, chunk_size=1_000)

    assert finished.status == Issuance.Status.COMPLETED
    assert finished.issued_count == 2_345
    assert SerialCode.objects.filter(issuance=issuance).count() == 2_345
    assert SerialCode.objects.filter(issuance=issuance).values("blind_index").distinct().count() == 2_345


def test_running_an_issuance_again_issues_nothing_twice(
    api: ApiClient, paid_order: Order, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    issuance = start(api, paid_order, 50, django_capture_on_commit_callbacks)

    issuance_run(issuance_id=issuance.pk)
    issuance_run(issuance_id=issuance.pk)

    assert SerialCode.objects.filter(issuance=issuance).count() == 50


def test_a_crash_mid_chunk_leaves_nothing_and_a_rerun_completes(
    api: ApiClient,
    make_order: Callable[..., Order],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    order = make_order(api.partner, quantity=300, paid=True)
    issuance = start(api, order, 300, django_capture_on_commit_callbacks, run=False)
    real_write = writer.write_codes
    calls = {"n": 0}

    def crash_on_second_chunk(**kwargs: Any) -> None:
        calls["n"] += 1
        real_write(**kwargs)
        if calls["n"] == 2:
            raise RuntimeError("worker died")

    monkeypatch.setattr("bizshop.codes.services.write_codes", crash_on_second_chunk)
    with pytest.raises(RuntimeError):
        issuance_run(issuance_id=issuance.pk, chunk_size=100)
    assert Issuance.objects.get(pk=issuance.pk).issued_count == 100
    assert SerialCode.objects.filter(issuance=issuance).count() == 100

    monkeypatch.setattr("bizshop.codes.services.write_codes", real_write)
    finished = issuance_run(issuance_id=issuance.pk, chunk_size=100)

    assert finished.issued_count == 300
    assert SerialCode.objects.filter(issuance=issuance).count() == 300


def test_a_blind_index_collision_redraws_that_code_and_never_fails_the_issuance(
    api: ApiClient,
    make_order: Callable[..., Order],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    order = make_order(api.partner, quantity=200, paid=True)
    first_randomness = secrets.token_bytes(15)  # 15 random bytes make one code
    real_token_bytes = secrets.token_bytes
    planted = {"left": 2}

    def replay_first_code(n: int) -> bytes:
        # The first draw of each of the two issuances starts with the same 95 bits: the same code.
        if planted["left"]:
            planted["left"] -= 1
            return first_randomness + real_token_bytes(n - 15)
        return real_token_bytes(n)

    monkeypatch.setattr(code_format.secrets, "token_bytes", replay_first_code)
    first = start(api, order, 1, django_capture_on_commit_callbacks)
    stored_before = SerialCode.objects.get(issuance=first)

    second = start(api, order, 5, django_capture_on_commit_callbacks)

    assert Issuance.objects.get(pk=second.pk).status == Issuance.Status.COMPLETED
    assert SerialCode.objects.filter(issuance=second).count() == 5
    assert bytes(SerialCode.objects.get(issuance=first).ciphertext) == bytes(stored_before.ciphertext)
    keyring = get_keyring()
    codes = {keyring.decrypt(c.key_id, c.ciphertext) for c in SerialCode.objects.filter(order=order)}
    assert len(codes) == 6
    assert planted["left"] == 0


def test_an_issuance_that_stopped_moving_is_queued_again_and_completes(
    api: ApiClient, make_order: Callable[..., Order], django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from bizshop.codes.services import issuance_resume_stalled

    order = make_order(api.partner, quantity=300, paid=True)
    lost = start(api, order, 120, django_capture_on_commit_callbacks, run=False)  # its message never ran
    moving = start(api, order, 100, django_capture_on_commit_callbacks, run=False)
    Issuance.objects.filter(pk=lost.pk).update(progressed_at=timezone.now() - timedelta(minutes=16))

    resumed = issuance_resume_stalled()

    assert resumed == [lost.pk]
    assert Issuance.objects.get(pk=lost.pk).status == Issuance.Status.COMPLETED
    assert SerialCode.objects.filter(issuance=lost).count() == 120
    assert Issuance.objects.get(pk=moving.pk).status == Issuance.Status.QUEUED


def test_a_running_issuance_whose_heartbeat_stopped_20_seconds_ago_is_queued_again(
    api: ApiClient, make_order: Callable[..., Order], django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from bizshop.codes.services import issuance_resume_stalled

    order = make_order(api.partner, quantity=300, paid=True)
    dead = start(api, order, 100, django_capture_on_commit_callbacks, run=False)
    alive = start(api, order, 100, django_capture_on_commit_callbacks, run=False)
    waiting = start(api, order, 100, django_capture_on_commit_callbacks, run=False)
    now = timezone.now()
    Issuance.objects.filter(pk=dead.pk).update(status="running", progressed_at=now - timedelta(seconds=21))
    Issuance.objects.filter(pk=alive.pk).update(status="running", progressed_at=now - timedelta(seconds=10))
    Issuance.objects.filter(pk=waiting.pk).update(progressed_at=now - timedelta(minutes=10))

    with django_capture_on_commit_callbacks(execute=True):
        resumed = issuance_resume_stalled(now=now)

    assert resumed == [dead.pk]
    assert Issuance.objects.get(pk=dead.pk).status == Issuance.Status.COMPLETED
    assert issuance_resume_stalled(now=now) == []  # claimed: the next sweep leaves it to its worker
