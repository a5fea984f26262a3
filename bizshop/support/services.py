"""Customer center writes: a partner member's 1:1 inquiry with its files, and the operator's answer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, Any

from django.conf import settings
from django.core.files.base import File
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bizshop.accounts.models import User
from bizshop.backoffice.models import OperatorAction
from bizshop.backoffice.services import operator_action_record, operator_require
from bizshop.partners import errors as partner_errors
from bizshop.partners.models import Member, Partner
from bizshop.support import errors
from bizshop.support.attachments import attachments_check
from bizshop.support.models import Inquiry, InquiryAttachment

TITLE_MAX = 200
BODY_MAX = 5_000
ANSWER_PERMISSION = "support.answer_inquiry"


def inquiry_create(
    *,
    partner: Partner,
    user: User,
    category: str,
    title: str,
    body: str,
    files: Sequence[IO[bytes] | Any] = (),
) -> Inquiry:
    """1:1 문의: a member asks the operators; every file is checked before anything is written."""
    if not Member.objects.filter(user=user, partner=partner, partner__status=Partner.Status.ACTIVE).exists():
        raise partner_errors.NOT_A_MEMBER()
    title, body = title.strip(), body.strip()
    invalid = [
        name
        for name, bad in (
            ("category", category not in Inquiry.Category.values),
            ("title", not title or len(title) > TITLE_MAX),
            ("body", not body or len(body) > BODY_MAX),
        )
        if bad
    ]
    if invalid:
        raise errors.INVALID_INQUIRY(fields=invalid)
    checked = attachments_check(files)
    stored: list[InquiryAttachment] = []
    try:
        with transaction.atomic():
            inquiry = Inquiry.objects.create(
                partner=partner, created_by=user, category=category, title=title, body=body
            )
            for upload, info in zip(files, checked, strict=True):
                attachment = InquiryAttachment(
                    inquiry=inquiry, original_name=info.name, content_type=info.content_type, size=info.size
                )
                attachment.file.save(info.name, File(upload), save=False)
                stored.append(attachment)
                attachment.save()
    except BaseException:
        # The rows rolled back; the files written so far must not stay behind without them.
        for attachment in stored:
            attachment.file.delete(save=False)
        raise
    return inquiry


def inquiry_url(inquiry: Inquiry) -> str:
    return settings.SITE_URL + reverse("support:inquiry-detail", kwargs={"inquiry_id": inquiry.pk})


def _answer_mail_send(inquiry: Inquiry) -> None:
    member = inquiry.created_by
    if member is None or not member.is_active or not member.email:
        return
    subject = _("[이모티콘 비즈샵] 1:1 문의에 답변이 등록되었습니다")
    body = _(
        "안녕하세요, 이모티콘 비즈샵 고객센터입니다.\n\n"
        "문의하신 '%(title)s'에 답변이 등록되었습니다.\n"
        "아래 링크에서 로그인 후 답변을 확인해 주세요.\n%(link)s\n\n"
        "이 메일은 발신 전용입니다. 추가 문의는 고객센터의 1:1 문의를 이용해 주세요."
    ) % {"title": inquiry.title, "link": inquiry_url(inquiry)}
    send_mail(subject, body, None, [member.email])


def inquiry_answer(*, inquiry_id: int, operator: User, answer: str) -> Inquiry:
    """Operator: answer an inquiry waiting for one (답변대기 → 답변완료), audited; the member is e-mailed after commit.

    The row lock makes two operators answering at once end with one answer and one
    ``inquiry_already_answered``, never a silently overwritten reply or two e-mails.
    """
    operator_require(operator=operator, permission=ANSWER_PERMISSION)
    answer = answer.strip()
    if not answer:
        raise errors.ANSWER_REQUIRED()
    with transaction.atomic():
        inquiry = Inquiry.objects.select_for_update().filter(pk=inquiry_id).first()
        if inquiry is None:
            raise errors.INQUIRY_NOT_FOUND(inquiry_id=inquiry_id)
        if inquiry.status != Inquiry.Status.WAITING:
            raise errors.INQUIRY_ALREADY_ANSWERED(inquiry_id=inquiry_id)
        inquiry.answer = answer
        inquiry.answered_by = operator
        inquiry.answered_at = timezone.now()
        inquiry.status = Inquiry.Status.ANSWERED
        inquiry.save(update_fields=["answer", "answered_by", "answered_at", "status"])
        operator_action_record(
            operator=operator,
            kind=OperatorAction.Kind.INQUIRY_ANSWERED,
            target=inquiry,
            data={"partner_id": inquiry.partner_id, "answer_length": len(answer)},
        )
        transaction.on_commit(lambda: _answer_mail_send(inquiry))
    return inquiry
