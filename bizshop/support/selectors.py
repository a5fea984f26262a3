"""Customer center reads: what the public sees (published FAQ and notices) and a partner's own inquiries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from bizshop.partners.models import Partner
from bizshop.support import errors
from bizshop.support.models import Faq, Inquiry, InquiryAttachment, Notice, Topic


@dataclass(frozen=True)
class FaqGroup:
    category: Topic
    entries: list[Faq]


def faq_groups(*, category: str | None = None) -> list[FaqGroup]:
    """Published FAQ entries by category, in the categories' fixed order; empty categories left out."""
    entries = Faq.objects.filter(is_published=True).order_by("order", "id")
    if category:
        entries = entries.filter(category=category)
    by_category: dict[str, list[Faq]] = {}
    for entry in entries:
        by_category.setdefault(entry.category, []).append(entry)
    return [FaqGroup(topic, by_category[topic.value]) for topic in Topic if topic.value in by_category]


def notice_list_published() -> QuerySet[Notice]:
    """Notices whose time has come, pinned ones first, then the newest."""
    return Notice.objects.filter(published_at__lte=timezone.now()).order_by("-pinned", "-published_at", "-id")


def notice_get_published(*, notice_id: int) -> Notice:
    notice = notice_list_published().filter(pk=notice_id).first()
    if notice is None:
        raise errors.NOTICE_NOT_FOUND(notice_id=notice_id)
    return notice


def inquiry_list_for_partner(*, partner: Partner) -> QuerySet[Inquiry]:
    return Inquiry.objects.filter(partner=partner).select_related("created_by").order_by("-created_at", "-id")


def inquiry_get_for_partner(*, partner: Partner, inquiry_id: int) -> Inquiry:
    """The partner's own inquiry; another partner's is ``inquiry_not_found``, exactly like a missing one."""
    inquiry = inquiry_list_for_partner(partner=partner).filter(pk=inquiry_id).first()
    if inquiry is None:
        raise errors.INQUIRY_NOT_FOUND(inquiry_id=inquiry_id)
    return inquiry


def attachment_get_for_partner(*, partner: Partner, inquiry_id: int, attachment_id: int) -> InquiryAttachment:
    attachment = InquiryAttachment.objects.filter(
        pk=attachment_id, inquiry_id=inquiry_id, inquiry__partner=partner
    ).first()
    if attachment is None:
        raise errors.ATTACHMENT_NOT_FOUND(inquiry_id=inquiry_id, attachment_id=attachment_id)
    return attachment
