"""The audit log in the admin: read-only for every operator."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from bizshop.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    """감사 로그: read-only for every operator; entries are never edited or deleted here."""

    list_display = ("created_at", "action", "actor_email", "partner", "ip")
    list_filter = ("action",)
    search_fields = ("actor_email", "ip", "partner__name", "partner__business_registration_number")
    date_hierarchy = "created_at"
    readonly_fields = ("created_at", "action", "actor", "actor_email", "partner", "ip", "data")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
