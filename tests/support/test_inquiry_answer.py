"""Operators answer 1:1 inquiry threads in the admin: through inquiry_answer, audited, the member e-mailed."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from django.core import mail
from django.db import connection
from django.test import Client

from bizshop.backoffice.management.commands.setup_operator_groups import CATALOG_MANAGER, SUPPORT
from bizshop.backoffice.models import OperatorAction
from bizshop.core.errors import ApplicationError
from bizshop.partners.models import Member
from bizshop.support import errors
from bizshop.support.models import Inquiry
from bizshop.support.services import inquiry_answer, inquiry_create, inquiry_follow_up
from tests.factories import MemberFactory
from tests.helpers.sessions import signed_in
from tests.helpers.uploads import png_bytes

if TYPE_CHECKING:
    from pytest_django import DjangoCaptureOnCommitCallbacks

    from bizshop.accounts.models import User

ANSWER = "주문 #12는 아직 일련번호를 발급하지 않아 환불할 수 있습니다.\n구매내역에서 [환불]을 눌러 주세요."


@pytest.fixture
def support(make_operator: Callable[..., User]) -> User:
    return make_operator(SUPPORT)


def change_url(inquiry: Inquiry) -> str:
    return f"/admin/support/inquiry/{inquiry.pk}/change/"


def last_message_id(inquiry: Inquiry) -> int:
    return inquiry.messages.order_by("-id").values_list("id", flat=True)[0]


def staff_answers(inquiry: Inquiry) -> list[str]:
    return list(inquiry.messages.filter(by_staff=True).order_by("id").values_list("body", flat=True))


def test_a_support_operator_answers_from_the_admin_audited_and_the_member_is_emailed(
    support: User,
    operator_client: Callable[[User], Client],
    inquiry: Inquiry,
    member: Member,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    client = operator_client(support)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(change_url(inquiry), {"reply": ANSWER, "seen_message_id": last_message_id(inquiry)})

    assert response.status_code == 302
    inquiry.refresh_from_db()
    answer = inquiry.messages.get(by_staff=True)
    assert (inquiry.status, answer.body, answer.author) == ("answered", ANSWER, support)
    assert inquiry.unread_by_member and not inquiry.unread_by_staff
    action = OperatorAction.objects.get(kind=OperatorAction.Kind.INQUIRY_ANSWERED)
    assert (action.operator, action.target_type, action.target_id) == (support, "support.inquiry", str(inquiry.pk))
    assert action.data["partner_id"] == member.partner_id
    [message] = mail.outbox
    assert message.to == [member.user.email]
    assert "답변이 등록되었습니다" in message.subject
    assert f"/support/inquiries/{inquiry.pk}/" in message.body


def test_the_member_then_sees_the_answer_on_the_inquiry_page(
    support: User, inquiry: Inquiry, member_client: Client
) -> None:
    inquiry_answer(inquiry_id=inquiry.pk, operator=support, answer=ANSWER)

    page = member_client.get(f"/support/inquiries/{inquiry.pk}/").content.decode()

    assert "답변완료" in page
    assert "구매내역에서 [환불]을 눌러 주세요." in page
    assert support.email not in page  # the operator stays the 고객센터, not a person's address


def test_the_operator_sees_the_inquiry_and_downloads_its_file_in_the_admin(
    support: User, operator_client: Callable[[User], Client], inquiry: Inquiry
) -> None:
    client = operator_client(support)
    attachment = inquiry.attachments.get()

    listing = client.get("/admin/support/inquiry/", {"status__exact": "waiting"})
    page = client.get(change_url(inquiry))
    download = client.get(f"/admin/support/inquiry/{inquiry.pk}/attachments/{attachment.pk}/")

    assert listing.status_code == 200 and "A사의 환불 문의" in listing.content.decode()
    assert "screen.png" in page.content.decode()
    assert b"".join(download.streaming_content) == png_bytes()


def test_an_operator_answers_again_in_the_same_thread_and_the_member_is_emailed_each_time(
    support: User, inquiry: Inquiry, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        inquiry_answer(inquiry_id=inquiry.pk, operator=support, answer=ANSWER)
        inquiry_answer(inquiry_id=inquiry.pk, operator=support, answer="덧붙여 안내드립니다.")

    assert staff_answers(inquiry) == [ANSWER, "덧붙여 안내드립니다."]
    assert OperatorAction.objects.filter(kind=OperatorAction.Kind.INQUIRY_ANSWERED).count() == 2
    assert len(mail.outbox) == 2


def test_an_answer_crossing_another_operators_answer_is_reported_not_posted_twice(
    support: User,
    operator_client: Callable[[User], Client],
    inquiry: Inquiry,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    # Operator B opened the change form while the inquiry waited; operator A answers first.
    seen = last_message_id(inquiry)
    inquiry_answer(inquiry_id=inquiry.pk, operator=support, answer=ANSWER)

    with pytest.raises(ApplicationError) as refused:
        inquiry_answer(inquiry_id=inquiry.pk, operator=support, answer="B의 답변", seen_message_id=seen)
    with django_capture_on_commit_callbacks(execute=True):
        response = operator_client(support).post(
            change_url(inquiry), {"reply": "B의 답변", "seen_message_id": seen}, follow=True
        )

    assert refused.value.code == "inquiry_already_answered"
    shown = [(message.level_tag, str(message)) for message in response.context["messages"]]
    assert shown == [("error", str(errors.INQUIRY_ALREADY_ANSWERED.message))]
    assert staff_answers(inquiry) == [ANSWER]
    assert mail.outbox == []


def test_an_answer_written_before_the_partners_follow_up_asks_to_read_it_first(
    support: User, inquiry: Inquiry, member: Member
) -> None:
    seen = last_message_id(inquiry)
    inquiry_follow_up(partner=member.partner, user=member.user, inquiry_id=inquiry.pk, body="하나 더 여쭙니다.")

    with pytest.raises(ApplicationError) as refused:
        inquiry_answer(inquiry_id=inquiry.pk, operator=support, answer=ANSWER, seen_message_id=seen)

    assert refused.value.code == "inquiry_thread_changed"
    assert staff_answers(inquiry) == []


def test_an_empty_answer_is_refused(support: User, operator_client: Callable[[User], Client], inquiry: Inquiry) -> None:
    with pytest.raises(ApplicationError) as refused:
        inquiry_answer(inquiry_id=inquiry.pk, operator=support, answer="   ")
    page = operator_client(support).post(change_url(inquiry), {"reply": ""})

    assert refused.value.code == "answer_required"
    assert page.status_code == 200 and "errorlist" in page.content.decode()
    assert Inquiry.objects.get(pk=inquiry.pk).status == "waiting"


def test_an_operator_outside_support_may_not_answer(
    make_operator: Callable[..., User], operator_client: Callable[[User], Client], inquiry: Inquiry
) -> None:
    catalog_manager = make_operator(CATALOG_MANAGER)

    with pytest.raises(ApplicationError) as refused:
        inquiry_answer(inquiry_id=inquiry.pk, operator=catalog_manager, answer=ANSWER)
    response = operator_client(catalog_manager).post(change_url(inquiry), {"reply": ANSWER})

    assert refused.value.code == "permission_denied"
    assert response.status_code == 403
    assert Inquiry.objects.get(pk=inquiry.pk).status == "waiting"


def test_a_partner_member_cannot_open_the_inquiry_admin(inquiry: Inquiry) -> None:
    client = signed_in(MemberFactory())

    response = client.get("/admin/support/inquiry/")

    assert response.status_code == 302 and "/admin/login/" in response.url


def test_no_email_leaves_when_the_answer_is_rolled_back(support: User, inquiry: Inquiry) -> None:
    # The test's own transaction never commits: on_commit callbacks must not have run.
    inquiry_answer(inquiry_id=inquiry.pk, operator=support, answer=ANSWER)

    assert mail.outbox == []


def test_the_support_group_edits_faq_and_notices_but_cannot_add_or_delete_inquiries(
    support: User, operator_client: Callable[[User], Client], inquiry: Inquiry
) -> None:
    client = operator_client(support)

    added = client.post(
        "/admin/support/faq/add/", {"category": "service", "question": "새 질문", "answer": "답", "order": 0}
    )
    notice_form = client.get("/admin/support/notice/add/")
    add_inquiry = client.get("/admin/support/inquiry/add/")
    delete_inquiry = client.post(f"/admin/support/inquiry/{inquiry.pk}/delete/", {"post": "yes"})

    assert added.status_code == 302 and notice_form.status_code == 200
    assert add_inquiry.status_code == delete_inquiry.status_code == 403
    assert Inquiry.objects.filter(pk=inquiry.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_two_operators_answering_at_once_give_one_answer_and_one_email(
    make_operator: Callable[..., User], member: Member
) -> None:
    first, second = make_operator(SUPPORT), make_operator(SUPPORT)
    target = inquiry_create(partner=member.partner, user=member.user, category="service", title="동시", body="내용")
    seen = last_message_id(target)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def answer(operator: User) -> None:
        barrier.wait()
        try:
            inquiry_answer(
                inquiry_id=target.pk, operator=operator, answer=f"{operator.email}의 답변", seen_message_id=seen
            )
            outcomes.append("answered")
        except ApplicationError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=answer, args=(operator,)) for operator in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["answered", "inquiry_already_answered"]
    assert OperatorAction.objects.filter(kind=OperatorAction.Kind.INQUIRY_ANSWERED).count() == 1
    assert len(mail.outbox) == 1
