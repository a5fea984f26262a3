"""Guessing defence: failed registrations are counted per account and per IP; past the limit, 429."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.test import Client

from bizshop.codes import format as code_format
from bizshop.codes import throttle
from bizshop.codes.crypto import get_keyring
from bizshop.codes.models import SerialCode
from bizshop.codes.services import issuance_start
from tests.factories import UserFactory
from tests.helpers.api import ApiClient
from tests.helpers.sessions import signed_in

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response
    from pytest_django import DjangoCaptureOnCommitCallbacks, Settings

    from bizshop.billing.models import Order


def unknown_code() -> str:
    return code_format.generate()  # well-formed, valid check symbol, never issued


def register(client: Client, code: str, ip: str = "203.0.113.7") -> Response:
    return client.post("/api/v1/registrations/", {"code": code}, content_type="application/json", REMOTE_ADDR=ip)


def signed_in_client() -> Client:
    client = signed_in(UserFactory())
    return client


def test_an_account_is_refused_with_retry_after_once_it_has_failed_too_often(db: None) -> None:
    client = signed_in_client()
    limit = throttle.ACCOUNT_WINDOWS[0].limit
    answers = [register(client, unknown_code()).json()["error"]["code"] for _ in range(limit)]

    refused = register(client, unknown_code())

    assert answers == ["code_not_found"] * limit
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "too_many_attempts"
    assert 1 <= int(refused["Retry-After"]) <= throttle.ACCOUNT_WINDOWS[0].seconds


def test_the_limit_holds_for_malformed_and_mistyped_codes_too(db: None) -> None:
    client = signed_in_client()
    for _ in range(throttle.ACCOUNT_WINDOWS[0].limit):
        register(client, "not-a-code")

    assert register(client, unknown_code()).json()["error"]["code"] == "too_many_attempts"


def test_one_ip_is_limited_across_accounts(db: None) -> None:
    per_account = throttle.ACCOUNT_WINDOWS[0].limit - 1
    ip_limit = throttle.IP_WINDOWS[0].limit
    failures = 0
    while failures < ip_limit:
        client = signed_in_client()
        for _ in range(min(per_account, ip_limit - failures)):
            assert register(client, unknown_code(), ip="198.51.100.9").status_code == 404
            failures += 1

    fresh_account = signed_in_client()

    assert register(fresh_account, unknown_code(), ip="198.51.100.9").status_code == 429
    assert register(fresh_account, unknown_code(), ip="198.51.100.10").status_code == 404


def test_the_counts_live_in_redis_and_survive_a_new_process_state(db: None, settings: Settings) -> None:
    assert settings.REDIS_URL, "the suite runs against Redis"
    client = signed_in_client()
    for _ in range(throttle.ACCOUNT_WINDOWS[0].limit):
        register(client, unknown_code())

    throttle._store.cache_clear()  # what a restarted web process would start with

    assert register(client, unknown_code()).status_code == 429


def test_successful_registrations_are_not_counted_as_failures(
    api: ApiClient, make_order: Callable[..., Order], django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    order = make_order(api.partner, quantity=100, paid=True)
    limit = throttle.ACCOUNT_WINDOWS[0].limit
    with django_capture_on_commit_callbacks(execute=True):
        issuance_start(order_id=order.pk, partner=api.partner, quantity=limit + 5)
    keyring = get_keyring()
    codes = [keyring.decrypt(c.key_id, c.ciphertext) for c in SerialCode.objects.filter(order=order)]
    client = signed_in_client()

    statuses = [register(client, code).status_code for code in codes]

    assert statuses == [201] * (limit + 5)
