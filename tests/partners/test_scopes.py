"""API key scopes (orders, codes, invoices), enforced by the API; no scopes = every endpoint."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, get_resolver

from bizshop.billing.models import Order
from bizshop.core.api import SCOPE_BY_ROUTE_PREFIX, IsPartner
from bizshop.partners.models import Member
from bizshop.partners.services import api_key_create

# Partner routes that need no scope: the key's own partner and its integration settings.
SCOPE_FREE = {
    "partner-profile",
    "partner-withdrawal",
    "webhook-endpoint-list",
    "webhook-endpoint-detail",
    "webhook-delivery-list",
    "webhook-delivery-replay",
}


def key_client(api: Any, scopes: list[str]) -> Client:
    owner = Member.objects.get(partner=api.partner).user
    issued = api_key_create(user=owner, name="scoped", scopes=scopes)
    return Client(HTTP_AUTHORIZATION=f"Bearer {issued.raw_key}")


def test_a_key_without_the_codes_scope_gets_403_on_code_endpoints(api: Any, paid_order: Order) -> None:
    client = key_client(api, ["orders"])

    response = client.get(f"/api/v1/orders/{paid_order.pk}/codes/")

    assert (response.status_code, response.json()["error"]["code"]) == (403, "insufficient_scope")
    assert response.json()["error"]["details"]["required_scope"] == "codes"


def test_a_key_without_the_codes_scope_cannot_issue(api: Any, paid_order: Order) -> None:
    response = key_client(api, ["orders"]).post(
        f"/api/v1/orders/{paid_order.pk}/issuances/", {"quantity": 1}, content_type="application/json"
    )

    assert (response.status_code, response.json()["error"]["code"]) == (403, "insufficient_scope")
    assert Order.objects.get(pk=paid_order.pk).issued_quantity == 0


def test_a_key_without_the_orders_scope_cannot_order(api: Any, emoticon: Any) -> None:
    response = key_client(api, ["codes"]).post(
        "/api/v1/orders/",
        {"emoticon_id": emoticon.pk, "period_days": 30, "quantity": 100},
        content_type="application/json",
    )

    assert (response.status_code, response.json()["error"]["code"]) == (403, "insufficient_scope")
    assert not Order.objects.exists()


def test_a_key_with_the_codes_scope_reads_codes(api: Any, paid_order: Order) -> None:
    response = key_client(api, ["codes"]).get(f"/api/v1/orders/{paid_order.pk}/codes/")

    assert response.status_code == 200


def test_a_key_without_scopes_may_call_everything(api: Any, paid_order: Order) -> None:
    client = key_client(api, [])

    assert client.get(f"/api/v1/orders/{paid_order.pk}/").status_code == 200
    assert client.get(f"/api/v1/orders/{paid_order.pk}/codes/").status_code == 200


def test_a_scoped_key_still_reads_its_partner_profile(api: Any) -> None:
    assert key_client(api, ["invoices"]).get("/api/v1/partner/").status_code == 200


def _partner_api_routes() -> list[str]:
    api_resolver = next(r for r in get_resolver().url_patterns if getattr(r, "namespace", None) == "api")
    names = []
    for entry in api_resolver.url_patterns:
        assert isinstance(entry, URLPattern)
        view = getattr(entry.callback, "view_class", None)
        permissions = getattr(view, "permission_classes", [])
        if IsPartner in permissions:
            names.append(str(entry.name))
    return names


def test_every_partner_api_route_belongs_to_a_scope_or_is_listed_scope_free() -> None:
    routes = _partner_api_routes()
    unscoped = [
        name
        for name in routes
        if name not in SCOPE_FREE and not any(name.startswith(prefix) for prefix, _ in SCOPE_BY_ROUTE_PREFIX)
    ]

    assert "order-codes" in routes and "partner-withdrawal" in routes
    assert unscoped == []


@pytest.mark.parametrize(
    ("route", "scope"),
    [("order-codes", "codes"), ("order-guide", "codes"), ("code-lookup", "codes"), ("order-detail", "orders")],
)
def test_routes_map_to_their_scope(route: str, scope: str) -> None:
    assert next(s for prefix, s in SCOPE_BY_ROUTE_PREFIX if route.startswith(prefix)) == scope
