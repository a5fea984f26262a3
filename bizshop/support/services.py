"""Customer center writes: a 1:1 inquiry's thread (question, follow-ups, answers, files), read markers, closing."""

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
from bizshop.core.errors import ApplicationError
from bizshop.partners import errors as partner_errors
from bizshop.partners.models import Member, Partner
from bizshop.support import errors
from bizshop.support.attachments import attachments_check
from bizshop.support.models import Inquiry, InquiryAttachment, InquiryMessage

TITLE_MAX = 200
BODY_MAX = 5_000
ANSWER_PERMISSION = "support.answer_inquiry"


def _member_require(*, partner: Partner, user: User) -> None:
    if not Member.objects.filter(user=user, partner=partner, partner__status=Partner.Status.ACTIVE).exists():
        raise partner_errors.NOT_A_MEMBER()


def _body_clean(body: str) -> str:
    body = body.strip()
    if not body or len(body) > BODY_MAX:
        raise errors.INVALID_MESSAGE(max_length=BODY_MAX)
    return body


def _message_store(
    *,
    inquiry: Inquiry,
    author: User,
    by_staff: bool,
    body: str,
    files: Sequence[IO[bytes] | Any],
    stored: list[InquiryAttachment],
) -> InquiryMessage:
    """One message and its files, inside the caller's transaction; each file written is added to ``stored``.

    Storage is not transactional: when the caller's transaction rolls back, it deletes ``stored``.
    """
    checked = attachments_check(files)
    message = InquiryMessage.objects.create(inquiry=inquiry, author=author, by_staff=by_staff, body=body)
    for upload, info in zip(files, checked, strict=True):
        attachment = InquiryAttachment(
            inquiry=inquiry, message=message, original_name=info.name, content_type=info.content_type, size=info.size
        )
        attachment.file.save(info.name, File(upload), save=False)
        stored.append(attachment)
        attachment.save()
    return message


def _files_delete(attachments: Sequence[InquiryAttachment]) -> None:
    """The files of rows that rolled back: they must not stay behind without them."""
    for attachment in attachments:
        attachment.file.delete(save=False)


def inquiry_create(
    *,
    partner: Partner,
    user: User,
    category: str,
    title: str,
    body: str,
    files: Sequence[IO[bytes] | Any] = (),
) -> Inquiry:
    """1:1 문의: a member asks the operators; the question is the thread's first message, with its files."""
    _member_require(partner=partner, user=user)
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
    attachments_check(files)
    stored: list[InquiryAttachment] = []
    try:
        with transaction.atomic():
            now = timezone.now()
            inquiry = Inquiry.objects.create(
                partner=partner,
                created_by=user,
                category=category,
                title=title,
                created_at=now,
                last_message_at=now,
                unread_by_staff=True,
            )
            _message_store(inquiry=inquiry, author=user, by_staff=False, body=body, files=files, stored=stored)
    except BaseException:
        _files_delete(stored)
        raise
    return inquiry


def _locked_open_inquiry(*, inquiry_id: int, partner: Partner | None = None) -> Inquiry:
    inquiries = Inquiry.objects.select_for_update().filter(pk=inquiry_id)
    if partner is not None:
        inquiries = inquiries.filter(partner=partner)
    inquiry = inquiries.first()
    if inquiry is None:
        raise errors.INQUIRY_NOT_FOUND(inquiry_id=inquiry_id)
    if inquiry.status == Inquiry.Status.CLOSED:
        raise errors.INQUIRY_CLOSED(inquiry_id=inquiry_id)
    return inquiry


def inquiry_follow_up(
    *, partner: Partner, user: User, inquiry_id: int, body: str, files: Sequence[IO[bytes] | Any] = ()
) -> InquiryMessage:
    """A member's follow-up (추가 문의) on an open inquiry of their partner: it waits for the operators again."""
    _member_require(partner=partner, user=user)
    body = _body_clean(body)
    attachments_check(files)
    stored: list[InquiryAttachment] = []
    try:
        with transaction.atomic():
            inquiry = _locked_open_inquiry(inquiry_id=inquiry_id, partner=partner)
            message = _message_store(
                inquiry=inquiry, author=user, by_staff=False, body=body, files=files, stored=stored
            )
            inquiry.status = Inquiry.Status.WAITING
            inquiry.unread_by_staff = True
            inquiry.last_message_at = message.created_at
            inquiry.save(update_fields=["status", "unread_by_staff", "last_message_at"])
    except BaseException:
        _files_delete(stored)
        raise
    return message


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


