"""Idempotency-Key on creating POSTs: the same key and body get the first response again."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from bizshop.billing.models import Order, Payment

if TYPE_CHECKING:
    from bizshop.catalog.models import Emoticon
    from tests.helpers.api import ApiClient

APPROVE = {"method": "card", "card_token": "tok_sandbox_approve"}


def order_body(emoticon: Emoticon, quantity: int = 100) -> dict[str, int]:
    return {"emoticon_id": emoticon.pk, "period_days": 30, "quantity": quantity}


def test_same_key_and_body_return_the_same_order_once(api: ApiClient, emoticon: Emoticon) -> None:
    first = api.post("/api/v1/orders/", order_body(emoticon), HTTP_IDEMPOTENCY_KEY="order-1")
    again = api.post("/api/v1/orders/", order_body(emoticon), HTTP_IDEMPOTENCY_KEY="order-1")

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Order.objects.count() == 1


def test_same_key_with_another_body_is_idempotency_key_reused(api: ApiClient, emoticon: Emoticon) -> None:
    api.post("/api/v1/orders/", order_body(emoticon), HTTP_IDEMPOTENCY_KEY="order-1")

    response = api.post("/api/v1/orders/", order_body(emoticon, quantity=200), HTTP_IDEMPOTENCY_KEY="order-1")

    assert (response.status_code, response.json()["error"]["code"]) == (422, "idempotency_key_reused")
    assert list(Order.objects.values_list("quantity", flat=True)) == [100]


def test_requests_without_a_key_create_one_order_each(api: ApiClient, emoticon: Emoticon) -> None:
    api.post("/api/v1/orders/", order_body(emoticon))
    api.post("/api/v1/orders/", order_body(emoticon))

    assert Order.objects.count() == 2


def test_the_same_key_of_two_partners_makes_two_orders(
    api: ApiClient, other_api: ApiClient, emoticon: Emoticon
) -> None:
    mine = api.post("/api/v1/orders/", order_body(emoticon), HTTP_IDEMPOTENCY_KEY="order-1")
    theirs = other_api.post("/api/v1/orders/", order_body(emoticon), HTTP_IDEMPOTENCY_KEY="order-1")

    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert mine.json()["id"] != theirs.json()["id"]


def test_a_replayed_card_payment_charges_once(api: ApiClient, make_order: Callable[..., Order]) -> None:
    order = make_order(api.partner)
    path = f"/api/v1/orders/{order.pk}/payment/"

    first = api.post(path, APPROVE, HTTP_IDEMPOTENCY_KEY="pay-1")
    again = api.post(path, APPROVE, HTTP_IDEMPOTENCY_KEY="pay-1")

    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json() == first.json()
    assert Payment.objects.filter(order=order).count() == 1


def test_a_refused_request_is_replayed_as_refused(api: ApiClient, make_order: Callable[..., Order]) -> None:
    order = make_order(api.partner)
    path = f"/api/v1/orders/{order.pk}/refund/"

    first = api.post(path, HTTP_IDEMPOTENCY_KEY="refund-1")
    again = api.post(path, HTTP_IDEMPOTENCY_KEY="refund-1")

    assert (first.status_code, first.json()["error"]["code"]) == (409, "invalid_state")
    assert (again.status_code, again.json(), again["Idempotent-Replayed"]) == (409, first.json(), "true")
