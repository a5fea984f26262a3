"""The end user's side: usage expiry as time passes, and partners' registered counts."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.test import Client
from django.utils import timezone

from bizshop.billing.models import Order
from bizshop.codes.crypto import get_keyring
from bizshop.codes.models import Registration, SerialCode
from bizshop.codes.services import code_register, issuance_start, registration_expire_due
from tests.helpers.api import ApiClient

if TYPE_CHECKING:
    from pytest_django import DjangoCaptureOnCommitCallbacks

    from bizshop.accounts.models import User


def issue(api: ApiClient, order: Order, quantity: int, capture: DjangoCaptureOnCommitCallbacks) -> list[str]:
    with capture(execute=True):
        issuance_start(order_id=order.pk, partner=api.partner, quantity=quantity)
    keyring = get_keyring()
    return [keyring.decrypt(c.key_id, c.ciphertext) for c in SerialCode.objects.filter(order=order).order_by("id")]


def test_the_list_shows_expiry_from_the_time_before_and_after_the_task_marks_it(
    api: ApiClient,
    paid_order: Order,
    end_user: User,
    end_user_client: Client,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    code = issue(api, paid_order, 1, django_capture_on_commit_callbacks)[0]
    registration = code_register(user=end_user, raw_code=code)
    Registration.objects.filter(pk=registration.pk).update(usage_expires_at=timezone.now() - timedelta(seconds=1))

    before_task = end_user_client.get("/api/v1/me/emoticons/").json()["results"][0]
    marked = registration_expire_due()
    after_task = end_user_client.get("/api/v1/me/emoticons/").json()["results"][0]

    assert before_task["usage_expired"] is True
    assert after_task["usage_expired"] is True
    assert marked == 1
    assert registration_expire_due() == 0
    assert Registration.objects.get(pk=registration.pk).usage_expired_marked_at is not None


def test_a_live_registration_is_neither_expired_nor_marked(
    api: ApiClient,
    paid_order: Order,
    end_user: User,
    end_user_client: Client,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    code = issue(api, paid_order, 1, django_capture_on_commit_callbacks)[0]
    code_register(user=end_user, raw_code=code)

    assert registration_expire_due() == 0
    assert end_user_client.get("/api/v1/me/emoticons/").json()["results"][0]["usage_expired"] is False


def test_partners_see_how_many_codes_of_an_order_are_registered_and_when(
    api: ApiClient,
    paid_order: Order,
    end_user: User,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    codes = issue(api, paid_order, 5, django_capture_on_commit_callbacks)
    for code in codes[:3]:
        code_register(user=end_user, raw_code=code)

    detail = api.get(f"/api/v1/orders/{paid_order.pk}/").json()
    listed = api.get("/api/v1/orders/").json()["results"][0]
    rows = api.get(f"/api/v1/orders/{paid_order.pk}/codes/").json()["results"]

    assert detail["registered_quantity"] == 3
    assert listed["registered_quantity"] == 3
    assert sum(1 for row in rows if row["status"] == "registered" and row["registered_at"]) == 3
    assert sum(1 for row in rows if row["status"] == "issued" and row["registered_at"] is None) == 2
