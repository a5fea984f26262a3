"""Operator views of partners and their keys (the audit log's is in bizshop/audit/admin.py)."""

from django.contrib import admin

from bizshop.partners.models import ApiKey, Invitation, Member, Partner, PartnerChange, TermsAgreement


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
