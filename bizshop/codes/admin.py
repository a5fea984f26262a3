"""Operator views of issuances and registrations (codes themselves are never shown in clear)."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bizshop.codes import format as code_format
from bizshop.codes.crypto import get_keyring
from bizshop.codes.models import Issuance, Registration, SerialCode
from bizshop.codes.services import code_void, issuance_void
from bizshop.core.errors import ApplicationError


@admin.register(Issuance)
class IssuanceAdmin(admin.ModelAdmin[Issuance]):
    list_display = ("id", "order", "quantity", "issued_count", "status", "registration_deadline", "created_at")
    list_filter = ("status",)
    readonly_fields = [f.name for f in Issuance._meta.fields]
    actions = ["void_tranche"]

    @admin.action(description=_("선택한 발급분의 미등록 일련번호 사용중지"), permissions=["void_codes"])
    def void_tranche(self, request: HttpRequest, queryset: QuerySet[Issuance]) -> None:
        for issuance in queryset:
            try:
                voided = issuance_void(issuance_id=issuance.pk, operator=request.user)  # type: ignore[arg-type]
            except ApplicationError as exc:
                self.message_user(
                    request,
                    gettext("발급 #%(id)s: %(message)s") % {"id": issuance.pk, "message": exc.message},
                    messages.ERROR,
                )
            else:
                self.message_user(
                    request,
                    gettext("발급 #%(id)s: %(count)s개 사용중지") % {"id": issuance.pk, "count": f"{voided:,}"},
                    messages.SUCCESS,
                )

    def has_void_codes_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("backoffice.void_codes")


@admin.register(SerialCode)
class SerialCodeAdmin(admin.ModelAdmin[SerialCode]):
    """Codes by state, never in clear; the search box finds one code by its full text (blind index)."""

    list_display = ("id", "order", "issuance", "status", "registered_at")
    list_filter = ("status",)
    search_fields = ("=order__id",)
    search_help_text = _("일련번호 20자리(하이픈 무관) 또는 주문번호")
    fields = ("order", "issuance", "status", "registered_at", "key_id")
    readonly_fields = fields
    show_full_result_count = False
    list_select_related = ("order", "issuance")
    actions = ["void_codes"]

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[SerialCode], search_term: str
    ) -> tuple[QuerySet[SerialCode], bool]:
        try:
            code = code_format.normalize(search_term)
        except ApplicationError:
            return super().get_search_results(request, queryset, search_term)
        keyring = get_keyring()
        if keyring.lookup_reads_next_index:
            return queryset.filter(blind_index_next=keyring.blind_index(code)), False
        return queryset.filter(blind_index__in=[keyring.blind_index(code), keyring.legacy_blind_index(code)]), False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("선택한 일련번호 사용중지"), permissions=["void_codes"])
    def void_codes(self, request: HttpRequest, queryset: QuerySet[SerialCode]) -> None:
        done = 0
        for code_id in queryset.values_list("pk", flat=True):
            try:
                code_void(code_id=code_id, operator=request.user)  # type: ignore[arg-type]
                done += 1
            except ApplicationError as exc:
                self.message_user(
                    request,
                    gettext("일련번호 #%(id)s: %(message)s") % {"id": code_id, "message": exc.message},
                    messages.ERROR,
                )
        if done:
            self.message_user(request, gettext("%(count)s개 사용중지") % {"count": f"{done:,}"}, messages.SUCCESS)

    def has_void_codes_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("backoffice.void_codes")


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin[Registration]):
    list_display = ("id", "user", "emoticon", "registered_at", "usage_expires_at")
    raw_id_fields = ("code", "user")
