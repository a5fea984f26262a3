"""Issuance (발급) of a paid order, all at once or in tranches; never more than was bought."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from bizshop.billing.models import Order
from bizshop.codes import format as code_format
from bizshop.codes.models import Issuance, SerialCode

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response
    from pytest_django import DjangoCaptureOnCommitCallbacks, Settings

    from tests.helpers.api import ApiClient
    from tests.helpers.db import TableRows


def issue(
    api: ApiClient, order: Order, capture: DjangoCaptureOnCommitCallbacks, body: dict[str, Any] | None = None
) -> Response:
    with capture(execute=True):
        return api.post(f"/api/v1/orders/{order.pk}/issuances/", body or {})


def test_a_tranche_is_accepted_and_its_codes_created(
    api: ApiClient, paid_order: Order, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    response = issue(api, paid_order, django_capture_on_commit_callbacks, {"quantity": 40})

    assert response.status_code == 202
    assert (response.json()["quantity"], response.json()["status"]) == (40, "queued")
    progress = api.get(f"/api/v1/orders/{paid_order.pk}/issuances/{response.json()['id']}/").json()
    assert (progress["status"], progress["issued_count"]) == ("completed", 40)
    assert SerialCode.objects.filter(order=paid_order).count() == 40


def test_a_tranche_leaves_the_order_partially_issued(
    api: ApiClient, paid_order: Order, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    issue(api, paid_order, django_capture_on_commit_callbacks, {"quantity": 40})

    order = api.get(f"/api/v1/orders/{paid_order.pk}/").json()
    assert (order["status"], order["issued_quantity"]) == ("partially_issued", 40)


def test_an_issuance_without_quantity_issues_all_that_remains(
    api: ApiClient, paid_order: Order, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    issue(api, paid_order, django_capture_on_commit_callbacks, {"quantity": 40})

    response = issue(api, paid_order, django_capture_on_commit_callbacks)

    assert response.json()["quantity"] == 60
    order = api.get(f"/api/v1/orders/{paid_order.pk}/").json()
    assert (order["status"], order["issued_quantity"]) == ("issued", 100)
    assert SerialCode.objects.filter(order=paid_order).count() == 100


def test_the_registration_window_starts_at_issuance(
    api: ApiClient,
    paid_order: Order,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
    settings: Settings,
) -> None:
    response = issue(api, paid_order, django_capture_on_commit_callbacks, {"quantity": 1})

    deadline = datetime.fromisoformat(response.json()["registration_deadline"])
    window = timedelta(days=settings.CODE_REGISTRATION_WINDOW_DAYS)
    assert timezone.now() + window - timedelta(minutes=1) < deadline <= timezone.now() + window


def test_issuing_more_than_remains_is_quantity_exceeds_remaining(
    api: ApiClient,
    paid_order: Order,
    issue_codes: Callable[..., list[str]],
    db_rows: Callable[[], TableRows],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    issue_codes(paid_order, quantity=40)
    before = db_rows()

    response = issue(api, paid_order, django_capture_on_commit_callbacks, {"quantity": 61})

    assert (response.status_code, response.json()["error"]["code"]) == (422, "quantity_exceeds_remaining")
    assert response.json()["error"]["details"] == {"requested": 61, "remaining": 60}
    assert db_rows() == before


def test_issuing_a_fully_issued_order_is_quantity_exceeds_remaining(
    api: ApiClient,
    paid_order: Order,
    issue_codes: Callable[..., list[str]],
    db_rows: Callable[[], TableRows],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    issue_codes(paid_order)
    before = db_rows()

    response = issue(api, paid_order, django_capture_on_commit_callbacks)

    assert (response.status_code, response.json()["error"]["code"]) == (422, "quantity_exceeds_remaining")
    assert db_rows() == before


def test_issuing_zero_codes_is_invalid_request(
    api: ApiClient,
    paid_order: Order,
    db_rows: Callable[[], TableRows],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    before = db_rows()

    response = issue(api, paid_order, django_capture_on_commit_callbacks, {"quantity": 0})

    assert (response.status_code, response.json()["error"]["code"]) == (422, "invalid_request")
    assert db_rows() == before


def test_issuing_an_unpaid_order_is_invalid_state(
    api: ApiClient,
    make_order: Callable[..., Order],
    db_rows: Callable[[], TableRows],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    order = make_order(api.partner)
    before = db_rows()

    response = issue(api, order, django_capture_on_commit_callbacks, {"quantity": 1})

    assert (response.status_code, response.json()["error"]["code"]) == (409, "invalid_state")
    assert db_rows() == before


def test_issuing_an_order_awaiting_deposit_is_invalid_state(
    api: ApiClient,
    make_order: Callable[..., Order],
    db_rows: Callable[[], TableRows],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    order = make_order(api.partner)
    api.post(f"/api/v1/orders/{order.pk}/payment/", {"method": "virtual_account"})
    before = db_rows()

    response = issue(api, order, django_capture_on_commit_callbacks, {"quantity": 1})

    assert (response.status_code, response.json()["error"]["code"]) == (409, "invalid_state")
    assert db_rows() == before


def test_issuing_a_refunded_order_is_invalid_state(
    api: ApiClient,
    paid_order: Order,
    db_rows: Callable[[], TableRows],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    api.post(f"/api/v1/orders/{paid_order.pk}/refund/")
    before = db_rows()

    response = issue(api, paid_order, django_capture_on_commit_callbacks, {"quantity": 1})

    assert (response.status_code, response.json()["error"]["code"]) == (409, "invalid_state")
    assert db_rows() == before


def test_the_issuance_list_shows_each_tranche(
    api: ApiClient, paid_order: Order, issue_codes: Callable[..., list[str]]
) -> None:
    issue_codes(paid_order, quantity=30)
    issue_codes(paid_order, quantity=20)

    listed = api.get(f"/api/v1/orders/{paid_order.pk}/issuances/").json()

    assert [(i["quantity"], i["issued_count"], i["status"]) for i in listed["results"]] == [
        (30, 30, "completed"),
        (20, 20, "completed"),
    ]
    assert listed["next"] is None


def test_an_unknown_issuance_of_ones_own_order_is_not_found(api: ApiClient, paid_order: Order) -> None:
    response = api.get(f"/api/v1/orders/{paid_order.pk}/issuances/999999/")

    assert (response.status_code, response.json()["error"]["code"]) == (404, "not_found")


def test_the_codes_are_listed_in_issue_order_page_by_page_following_next(
    api: ApiClient, paid_order: Order, issue_codes: Callable[..., list[str]]
) -> None:
    issued = issue_codes(paid_order, quantity=55)

    pages, url = [], f"/api/v1/orders/{paid_order.pk}/codes/?page_size=20"
    while url:
        page = api.get(url).json()
        pages.append(page["results"])
        url = page["next"]

    assert [len(page) for page in pages] == [20, 20, 15]
    listed = [code["code"] for page in pages for code in page]
    assert listed == [code_format.display(code) for code in issued]


def test_a_listed_code_shows_its_status_tranche_and_deadline(
    api: ApiClient, paid_order: Order, issue_codes: Callable[..., list[str]]
) -> None:
    issue_codes(paid_order, quantity=1)
    issuance = Issuance.objects.get(order=paid_order)

    code = api.get(f"/api/v1/orders/{paid_order.pk}/codes/").json()["results"][0]

    assert code_format.normalize(code["code"])  # the check symbol holds
    assert (code["status"], code["issuance_id"], code["registered_at"]) == ("issued", issuance.pk, None)
    assert datetime.fromisoformat(code["registration_deadline"]) == issuance.registration_deadline


def test_every_code_of_an_order_is_distinct(paid_order: Order, issue_codes: Callable[..., list[str]]) -> None:
    codes = issue_codes(paid_order)

    assert len(set(codes)) == len(codes) == 100
    assert SerialCode.objects.values("blind_index").distinct().count() == 100
