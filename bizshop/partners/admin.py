"""Operator views of partners, their keys and the audit log."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from bizshop.partners.models import ApiKey, AuditEvent, Invitation, Member, Partner, PartnerChange, TermsAgreement


class MemberInline(admin.TabularInline[Member, Partner]):
    model = Member
    extra = 0
    raw_id_fields = ("user",)


class TermsAgreementInline(admin.TabularInline[TermsAgreement, Partner]):
    model = TermsAgreement
    extra = 0
    can_delete = False
    readonly_fields = ("user", "terms_version", "agreed_at", "ip")


class PartnerChangeInline(admin.TabularInline[PartnerChange, Partner]):
    model = PartnerChange
    extra = 0
    can_delete = False
    readonly_fields = ("changed_by", "before", "after", "changed_at")


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin[Partner]):
    list_display = ("id", "name", "business_registration_number", "representative", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("name", "business_registration_number")
    inlines = [MemberInline, TermsAgreementInline, PartnerChangeInline]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin[ApiKey]):
    list_display = ("name", "prefix", "partner", "scopes", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "key_hash", "created_at", "last_used_at")
    exclude = ()


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin[Invitation]):
    list_display = ("email", "partner", "role", "created_at", "expires_at", "accepted_at", "revoked_at")
    readonly_fields = ("token_hash",)


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