def inquiry_answer(
    *,
    inquiry_id: int,
    operator: User,
    answer: str,
    files: Sequence[IO[bytes] | Any] = (),
    seen_message_id: int | None = None,
) -> InquiryMessage:
    """Operator: post an answer on an open inquiry (→ 답변완료, 새 답변 for the members), audited.

    The member who opened the inquiry is e-mailed after commit, once per answer. A closed inquiry
    takes no more answers (``inquiry_closed``). ``seen_message_id`` is the last message the operator
    saw when writing: a later answer from another operator gives ``inquiry_already_answered`` and a
    later follow-up from the partner ``inquiry_thread_changed`` (under the row lock, so two operators
    answering at once end with one answer and one e-mail), instead of two answers crossing.
    """
    operator_require(operator=operator, permission=ANSWER_PERMISSION)
    try:
        answer = _body_clean(answer)
    except ApplicationError:
        raise errors.ANSWER_REQUIRED() from None
    attachments_check(files)
    stored: list[InquiryAttachment] = []
    try:
        with transaction.atomic():
            inquiry = _locked_open_inquiry(inquiry_id=inquiry_id)
            if seen_message_id is not None:
                newer = inquiry.messages.filter(pk__gt=seen_message_id)
                if newer.filter(by_staff=True).exists():
                    raise errors.INQUIRY_ALREADY_ANSWERED(inquiry_id=inquiry_id)
                if newer.exists():
                    raise errors.INQUIRY_THREAD_CHANGED(inquiry_id=inquiry_id)
            message = _message_store(
                inquiry=inquiry, author=operator, by_staff=True, body=answer, files=files, stored=stored
            )
            inquiry.status = Inquiry.Status.ANSWERED
            inquiry.unread_by_member = True
            inquiry.unread_by_staff = False
            inquiry.last_message_at = message.created_at
            inquiry.save(update_fields=["status", "unread_by_member", "unread_by_staff", "last_message_at"])
            operator_action_record(
                operator=operator,
                kind=OperatorAction.Kind.INQUIRY_ANSWERED,
                target=inquiry,
                data={"partner_id": inquiry.partner_id, "message_id": message.pk, "answer_length": len(answer)},
            )
            transaction.on_commit(lambda: _answer_mail_send(inquiry))
    except BaseException:
        _files_delete(stored)
        raise
    return message


def inquiry_close(*, partner: Partner, user: User, inquiry_id: int) -> Inquiry:
    """A member closes their partner's inquiry (문의 종료): no more messages from either side."""
    _member_require(partner=partner, user=user)
    with transaction.atomic():
        inquiry = _locked_open_inquiry(inquiry_id=inquiry_id, partner=partner)
        inquiry.status = Inquiry.Status.CLOSED
        inquiry.closed_at = timezone.now()
        inquiry.closed_by = user
        inquiry.unread_by_staff = False
        inquiry.save(update_fields=["status", "closed_at", "closed_by", "unread_by_staff"])
    return inquiry


def inquiry_mark_read_by_member(*, inquiry: Inquiry) -> None:
    """The partner's side has seen the thread: the list's 새 답변 goes away. A conditional update, no lock."""
    if inquiry.unread_by_member:
        Inquiry.objects.filter(pk=inquiry.pk, unread_by_member=True).update(unread_by_member=False)
        inquiry.unread_by_member = False


def inquiry_mark_read_by_staff(*, inquiry_id: int) -> None:
    """An operator has opened the thread: it leaves the operators' unread list (it may still be unanswered)."""
    Inquiry.objects.filter(pk=inquiry_id, unread_by_staff=True).update(unread_by_staff=False)
