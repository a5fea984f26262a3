"""Operator views of users."""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bizshop.accounts.forms import AdminLoginForm
from bizshop.accounts.models import ApiToken, PolicyAcceptance, User
from bizshop.accounts.views import answer_429_when_throttled


@admin.register(User)
class UserAdmin(BaseUserAdmin):  # type: ignore[type-arg]
    ordering = ("email",)
    list_display = ("email", "name", "is_staff", "is_active", "date_joined")
    search_fields = ("email", "name")
    fieldsets = (
        (None, {"fields": ("email", "password", "name")}),
        (_("권한"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("기록"), {"fields": ("last_login", "date_joined", "password_changed_at", "password_prompt_deferred_until")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    """End users' API tokens: read-only (only hashes are stored), revocable by an operator."""

    list_display = ("user", "created_at", "expires_at", "revoked_at")
    list_select_related = ("user",)
    search_fields = ("user__email",)
    readonly_fields = ("user", "token_hash", "created_at", "expires_at", "revoked_at")
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("선택한 토큰 폐기"), permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        revoked = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, _("토큰 %(count)s개를 폐기했습니다.") % {"count": revoked})


@admin.register(PolicyAcceptance)
class PolicyAcceptanceAdmin(admin.ModelAdmin[PolicyAcceptance]):
    """Who agreed to which version of 이용약관 / 개인정보처리방침, when and from where: a record, read-only."""

    list_display = ("user", "document", "version", "accepted_at", "ip")
    list_filter = ("document", "version")
    list_select_related = ("user",)
    search_fields = ("user__email",)
    readonly_fields = ("user", "document", "version", "accepted_at", "ip")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: PolicyAcceptance | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: PolicyAcceptance | None = None) -> bool:
        return False


# Operators sign in to the admin through the same login throttle as the portal.
admin.site.login_form = AdminLoginForm

_admin_login = admin.site.login


def _admin_login_answering_429(request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
    """The admin's own login view, with the portal's 429 + Retry-After once the throttle refuses."""
    return answer_429_when_throttled(_admin_login(request, extra_context))


admin.site.login = _admin_login_answering_429  # type: ignore[method-assign]
