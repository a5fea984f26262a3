"""Portal forms of the customer center: they parse input; the rules live in support.services and .attachments."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bizshop.core.errors import ApplicationError
from bizshop.support.attachments import ACCEPT, MAX_BYTES, MAX_FILES, attachments_check
from bizshop.support.models import Inquiry, Topic
from bizshop.support.services import BODY_MAX, TITLE_MAX


class FaqFilterForm(forms.Form):
    category = forms.ChoiceField(label=_("분류"), choices=[("", _("전체")), *Topic.choices], required=False)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern); the list is checked as a whole."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


def attachments_help() -> str:
    """Formatted per request, in the visitor's language."""
    limits = {"mb": MAX_BYTES // (1024 * 1024), "count": MAX_FILES}
    return _("PNG, JPG, GIF, PDF, TXT, CSV, XLSX · 파일당 %(mb)sMB, 최대 %(count)s개") % limits


def attachments_clean(files: list[Any] | None) -> list[Any]:
    """The files of one post, checked by attachments_check; its refusal becomes the field's error."""
    files = files or []
    try:
        attachments_check(files)
    except ApplicationError as exc:
        raise forms.ValidationError(str(exc.message), code=exc.code) from exc
    return files


class InquiryForm(forms.Form):
    category = forms.ChoiceField(label=_("문의 유형"), choices=[("", _("선택해 주세요")), *Inquiry.Category.choices])
    title = forms.CharField(label=_("제목"), max_length=TITLE_MAX)
    body = forms.CharField(
        label=_("문의 내용"), max_length=BODY_MAX, widget=forms.Textarea(attrs={"rows": 8}), strip=True
    )
    attachments = MultipleFileField(label=_("첨부파일"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = attachments_help()

    def clean_attachments(self) -> list[Any]:
        return attachments_clean(self.cleaned_data.get("attachments"))


class InquiryMessageForm(forms.Form):
    """추가 문의: a follow-up on an open inquiry, with files."""

    body = forms.CharField(
        label=_("추가 문의 내용"), max_length=BODY_MAX, widget=forms.Textarea(attrs={"rows": 5}), strip=True
    )
    attachments = MultipleFileField(label=_("첨부파일"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = attachments_help()

    def clean_attachments(self) -> list[Any]:
        return attachments_clean(self.cleaned_data.get("attachments"))


class FaqSearchForm(forms.Form):
    q = forms.CharField(label=_("검색어"), required=False, max_length=100, strip=True)
