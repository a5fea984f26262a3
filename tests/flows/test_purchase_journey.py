"""The whole purchase by HTTP alone: order, pay, issue, hand over, and an end user registers."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.test import Client

from tests.factories import PASSWORD

if TYPE_CHECKING:
    from pytest_django import DjangoCaptureOnCommitCallbacks

    from bizshop.accounts.models import User
    from bizshop.billing.models import Order
    from bizshop.catalog.models import Emoticon
    from tests.helpers.api import ApiClient


def read_all_codes(api: ApiClient, order_id: int, page_size: int) -> list[dict[str, Any]]:
    codes: list[dict[str, Any]] = []
    url = f"/api/v1/orders/{order_id}/codes/?page_size={page_size}"
    while url:
        page = api.get(url).json()
        assert set(page) == {"results", "next"}
        codes += page["results"]
        url = page["next"]
    return codes


def basic_client(email: str) -> Client:
    return Client(HTTP_AUTHORIZATION="Basic " + base64.b64encode(f"{email}:{PASSWORD}".encode()).decode())


def usage_days(registration: dict[str, Any]) -> timedelta:
    return datetime.fromisoformat(registration["usage_expires_at"]) - datetime.fromisoformat(
        registration["registered_at"]
    )


def test_card_purchase_to_registration(
    api: ApiClient,
    emoticon: Emoticon,
    end_user: User,
    end_user_client: Client,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    created = api.post("/api/v1/orders/", {"emoticon_id": emoticon.pk, "period_days": 30, "quantity": 100})
    assert created.status_code == 201
    order = created.json()
    assert (order["supply_amount"], order["vat_amount"], order["total_amount"]) == (160_000, 16_000, 176_000)

    paid = api.post(f"/api/v1/orders/{order['id']}/payment/", {"method": "card", "card_token": "tok_sandbox_approve"})
    assert (paid.status_code, paid.json()["status"]) == (200, "paid")

    with django_capture_on_commit_callbacks(execute=True):
        issued = api.post(f"/api/v1/orders/{order['id']}/issuances/", {"quantity": 70})
    assert issued.status_code == 202
    progress = api.get(f"/api/v1/orders/{order['id']}/issuances/{issued.json()['id']}/").json()
    assert (progress["status"], progress["issued_count"]) == ("completed", 70)

    codes = read_all_codes(api, order["id"], page_size=30)
    assert len({c["code"] for c in codes}) == 70

    by_basic = basic_client(end_user.email).post(
        "/api/v1/registrations/", {"code": codes[0]["code"]}, content_type="application/json"
    )
    by_session = end_user_client.post(
        "/api/v1/registrations/", {"code": codes[1]["code"]}, content_type="application/json"
    )
    assert (by_basic.status_code, by_session.status_code) == (201, 201)
    assert usage_days(by_basic.json()) == usage_days(by_session.json()) == timedelta(days=30)

    mine = end_user_client.get("/api/v1/me/emoticons/").json()["results"]
    assert [m["emoticon_id"] for m in mine] == [emoticon.pk, emoticon.pk]
    final = api.get(f"/api/v1/orders/{order['id']}/").json()
    assert (final["status"], final["issued_quantity"]) == ("partially_issued", 70)
    statuses = [c["status"] for c in read_all_codes(api, order["id"], page_size=100)]
    assert (statuses.count("registered"), statuses.count("issued")) == (2, 68)


def test_virtual_account_purchase_to_registration(
    api: ApiClient,
    emoticon: Emoticon,
    end_user_client: Client,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    order = api.post("/api/v1/orders/", {"emoticon_id": emoticon.pk, "period_days": 60, "quantity": 100}).json()

    awaiting = api.post(f"/api/v1/orders/{order['id']}/payment/", {"method": "virtual_account"})
    assert (awaiting.status_code, awaiting.json()["status"]) == (200, "awaiting_deposit")
    deposit = awaiting.json()["deposit"]
    assert set(deposit) == {"bank", "account_number", "amount", "due_at"}
    assert deposit["amount"] == order["total_amount"] == 275_000

    deposited = api.post("/api/v1/sandbox/deposits/", {"order_id": order["id"]})
    assert (deposited.status_code, deposited.json()["status"]) == (200, "paid")

    with django_capture_on_commit_callbacks(execute=True):
        assert api.post(f"/api/v1/orders/{order['id']}/issuances/", {}).status_code == 202
    codes = read_all_codes(api, order["id"], page_size=100)
    assert len(codes) == 100

    registered = end_user_client.post(
        "/api/v1/registrations/", {"code": codes[-1]["code"]}, content_type="application/json"
    )
    assert registered.status_code == 201
    assert usage_days(registered.json()) == timedelta(days=60)
    assert api.get(f"/api/v1/orders/{order['id']}/").json()["status"] == "issued"
    assert [m["emoticon_id"] for m in end_user_client.get("/api/v1/me/emoticons/").json()["results"]] == [emoticon.pk]


def test_a_code_is_looked_up_by_its_owner_only(
    api: ApiClient,
    other_api: ApiClient,
    paid_order: Order,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        api.post(f"/api/v1/orders/{paid_order.pk}/issuances/", {"quantity": 1})
    [code] = read_all_codes(api, paid_order.pk, page_size=10)

    mine = api.post("/api/v1/codes/lookup/", {"code": code["code"]})
    theirs = other_api.post("/api/v1/codes/lookup/", {"code": code["code"]})

    assert (mine.status_code, mine.json()["code"], mine.json()["status"]) == (200, code["code"], "issued")
    assert (theirs.status_code, theirs.json()["error"]["code"]) == (404, "code_not_found")
