"""The registration deadline's boundary, against values worked out by hand rather than by the shop's own code."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from bizshop.billing.models import Order
from bizshop.codes.models import Issuance

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response
    from pytest_django import Settings

KST = ZoneInfo("Asia/Seoul")
# Requested at 2026-03-02 09:30 KST with the default 90-day window: 2026-03-02 + 90 days is
# 2026-05-31 (29 days left of March, 30 of April, 31 of May), Korea has no daylight saving.
REQUESTED_AT = datetime(2026, 3, 2, 9, 30, tzinfo=KST)
DEADLINE = datetime(2026, 5, 31, 9, 30, tzinfo=KST)


class Clock:
    """Sets what ``timezone.now()`` answers, everywhere in the shop."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch

    def set(self, instant: datetime) -> None:
        self.monkeypatch.setattr(timezone, "now", lambda: instant)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


@pytest.fixture
def code_requested_at_a_known_time(
    paid_order: Order, issue_codes: Callable[..., list[str]], clock: Clock, settings: Settings
) -> str:
    settings.CODE_REGISTRATION_WINDOW_DAYS = 90
    clock.set(REQUESTED_AT)
    [code] = issue_codes(paid_order, quantity=1)
    assert Issuance.objects.get(order=paid_order).registration_deadline == DEADLINE
    return code


def register(client: Client, code: str) -> Response:
    return client.post("/api/v1/registrations/", {"code": code}, content_type="application/json")


def test_registering_at_exactly_the_deadline_is_registration_period_over(
    end_user_client: Client, code_requested_at_a_known_time: str, clock: Clock
) -> None:
    clock.set(DEADLINE)

    response = register(end_user_client, code_requested_at_a_known_time)

    assert response.status_code == 410
    assert response.json()["error"]["code"] == "registration_period_over"


def test_registering_a_microsecond_before_the_deadline_registers(
    end_user_client: Client, code_requested_at_a_known_time: str, clock: Clock
) -> None:
    clock.set(DEADLINE - timedelta(microseconds=1))

    response = register(end_user_client, code_requested_at_a_known_time)

    assert response.status_code == 201
    assert datetime.fromisoformat(response.json()["registered_at"]) == DEADLINE - timedelta(microseconds=1)
