"""Operator views of webhooks (secrets are not shown)."""

from django.contrib import admin

from bizshop.webhooks.models import WebhookDelivery, WebhookEndpoint


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin[WebhookEndpoint]):
    list_display = ("id", "partner", "url", "created_at", "disabled_at")
    exclude = ("secret",)


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
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]
