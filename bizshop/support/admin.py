"""Operators' customer center: FAQ and notices as is; inquiry threads answered through inquiry_answer (audited)."""

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
from bizshop.support import services, views
from bizshop.support.forms import MultipleFileField, attachments_clean
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
    """No field of the inquiry is edited here: the form only carries the operator's next answer and its files."""

    reply = forms.CharField(
        label=_("답변"),
        required=False,
        max_length=services.BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 10, "cols": 80}),
        help_text=_("저장하면 답변완료가 되고, 문의한 멤버에게 이메일로 알립니다."),
    )
    reply_files = MultipleFileField(label=_("첨부파일"), required=False)
    # The last message shown when the form was opened: an answer crossing another one is refused.
    seen_message_id = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Inquiry
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and "seen_message_id" in self.fields:
            last = self.instance.messages.order_by("-id").values_list("id", flat=True).first()
            self.fields["seen_message_id"].initial = last
            # Saving an open inquiry means answering it: an empty answer is the form's error, not a no-op.
            self.fields["reply"].required = not self.instance.is_closed

    def clean_reply_files(self) -> list[Any]:
        return attachments_clean(self.cleaned_data.get("reply_files"))


@admin.register(Inquiry)
class InquiryAdmin(admin.ModelAdmin[Inquiry]):
    form = InquiryAnswerForm
    list_display = ("id", "created_at", "partner", "category", "title", "status", "unread_by_staff", "last_message_at")
    list_display_links = ("id", "title")
    list_filter = ("status", "unread_by_staff", "category", "created_at")
    search_fields = ("title", "messages__body", "partner__name", "created_by__email")
    list_select_related = ("partner", "created_by")
    date_hierarchy = "created_at"
    readonly_fields = (
        "partner",
        "created_by",
        "created_at",
        "category",
        "title",
        "status",
        "closed_at",
        "thread",
    )

    def get_fieldsets(self, request: HttpRequest, obj: Inquiry | None = None) -> Any:
        fieldsets: list[Any] = [
            (
                _("문의"),
                {"fields": ("partner", "created_by", "created_at", "category", "title", "status", "closed_at")},
            ),
            (_("대화"), {"fields": ("thread",)}),
        ]
        if obj is not None and not obj.is_closed and self.has_change_permission(request, obj):
            fieldsets.append((_("답변 작성"), {"fields": ("reply", "reply_files", "seen_message_id")}))
        return fieldsets

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm(services.ANSWER_PERMISSION)

    @admin.display(description=_("대화"))
    def thread(self, inquiry: Inquiry) -> SafeString | str:
        """Every message, oldest first, each with its files (downloaded through the admin, never from media)."""
        items = []
        for message in inquiry.messages.select_related("author").prefetch_related("attachments"):
            side = _("운영자") if message.by_staff else _("파트너")
            files = format_html_join(
                "",
                '<li><a href="{}">{}</a> ({} KB)</li>',
                (
                    (
                        reverse("admin:support_inquiry_attachment", args=[inquiry.pk, attachment.pk]),
                        attachment.original_name,
                        max(1, attachment.size // 1024),
                    )
                    for attachment in message.attachments.all()
                ),
            )
            items.append(
                format_html(
                    '<li style="margin-bottom:1em"><strong>{} · {}</strong> {}'
                    '<div style="white-space:pre-wrap">{}</div><ul>{}</ul></li>',
                    side,
                    message.author.email if message.author else "-",
                    timezone.localtime(message.created_at).strftime("%Y-%m-%d %H:%M"),
                    message.body,
                    files,
                )
            )
        return format_html('<ol style="margin-left:0">{}</ol>', format_html_join("", "{}", ((item,) for item in items)))

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

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if request.method == "GET" and object_id.isdigit() and self.has_view_permission(request):
            services.inquiry_mark_read_by_staff(inquiry_id=int(object_id))
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request: HttpRequest, obj: Inquiry, form: forms.ModelForm[Inquiry], change: bool) -> None:
        """Never a plain save: an answer goes through the service, which audits it and e-mails the member."""
        reply = form.cleaned_data.get("reply", "")
        if not reply.strip():
            return  # a closed inquiry: nothing to write
        try:
            services.inquiry_answer(
                inquiry_id=obj.pk,
                operator=request.user,  # type: ignore[arg-type]
                answer=reply,
                files=form.cleaned_data.get("reply_files") or [],
                seen_message_id=form.cleaned_data.get("seen_message_id"),
            )
        except ApplicationError as exc:
            obj._answer_refused = True  # type: ignore[attr-defined]
            self.message_user(request, str(exc.message), messages.ERROR)

    def response_change(self, request: HttpRequest, obj: Inquiry) -> HttpResponse:
        if getattr(obj, "_answer_refused", False):
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)
