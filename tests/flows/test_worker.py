"""Issuance through a real Celery worker process, with Redis as broker and PostgreSQL behind it."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.conf import settings

from bizshop.billing import services as billing
from bizshop.codes.models import Issuance, SerialCode
from bizshop.codes.services import issuance_start
from tests.factories import EmoticonFactory, MemberFactory
from tests.helpers.api import ApiClient
from tests.worker import start_beat, start_worker, stop, wait_for

if TYPE_CHECKING:
    from bizshop.billing.models import Order

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(broker: None) -> Iterator[subprocess.Popen[bytes]]:
    process = start_worker()
    yield process
    stop(process)


def test_a_real_worker_issues_every_code_of_a_tranche(worker: subprocess.Popen[bytes]) -> None:
    member = MemberFactory()
    emoticon = EmoticonFactory()
    order = billing.order_create(partner=member.partner, emoticon_id=emoticon.pk, period_days=60, quantity=3000)
    billing.order_pay_by_card(order_id=order.pk, partner=member.partner, card_token="tok_sandbox_approve")

    issuance = issuance_start(order_id=order.pk, partner=member.partner, quantity=2500)

    wait_for(lambda: Issuance.objects.get(pk=issuance.pk).status == Issuance.Status.COMPLETED)
    assert worker.poll() is None
    finished = Issuance.objects.get(pk=issuance.pk)
    assert finished.issued_count == 2500
    assert SerialCode.objects.filter(issuance=issuance).count() == 2500
    assert settings.CELERY_BROKER_URL.startswith("redis://")


def test_a_worker_killed_mid_issuance_is_resumed_with_no_duplicates_and_no_gaps(broker: None) -> None:
    member = MemberFactory()
    emoticon = EmoticonFactory()
    quantity = 60_000
    order = billing.order_create(partner=member.partner, emoticon_id=emoticon.pk, period_days=30, quantity=quantity)
    billing.order_pay_by_card(order_id=order.pk, partner=member.partner, card_token="tok_sandbox_approve")
    # A short visibility timeout so that Redis hands the unacknowledged task to the next worker soon.
    first = start_worker(chunk_size=1_000, visibility_timeout=8)
    try:
        issuance = issuance_start(order_id=order.pk, partner=member.partner)
        wait_for(lambda: Issuance.objects.get(pk=issuance.pk).issued_count >= 5_000)
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        stop(first)
    stalled = Issuance.objects.get(pk=issuance.pk)
    assert 0 < stalled.issued_count < quantity
    assert stalled.status != Issuance.Status.COMPLETED
    assert SerialCode.objects.filter(issuance=issuance).count() == stalled.issued_count  # no half chunk

    second = start_worker(chunk_size=1_000, visibility_timeout=8)
    try:
        wait_for(lambda: Issuance.objects.get(pk=issuance.pk).status == Issuance.Status.COMPLETED, timeout=120)
    finally:
        stop(second)

    finished = Issuance.objects.get(pk=issuance.pk)
    codes = SerialCode.objects.filter(issuance=issuance)
    assert finished.issued_count == quantity
    assert codes.count() == quantity
    assert codes.values("blind_index").distinct().count() == quantity


def test_a_worker_killed_mid_issuance_is_noticed_within_60_seconds_and_the_order_shows_partially_issued(
    broker: None, api: ApiClient, make_order: Callable[..., Order], tmp_path: Path
) -> None:
    quantity = 60_000
    order = make_order(api.partner, quantity=quantity, paid=True)
    # The default visibility timeout (an hour): Redis handing the task back cannot be what resumes it.
    first = start_worker(chunk_size=1_000)
    beat = start_beat(schedule_file=tmp_path / "beat-schedule")
    second = None
    try:
        issuance = issuance_start(order_id=order.pk, partner=api.partner)
        wait_for(lambda: Issuance.objects.get(pk=issuance.pk).issued_count >= 5_000)
        assert api.get(f"/api/v1/orders/{order.pk}/").json()["status"] == "partially_issued"
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        killed_at = time.monotonic()
        stalled = Issuance.objects.get(pk=issuance.pk).issued_count
        second = start_worker(chunk_size=1_000)

        wait_for(lambda: Issuance.objects.get(pk=issuance.pk).issued_count > stalled, timeout=90)
        resumed_after = time.monotonic() - killed_at
        moving = api.get(f"/api/v1/orders/{order.pk}/issuances/{issuance.pk}/").json()
        assert api.get(f"/api/v1/orders/{order.pk}/").json()["status"] == "partially_issued"
        assert stalled < moving["issued_count"] <= quantity

        wait_for(lambda: Issuance.objects.get(pk=issuance.pk).status == Issuance.Status.COMPLETED, timeout=120)
    finally:
        for process in (first, beat, second):
            if process is not None:
                stop(process)

    print(f"issuance resumed {resumed_after:.1f} s after its worker was killed")  # the figure, with -s
    assert resumed_after <= 60, f"resumed {resumed_after:.0f} s after the worker died"
    assert api.get(f"/api/v1/orders/{order.pk}/").json()["status"] == "issued"
    codes = SerialCode.objects.filter(issuance=issuance)
    assert codes.count() == quantity
    assert codes.values("blind_index").distinct().count() == quantity
