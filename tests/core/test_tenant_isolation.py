"""Another partner's order is 'not found' on every order-scoped endpoint, and nothing of it leaks."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

from bizshop.billing.models import Order
from bizshop.codes.models import Issuance

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

    from tests.helpers.api import ApiClient
    from tests.helpers.db import TableRows

MISSING_ID = 2_000_000_000

ORDER_ENDPOINTS = [
    ("get", "/api/v1/orders/{order}/", None),
    ("post", "/api/v1/orders/{order}/payment/", {"method": "card", "card_token": "tok_sandbox_approve"}),
    ("post", "/api/v1/orders/{order}/payment/", {"method": "virtual_account"}),
    ("post", "/api/v1/orders/{order}/cancel/", None),
    ("post", "/api/v1/orders/{order}/refund/", None),
    ("get", "/api/v1/orders/{order}/issuances/", None),
    ("post", "/api/v1/orders/{order}/issuances/", {"quantity": 1}),
    ("get", "/api/v1/orders/{order}/issuances/{issuance}/", None),
    ("get", "/api/v1/orders/{order}/codes/", None),
    ("get", "/api/v1/orders/{order}/codes/?format=csv", None),
    ("get", "/api/v1/orders/{order}/codes/?format=xlsx", None),
    ("get", "/api/v1/orders/{order}/guide.pdf", None),
    ("post", "/api/v1/sandbox/deposits/", {"order_id": "{order}"}),
]


@pytest.fixture
def their_order(other_api: ApiClient, make_order: Callable[..., Order], issue_codes: Callable[..., list[str]]) -> Order:
    order = make_order(other_api.partner, paid=True)
    issue_codes(order, quantity=10)
    return order


def call(
    api: ApiClient, method: str, path: str, body: dict[str, object] | None, *, order: int, issuance: int
) -> Response:
    path = path.format(order=order, issuance=issuance)
    if body is not None:
        body = {k: order if v == "{order}" else v for k, v in body.items()}
    return api.get(path) if method == "get" else api.post(path, body)


@pytest.mark.parametrize(("method", "path", "body"), ORDER_ENDPOINTS)
def test_another_partners_order_is_not_found(
    api: ApiClient, their_order: Order, db_rows: Callable[[], TableRows], method: str, path: str, body: Any
) -> None:
    issuance = Issuance.objects.get(order=their_order)
    before = db_rows()

    response = call(api, method, path, body, order=their_order.pk, issuance=issuance.pk)

    assert (response.status_code, response.json()["error"]["code"]) == (404, "not_found")
    assert response.json()["error"]["details"] == {}
    assert db_rows() == before


@pytest.mark.parametrize(("method", "path", "body"), ORDER_ENDPOINTS)
def test_another_partners_order_answers_exactly_like_a_missing_one(
    api: ApiClient, their_order: Order, method: str, path: str, body: Any
) -> None:
    issuance = Issuance.objects.get(order=their_order)

    theirs = call(api, method, path, body, order=their_order.pk, issuance=issuance.pk)
    missing = call(api, method, path, body, order=MISSING_ID, issuance=MISSING_ID)

    assert theirs.status_code == missing.status_code == 404
    assert theirs.content == missing.content
    for value in (their_order.emoticon_title, str(their_order.total_amount), their_order.status):
        assert value.encode() not in theirs.content


def test_the_order_list_holds_only_the_partners_own_orders(
    api: ApiClient, their_order: Order, make_order: Callable[..., Order]
) -> None:
    mine = make_order(api.partner)

    listed = api.get("/api/v1/orders/").json()

    assert [order["id"] for order in listed["results"]] == [mine.pk]
