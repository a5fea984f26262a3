"""The audit log in the admin: readable by those allowed, never written or changed by hand."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from bizshop.backoffice.models import OperatorAction


@admin.register(OperatorAction)
class OperatorActionAdmin(admin.ModelAdmin[OperatorAction]):
    list_display = ("created_at", "operator", "kind", "target_type", "target_id", "target_repr")
    list_filter = ("kind", "target_type")
    search_fields = ("operator__email", "target_id", "target_repr")
    date_hierarchy = "created_at"
    readonly_fields = ("created_at", "operator", "kind", "target_type", "target_id", "target_repr", "data")
    list_select_related = ("operator",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
