"""고객센터 portal pages: FAQ and notices for everyone; 1:1 inquiries for a partner's members only.

Another partner's inquiry or attachment is a 404, answered exactly as for one that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bizshop.accounts.models import User
from bizshop.core.errors import ApplicationError
from bizshop.partners.models import Partner
from bizshop.partners.portal import partner_member_required
from bizshop.support import selectors, services
from bizshop.support.forms import FaqFilterForm, FaqSearchForm, InquiryForm, InquiryMessageForm
from bizshop.support.models import InquiryAttachment, Topic

LATEST_NOTICES = 5
NOTICE_PAGE_SIZE = 20
INQUIRY_PAGE_SIZE = 20
# Which field of the inquiry form a refusal of inquiry_create is about.
INQUIRY_ERROR_FIELDS = {
    "too_many_attachments": "attachments",
    "attachment_too_large": "attachments",
    "attachment_type_not_allowed": "attachments",
    "attachment_content_mismatch": "attachments",
    "invalid_message": "body",
}

Found = TypeVar("Found")


def _found_or_404(lookup: Callable[[], Found]) -> Found:
    """A selector's not-found refusal as the page's 404, with the same Korean text."""
    try:
        return lookup()
    except ApplicationError as exc:
        raise Http404(str(exc.message)) from exc


def attachment_download(attachment: InquiryAttachment) -> FileResponse:
    """Always a download with its checked type, never rendered in our origin (the admin serves it the same way)."""
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


def home(request: HttpRequest) -> HttpResponse:
    """고객센터: the FAQ by category (filterable) or searched, and the latest notices."""
    filter_form = FaqFilterForm(request.GET or None)
    category = filter_form.cleaned_data["category"] if filter_form.is_valid() else ""
    search_form = FaqSearchForm(request.GET or None)
    query = search_form.cleaned_data["q"] if search_form.is_valid() else ""
    context = {
        "filter_form": filter_form,
        "search_form": search_form,
        "query": query,
        "category": category,
        "categories": Topic.choices,
        "faq_groups": [] if query else selectors.faq_groups(category=category or None),
        "faq_results": selectors.faq_search(query=query) if query else [],
        "notices": selectors.notice_list_published()[:LATEST_NOTICES],
    }
    return render(request, "support/home.html", context)


def notice_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.notice_list_published(), NOTICE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "support/notice_list.html", {"page": page})


def notice_detail(request: HttpRequest, notice_id: int) -> HttpResponse:
    notice = _found_or_404(lambda: selectors.notice_get_published(notice_id=notice_id))
    return render(request, "support/notice_detail.html", {"notice": notice})


@partner_member_required
def inquiry_list(request: HttpRequest, partner: Partner) -> HttpResponse:
    inquiries = selectors.inquiry_list_for_partner(partner=partner)
    page = Paginator(inquiries, INQUIRY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "support/inquiry_list.html", {"page": page})


@partner_member_required
def inquiry_create(request: HttpRequest, partner: Partner) -> HttpResponse:
    form = InquiryForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user: User = request.user  # type: ignore[assignment]
        try:
            inquiry = services.inquiry_create(
                partner=partner,
                user=user,
                category=data["category"],
                title=data["title"],
                body=data["body"],
                files=data["attachments"],
            )
        except ApplicationError as exc:
            form.add_error(INQUIRY_ERROR_FIELDS.get(exc.code), str(exc.message))
        else:
            messages.success(request, _("문의가 접수되었습니다. 답변이 등록되면 이메일로 알려 드립니다."))
            return redirect("support:inquiry-detail", inquiry_id=inquiry.pk)
    return render(request, "support/inquiry_form.html", {"form": form})


@partner_member_required
def inquiry_detail(request: HttpRequest, partner: Partner, inquiry_id: int) -> HttpResponse:
    """The thread; a follow-up (추가 문의) is posted here. Opening it clears the partner's 새 답변."""
    inquiry = _found_or_404(lambda: selectors.inquiry_get_for_partner(partner=partner, inquiry_id=inquiry_id))
    form = InquiryMessageForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            user: User = request.user  # type: ignore[assignment]
            try:
                services.inquiry_follow_up(
                    partner=partner,
                    user=user,
                    inquiry_id=inquiry.pk,
                    body=form.cleaned_data["body"],
                    files=form.cleaned_data["attachments"],
                )
            except ApplicationError as exc:
                if exc.code not in INQUIRY_ERROR_FIELDS:
                    messages.error(request, str(exc.message))
                    return redirect("support:inquiry-detail", inquiry_id=inquiry.pk)
                form.add_error(INQUIRY_ERROR_FIELDS[exc.code], str(exc.message))
            else:
                messages.success(request, _("추가 문의를 남겼습니다. 답변이 등록되면 이메일로 알려 드립니다."))
                return redirect("support:inquiry-detail", inquiry_id=inquiry.pk)
        status = 422
    else:
        services.inquiry_mark_read_by_member(inquiry=inquiry)
    context = {"inquiry": inquiry, "thread": selectors.inquiry_thread(inquiry=inquiry), "form": form}
    return render(request, "support/inquiry_detail.html", context, status=status)


@require_POST
@partner_member_required
def inquiry_close(request: HttpRequest, partner: Partner, inquiry_id: int) -> HttpResponse:
    """문의 종료, by any member of the partner."""
    user: User = request.user  # type: ignore[assignment]
    try:
        services.inquiry_close(partner=partner, user=user, inquiry_id=inquiry_id)
    except ApplicationError as exc:
        if exc.code == "inquiry_not_found":
            raise Http404(str(exc.message)) from exc
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("문의를 종료했습니다."))
    return redirect("support:inquiry-detail", inquiry_id=inquiry_id)


@partner_member_required
def inquiry_attachment(request: HttpRequest, partner: Partner, inquiry_id: int, attachment_id: int) -> HttpResponseBase:
    """The file, to the inquiring partner only."""
    ids = {"inquiry_id": inquiry_id, "attachment_id": attachment_id}
    attachment = _found_or_404(lambda: selectors.attachment_get_for_partner(partner=partner, **ids))
    return attachment_download(attachment)
