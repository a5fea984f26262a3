"""The OpenAPI schema and its browsable page are served."""

from __future__ import annotations

import json

from django.test import Client


def test_schema_is_openapi_3_with_the_order_endpoints(db: None) -> None:
    response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/orders/", "/api/v1/orders/{order_id}/payment/", "/api/v1/registrations/"} <= set(schema["paths"])


def test_schema_declares_bearer_api_key_auth(db: None) -> None:
    schema = json.loads(Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").content)

    assert schema["components"]["securitySchemes"]["ApiKey"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "파트너 API 키",
    }


def test_docs_page_is_served(db: None) -> None:
    assert Client().get("/api/docs/").status_code == 200
