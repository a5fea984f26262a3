"""Operator views of webhooks (secrets are not shown)."""

from django.contrib import admin

from bizshop.webhooks.models import WebhookDelivery, WebhookEndpoint


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin[WebhookEndpoint]):
    list_display = ("id", "partner", "url", "created_at", "disabled_at")
    exclude = ("secret_key_id", "secret_ciphertext")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin[WebhookDelivery]):
    list_display = (
        "id",
        "endpoint",
        "event",
        "status",
        "attempts",
        "last_status_code",
        "last_response_ms",
        "created_at",
    )
    list_filter = ("status", "event")
    # The payload stays encrypted here too: operators read the log, not the codes in it.
    exclude = ("payload_key_id", "payload_ciphertext")
    readonly_fields = [
        f.name for f in WebhookDelivery._meta.fields if f.name not in ("payload_key_id", "payload_ciphertext")
    ]
