"""Numbers are ASCII digits only (API.md): "１００" (full-width) or "٣" is refused, never read as 100 or 3."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from bizshop.billing.models import Order
from bizshop.codes.models import Issuance
from tests.factories import MemberFactory
from tests.helpers.sessions import signed_in

if TYPE_CHECKING:
    from bizshop.catalog.models import Emoticon
    from tests.helpers.api import ApiClient

FULL_WIDTH_100 = "１００"


def full_width(number: int) -> str:
    return str(number).translate({ord(d): ord("０") + int(d) for d in "0123456789"})


def invalid_fields(response: Any) -> set[str]:
    body = response.json()
    assert (response.status_code, body["error"]["code"]) == (422, "invalid_request")
    return set(body["error"]["details"]["fields"])


@pytest.mark.parametrize(
    ("field", "value"),
    [("quantity", FULL_WIDTH_100), ("quantity", "١٠٠"), ("period_days", "３０"), ("emoticon_id", None)],
)
def test_an_order_with_non_ascii_digits_is_invalid_request(
    api: ApiClient, emoticon: Emoticon, field: str, value: str | None
) -> None:
    body = {"emoticon_id": emoticon.pk, "period_days": 30, "quantity": 100, field: value or full_width(emoticon.pk)}

    response = api.post("/api/v1/orders/", body)

    assert invalid_fields(response) == {field}
    assert not Order.objects.exists()


def test_an_order_with_ascii_digits_in_a_string_is_still_taken(api: ApiClient, emoticon: Emoticon) -> None:
    response = api.post("/api/v1/orders/", {"emoticon_id": emoticon.pk, "period_days": 30, "quantity": "100"})

    assert (response.status_code, response.json()["quantity"]) == (201, 100)


def test_an_issuance_of_a_full_width_quantity_is_invalid_request(api: ApiClient, paid_order: Order) -> None:
    response = api.post(f"/api/v1/orders/{paid_order.pk}/issuances/", {"quantity": "１０"})

    assert invalid_fields(response) == {"quantity"}
    assert not Issuance.objects.exists()


def test_a_full_width_page_size_is_invalid_request(api: ApiClient) -> None:
    assert invalid_fields(api.get("/api/v1/orders/?page_size=１０")) == {"page_size"}


def test_a_full_width_filter_number_is_invalid_request(api: ApiClient) -> None:
    assert invalid_fields(api.get("/api/v1/orders/?emoticon_id=１")) == {"emoticon_id"}


def test_the_portal_order_form_refuses_full_width_digits(emoticon: Emoticon) -> None:
    member = MemberFactory()
    client = signed_in(member.user)

    response = client.post(
        "/mypage/orders/new/", {"emoticon_id": emoticon.pk, "period_days": 30, "quantity": FULL_WIDTH_100}
    )

    assert response.status_code == 200  # the form again, with the field's error
    assert "quantity" in response.context["form"].errors
    assert not Order.objects.exists()


def test_the_portal_order_form_refuses_a_full_width_emoticon_id(emoticon: Emoticon) -> None:
    member = MemberFactory()
    client = signed_in(member.user)

    response = client.post(
        "/mypage/orders/new/", {"emoticon_id": full_width(emoticon.pk), "period_days": 30, "quantity": 100}
    )

    assert response.status_code == 404  # no emoticon to show the form for
    assert not Order.objects.exists()
