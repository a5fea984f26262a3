"""Operator views of deliveries: counts and statuses only (contacts are never shown in clear)."""

from django.contrib import admin
from django.http import HttpRequest

from bizshop.campaigns.models import Delivery, Recipient


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin[Delivery]):
    list_display = ("id", "order", "channel", "status", "recipient_count", "created_at", "finished_at")
    list_filter = ("channel", "status")
    readonly_fields = [f.name for f in Delivery._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Recipient)
class RecipientAdmin(admin.ModelAdmin[Recipient]):
    list_display = ("id", "delivery", "row_number", "status", "attempts", "sent_at")
    list_filter = ("status",)
    fields = ("delivery", "row_number", "code", "status", "attempts", "last_error", "sent_at", "message_id")
    readonly_fields = fields
    raw_id_fields = ("delivery", "code")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
