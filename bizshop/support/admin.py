"""Operators' customer center: FAQ and notices edited as is; inquiries answered through inquiry_answer (audited)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from bizshop.core.errors import ApplicationError
from bizshop.support import errors, services, views
from bizshop.support.models import Faq, Inquiry, InquiryAttachment, Notice


@admin.register(Faq)
class FaqAdmin(admin.ModelAdmin[Faq]):
    list_display = ("question", "category", "order", "is_published", "updated_at")
    list_editable = ("order", "is_published")
    list_filter = ("category", "is_published")
    search_fields = ("question", "answer")


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin[Notice]):
    list_display = ("title", "pinned", "published_at", "is_visible")
    list_filter = ("pinned",)
    search_fields = ("title", "body")
    date_hierarchy = "published_at"

    @admin.display(description=_("게시 중"), boolean=True)
    def is_visible(self, notice: Notice) -> bool:
        return notice.published_at <= timezone.now()


class InquiryAnswerForm(forms.ModelForm[Inquiry]):
    class Meta:
        model = Inquiry
        fields = ["answer"]
        widgets = {"answer": forms.Textarea(attrs={"rows": 10, "cols": 80})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "answer" in self.fields:
            self.fields["answer"].required = True
            self.fields["answer"].help_text = _("저장하면 답변완료가 되고, 문의한 멤버에게 이메일로 알립니다.")


@admin.register(Inquiry)
class InquiryAdmin(admin.ModelAdmin[Inquiry]):
    form = InquiryAnswerForm
    list_display = ("id", "created_at", "partner", "category", "title", "status", "answered_at", "answered_by")
    list_display_links = ("id", "title")
    list_filter = ("status", "category", "created_at")
    search_fields = ("title", "body", "partner__name", "created_by__email")
    list_select_related = ("partner", "created_by", "answered_by")
    date_hierarchy = "created_at"
    fieldsets = (
        (
            _("문의"),
            {"fields": ("partner", "created_by", "created_at", "category", "title", "body", "attachment_links")},
        ),
        (_("답변"), {"fields": ("status", "answer", "answered_by", "answered_at")}),
    )
    base_readonly = (
        "partner",
        "created_by",
        "created_at",
        "category",
        "title",
        "body",
        "attachment_links",
        "status",
        "answered_by",
        "answered_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm(services.ANSWER_PERMISSION)

    def get_readonly_fields(self, request: HttpRequest, obj: Inquiry | None = None) -> tuple[str, ...]:
        if obj is not None and obj.status == Inquiry.Status.ANSWERED:
            return (*self.base_readonly, "answer")
        return self.base_readonly

    @admin.display(description=_("첨부파일"))
    def attachment_links(self, inquiry: Inquiry) -> SafeString | str:
        attachments = list(inquiry.attachments.all())
        if not attachments:
            return "-"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a> ({} KB)</li>',
                (
                    (
                        reverse("admin:support_inquiry_attachment", args=[inquiry.pk, attachment.pk]),
                        attachment.original_name,
                        max(1, attachment.size // 1024),
                    )
                    for attachment in attachments
                ),
            ),
        )

    def get_urls(self) -> list[URLPattern]:  # type: ignore[override]
        download = path(
            "<int:inquiry_id>/attachments/<int:attachment_id>/",
            self.admin_site.admin_view(self.attachment_download),
            name="support_inquiry_attachment",
        )
        return [download, *super().get_urls()]  # type: ignore[list-item]

    def attachment_download(self, request: HttpRequest, inquiry_id: int, attachment_id: int) -> FileResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        attachment = InquiryAttachment.objects.filter(pk=attachment_id, inquiry_id=inquiry_id).first()
        if attachment is None:
            raise Http404(_("첨부파일을 찾을 수 없습니다."))
        return views.attachment_download(attachment)

    def save_model(self, request: HttpRequest, obj: Inquiry, form: forms.ModelForm[Inquiry], change: bool) -> None:
        """Never a plain save: the answer goes through the service, which audits it and e-mails the member."""
        if "answer" not in form.cleaned_data:
            # The answer field is read-only once answered. An answer posted anyway was typed on a form
            # opened while the inquiry waited, and another operator answered first: say so instead of
            # dropping it under the admin's "changed successfully".
            if request.POST.get("answer", "").strip():
                obj._answer_refused = True  # type: ignore[attr-defined]
                self.message_user(request, str(errors.INQUIRY_ALREADY_ANSWERED.message), messages.ERROR)
            return
        try:
            services.inquiry_answer(
                inquiry_id=obj.pk,
                operator=request.user,  # type: ignore[arg-type]
                answer=form.cleaned_data["answer"],
            )
        except ApplicationError as exc:
            obj._answer_refused = True  # type: ignore[attr-defined]
            self.message_user(request, str(exc.message), messages.ERROR)

    def response_change(self, request: HttpRequest, obj: Inquiry) -> HttpResponse:
        if getattr(obj, "_answer_refused", False):
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)
