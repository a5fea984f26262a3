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


def test_docs_pages_load_nothing_from_another_origin(db: None) -> None:
    """Swagger UI and ReDoc come from our static files (drf-spectacular-sidecar), not a CDN our CSP blocks;
    tests/browser/test_api_docs.py opens both in Chromium."""
    for url in ("/api/docs/", "/api/redoc/"):
        response = Client().get(url)

        assert response.status_code == 200
        page = response.content.decode()
        assert "/static/drf_spectacular_sidecar/" in page
        assert "https://" not in page and "//cdn" not in page, url
        assert "default-src 'self'" in response["Content-Security-Policy"]


def _schema() -> dict:  # type: ignore[type-arg]
    return dict(json.loads(Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").content))


def test_every_api_operation_documents_the_error_body_for_its_4xx_answers(db: None) -> None:
    schema = _schema()

    assert schema["components"]["schemas"]["Error"]["required"] == ["error"]
    assert schema["components"]["schemas"]["Error"]["properties"]["error"]["required"] == ["code", "message", "details"]
    error_ref = {"$ref": "#/components/schemas/Error"}
    for path, operations in schema["paths"].items():
        if not path.startswith("/api/v1/"):
            continue
        for method, operation in operations.items():
            errors = {s: r for s, r in operation["responses"].items() if s.startswith("4")}
            assert "4XX" in errors, f"{method.upper()} {path}"
            for status, response in errors.items():
                assert response["content"]["application/json"]["schema"] == error_ref, f"{method} {path} {status}"


def test_the_idempotent_posts_document_the_idempotency_key_header(db: None) -> None:
    paths = _schema()["paths"]

    def headers(path: str) -> list[str]:
        return [p["name"] for p in paths[path]["post"].get("parameters", []) if p["in"] == "header"]

    for path in (
        "/api/v1/orders/",
        "/api/v1/orders/{order_id}/payment/",
        "/api/v1/orders/{order_id}/refund/",
        "/api/v1/orders/{order_id}/issuances/",
        "/api/v1/invoice-merge-requests/",
        "/api/v1/webhooks/endpoints/",
    ):
        assert headers(path) == ["Idempotency-Key"], path
    # The PG's deposit notification is made once by its notification id, not by a header.
    assert headers("/api/v1/payments/deposit-notifications/") == []


def test_the_description_explains_auth_errors_and_idempotency_and_lists_every_error_code(db: None) -> None:
    description = _schema()["info"]["description"]

    assert "Authorization: Bearer <API key>" in description
    assert '{"error": {"code"' in description
    assert "Idempotency-Key" in description and "idempotency_key_reused" in description
    for row in (
        "| 409 | `codes_already_issued` |",
        "| 402 | `payment_declined` |",
        "| 422 | `different_business` |",
        "| 410 | `code_voided` |",
        "| 409 | `withdrawal_blocked` |",
    ):
        assert row in description


def test_the_list_filters_are_documented(db: None) -> None:
    paths = _schema()["paths"]

    def query(path: str) -> set[str]:
        return {p["name"] for p in paths[path]["get"]["parameters"] if p["in"] == "query"}

    assert {"status", "created_from", "created_to", "paid_from", "paid_to"} <= query("/api/v1/orders/")
    assert {"kind", "write_date_from", "write_date_to", "supply_month"} <= query("/api/v1/invoices/")
    assert {"status", "event", "endpoint_id"} <= query("/api/v1/webhooks/deliveries/")
