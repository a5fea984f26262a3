"""API key scopes (orders, codes, invoices, webhooks, partner), enforced by the API; no scopes = every endpoint."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.test import Client
from django.urls import URLPattern, get_resolver

from bizshop.billing.models import Order
from bizshop.partners.authentication import SCOPE_BY_ROUTE, ApiKeyAuthentication, IsPartner
from bizshop.partners.models import Member
from bizshop.partners.services import API_KEY_SCOPES, api_key_create
from bizshop.webhooks.models import WebhookDelivery, WebhookEndpoint

if TYPE_CHECKING:
    from bizshop.catalog.models import Emoticon
    from tests.helpers.api import ApiClient


def key_client(api: ApiClient, scopes: list[str]) -> Client:
    owner = Member.objects.get(partner=api.partner).user
    issued = api_key_create(user=owner, name="scoped", scopes=scopes)
    return Client(HTTP_AUTHORIZATION=f"Bearer {issued.raw_key}")


def test_a_key_without_the_codes_scope_gets_403_on_code_endpoints(api: ApiClient, paid_order: Order) -> None:
    client = key_client(api, ["orders"])

    response = client.get(f"/api/v1/orders/{paid_order.pk}/codes/")

    assert (response.status_code, response.json()["error"]["code"]) == (403, "scope_required")
    assert response.json()["error"]["details"]["required_scope"] == "codes"


def test_a_key_without_the_codes_scope_cannot_issue(api: ApiClient, paid_order: Order) -> None:
    response = key_client(api, ["orders"]).post(
        f"/api/v1/orders/{paid_order.pk}/issuances/", {"quantity": 1}, content_type="application/json"
    )

    assert (response.status_code, response.json()["error"]["code"]) == (403, "scope_required")
    assert Order.objects.get(pk=paid_order.pk).issued_quantity == 0


def test_a_key_without_the_orders_scope_cannot_order(api: ApiClient, emoticon: Emoticon) -> None:
    response = key_client(api, ["codes"]).post(
        "/api/v1/orders/",
        {"emoticon_id": emoticon.pk, "period_days": 30, "quantity": 100},
        content_type="application/json",
    )

    assert (response.status_code, response.json()["error"]["code"]) == (403, "scope_required")
    assert not Order.objects.exists()


def test_a_key_with_the_codes_scope_reads_codes(api: ApiClient, paid_order: Order) -> None:
    response = key_client(api, ["codes"]).get(f"/api/v1/orders/{paid_order.pk}/codes/")

    assert response.status_code == 200


def test_a_key_without_scopes_may_call_everything(api: ApiClient, paid_order: Order) -> None:
    client = key_client(api, [])

    assert client.get(f"/api/v1/orders/{paid_order.pk}/").status_code == 200
    assert client.get(f"/api/v1/orders/{paid_order.pk}/codes/").status_code == 200


def test_the_partner_profile_needs_the_partner_scope(api: ApiClient) -> None:
    refused = key_client(api, ["invoices"]).get("/api/v1/partner/")

    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "scope_required")
    assert key_client(api, ["partner"]).get("/api/v1/partner/").status_code == 200


def test_an_invoices_only_key_can_neither_subscribe_to_webhooks_nor_read_their_log(api: ApiClient) -> None:
    client = key_client(api, ["invoices"])

    created = client.post(
        "/api/v1/webhooks/endpoints/",
        {"url": "https://erp.partner.example/hooks", "events": ["order.paid"]},
        content_type="application/json",
    )
    log = client.get("/api/v1/webhooks/deliveries/")
    listed = client.get("/api/v1/webhooks/endpoints/")

    for response in (created, log, listed):
        assert (response.status_code, response.json()["error"]["code"]) == (403, "scope_required")
        assert response.json()["error"]["details"]["required_scope"] == "webhooks"
    assert not WebhookEndpoint.objects.exists()


def test_a_key_with_the_webhooks_scope_manages_webhooks(api: ApiClient) -> None:
    client = key_client(api, ["webhooks"])

    created = client.post(
        "/api/v1/webhooks/endpoints/",
        {"url": "http://127.0.0.1:9/hooks", "events": ["order.paid"]},
        content_type="application/json",
    )
    listed = client.get("/api/v1/webhooks/endpoints/")
    deleted = client.delete(f"/api/v1/webhooks/endpoints/{created.json()['id']}/")

    assert (created.status_code, listed.status_code, deleted.status_code) == (201, 200, 204)
    assert client.get("/api/v1/webhooks/deliveries/").status_code == 200
    assert not WebhookDelivery.objects.exists()


def _partner_api_routes() -> list[str]:
    """Every route of the API namespace whose view a partner's API key can call, read from the URLconf."""
    api_resolver = next(r for r in get_resolver().url_patterns if getattr(r, "namespace", None) == "api")
    names = []
    for entry in api_resolver.url_patterns:
        if not isinstance(entry, URLPattern):
            continue
        view = getattr(entry.callback, "view_class", None)
        if ApiKeyAuthentication in getattr(view, "authentication_classes", []):
            assert IsPartner in view.permission_classes, entry.name  # type: ignore[union-attr]
            names.append(str(entry.name))
    return names


def test_every_partner_api_route_declares_a_known_scope() -> None:
    routes = _partner_api_routes()

    undeclared = [name for name in routes if name not in SCOPE_BY_ROUTE]
    unknown = {name: scope for name in routes if (scope := SCOPE_BY_ROUTE.get(name, "")) not in API_KEY_SCOPES}

    assert {"order-codes", "partner-withdrawal", "webhook-delivery-list", "invoice-list"} <= set(routes)
    assert undeclared == []
    assert {name: scope for name, scope in unknown.items() if scope} == {}


@pytest.mark.parametrize(
    ("route", "scope"),
    [
        ("order-codes", "codes"),
        ("order-guide", "codes"),
        ("code-lookup", "codes"),
        ("order-detail", "orders"),
        ("invoice-list", "invoices"),
        ("webhook-endpoint-list", "webhooks"),
        ("webhook-delivery-replay", "webhooks"),
        ("partner-profile", "partner"),
        ("partner-withdrawal", "partner"),
    ],
)
def test_routes_map_to_their_scope(route: str, scope: str) -> None:
    assert SCOPE_BY_ROUTE[route] == scope
