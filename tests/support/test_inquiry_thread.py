"""1:1 inquiry threads over HTTP: follow-ups with files, operator answers, unread markers, e-mail, closing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.core import mail
from django.test import Client

from bizshop.backoffice.management.commands.setup_operator_groups import SUPPORT
from bizshop.core.errors import ApplicationError
from bizshop.partners.models import Member
from bizshop.support import errors
from bizshop.support.models import Inquiry, InquiryMessage
from bizshop.support.services import inquiry_answer
from tests.factories import MemberFactory
from tests.helpers.sessions import signed_in
from tests.helpers.uploads import png_bytes, stored_files, upload

if TYPE_CHECKING:
    from pytest_django import DjangoCaptureOnCommitCallbacks, Settings

    from bizshop.accounts.models import User

pytestmark = pytest.mark.django_db

FOLLOW_UP = "주문 #12 말고 #13도 환불할 수 있나요?"


@pytest.fixture
def support(make_operator: Callable[..., User]) -> User:
    return make_operator(SUPPORT)


def detail(inquiry: Inquiry) -> str:
    return f"/support/inquiries/{inquiry.pk}/"


def admin_change(inquiry: Inquiry) -> str:
    return f"/admin/support/inquiry/{inquiry.pk}/change/"


def thread(inquiry: Inquiry) -> list[tuple[bool, str]]:
    return list(inquiry.messages.order_by("id").values_list("by_staff", "body"))


def test_a_member_posts_a_follow_up_with_a_file_and_the_inquiry_waits_for_the_operators_again(
    support: User, inquiry: Inquiry, member_client: Client
) -> None:
    inquiry_answer(inquiry_id=inquiry.pk, operator=support, answer="가능합니다.")

    response = member_client.post(
        detail(inquiry), {"body": FOLLOW_UP, "attachments": [upload("주문13.png", png_bytes(), "image/png")]}
    )

    assert response.status_code == 302 and response.url == detail(inquiry)
    inquiry.refresh_from_db()
    assert thread(inquiry) == [(False, "주문 #12 환불이 가능한가요?"), (True, "가능합니다."), (False, FOLLOW_UP)]
    assert (inquiry.status, inquiry.unread_by_staff) == ("waiting", True)
    follow_up = inquiry.messages.order_by("id").last()
    assert follow_up is not None
    attachment = follow_up.attachments.get()
    page = member_client.get(detail(inquiry)).content.decode()
    assert FOLLOW_UP in page and "주문13.png" in page and "추가 문의를 남겼습니다" in page
    download = member_client.get(f"{detail(inquiry)}attachments/{attachment.pk}/")
    assert b"".join(download.streaming_content) == png_bytes()


def test_a_follow_up_with_a_file_that_is_not_what_its_name_says_is_refused_and_nothing_is_kept(
    inquiry: Inquiry, member_client: Client, attachment_root: Path
) -> None:
    files_before = stored_files(attachment_root)

    response = member_client.post(
        detail(inquiry), {"body": FOLLOW_UP, "attachments": [upload("화면.png", b"MZ\x90\x00 not a picture")]}
    )

    assert response.status_code == 422
    assert "화면.png: 파일 내용이 확장자(PNG)와 맞지 않거나 손상된 파일입니다." in response.content.decode()
    assert FOLLOW_UP in response.content.decode()  # what was typed is still in the form
    assert len(thread(inquiry)) == 1
    assert stored_files(attachment_root) == files_before


def test_an_empty_follow_up_is_refused_next_to_the_field(inquiry: Inquiry, member_client: Client) -> None:
    response = member_client.post(detail(inquiry), {"body": "   "})

    assert response.status_code == 422 and 'id="id_body_error"' in response.content.decode()
    assert len(thread(inquiry)) == 1


def test_the_files_are_stored_outside_media_and_no_media_url_serves_them(
    inquiry: Inquiry, settings: Settings, attachment_root: Path, client: Client
) -> None:
    attachment = inquiry.attachments.get()

    assert (attachment_root / attachment.file.name).is_file()
    assert not (Path(settings.MEDIA_ROOT) / attachment.file.name).exists()
    assert client.get(f"/media/{attachment.file.name}").status_code == 404


def test_another_partners_member_cannot_read_post_close_or_download(
    support: User, inquiry: Inquiry, other_member_client: Client
) -> None:
    inquiry_answer(inquiry_id=inquiry.pk, operator=support, answer="첨부 확인", files=[upload("안내.png", png_bytes())])
    staff_file = inquiry.attachments.get(message__by_staff=True)

    answers = [
        other_member_client.get(detail(inquiry)).status_code,
        other_member_client.post(detail(inquiry), {"body": "남의 문의에 글쓰기"}).status_code,
        other_member_client.post(f"{detail(inquiry)}close/").status_code,
        other_member_client.get(f"{detail(inquiry)}attachments/{staff_file.pk}/").status_code,
    ]

    assert answers == [404, 404, 404, 404]
    inquiry.refresh_from_db()
    assert (inquiry.status, len(thread(inquiry))) == ("answered", 2)


def test_a_colleague_of_the_same_partner_follows_the_thread_and_downloads_the_operators_file(
    support: User, inquiry: Inquiry, member: Member
) -> None:
    colleague = signed_in(MemberFactory(partner=member.partner))
    inquiry_answer(
        inquiry_id=inquiry.pk,
        operator=support,
        answer="안내문을 첨부합니다.",
        files=[upload("안내.pdf", b"%PDF-1.4 guide")],
    )
    staff_file = inquiry.attachments.get(message__by_staff=True)

    page = colleague.get(detail(inquiry)).content.decode()
    download = colleague.get(f"{detail(inquiry)}attachments/{staff_file.pk}/")

    assert "안내문을 첨부합니다." in page and "안내.pdf" in page
    assert b"".join(download.streaming_content) == b"%PDF-1.4 guide"


def test_the_list_says_new_answer_until_a_member_opens_the_inquiry(
    support: User, inquiry: Inquiry, member_client: Client
) -> None:
    before = member_client.get("/support/inquiries/").content.decode()
    inquiry_answer(inquiry_id=inquiry.pk, operator=support, answer="답변드립니다.")

    unread = member_client.get("/support/inquiries/").content.decode()
    member_client.get(detail(inquiry))
    read = member_client.get("/support/inquiries/").content.decode()

    assert "새 답변" not in before
    assert "새 답변" in unread
    assert "새 답변" not in read


def test_operators_see_new_member_posts_as_unread_until_they_open_the_thread(
    support: User, operator_client: Callable[[User], Client], inquiry: Inquiry, member_client: Client
) -> None:
    client = operator_client(support)
    unread_list = "/admin/support/inquiry/?unread_by_staff__exact=1"

    listed_new = client.get(unread_list).content.decode()
    client.get(admin_change(inquiry))
    listed_after_opening = client.get(unread_list).content.decode()
    inquiry_answer(inquiry_id=inquiry.pk, operator=support, answer="답변")
    member_client.post(detail(inquiry), {"body": FOLLOW_UP})
    listed_after_follow_up = client.get(unread_list).content.decode()
    unanswered = client.get("/admin/support/inquiry/?status__exact=waiting").content.decode()

    assert "A사의 환불 문의" in listed_new
    assert "A사의 환불 문의" not in listed_after_opening
    assert "A사의 환불 문의" in listed_after_follow_up
    assert "A사의 환불 문의" in unanswered


def test_an_operator_answers_in_the_admin_with_a_file_and_the_member_is_emailed_after_commit(
    support: User,
    operator_client: Callable[[User], Client],
    inquiry: Inquiry,
    member: Member,
    member_client: Client,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    client = operator_client(support)
    form = client.get(admin_change(inquiry)).content.decode()
    seen = inquiry.messages.get().pk

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            admin_change(inquiry),
            {
                "reply": "환불 방법을 첨부합니다.",
                "reply_files": [upload("환불.png", png_bytes())],
                "seen_message_id": seen,
            },
        )

    assert 'enctype="multipart/form-data"' in form and "주문 #12 환불이 가능한가요?" in form
    assert response.status_code == 302
    answer = InquiryMessage.objects.get(inquiry=inquiry, by_staff=True)
    assert (answer.body, answer.author, answer.attachments.get().original_name) == (
        "환불 방법을 첨부합니다.",
        support,
        "환불.png",
    )
    [message] = mail.outbox
    assert message.to == [member.user.email] and detail(inquiry) in message.body
    page = member_client.get(detail(inquiry)).content.decode()
    assert "이모티콘 비즈샵 고객센터" in page and "환불.png" in page and support.email not in page


def test_the_admin_refuses_a_bad_file_on_an_answer_and_posts_nothing(
    support: User, operator_client: Callable[[User], Client], inquiry: Inquiry
) -> None:
    response = operator_client(support).post(
        admin_change(inquiry), {"reply": "첨부 확인", "reply_files": [upload("guide.pdf", b"not a pdf")]}
    )

    assert response.status_code == 200
    assert "guide.pdf: 파일 내용이 확장자(PDF)와 맞지 않거나 손상된 파일입니다." in response.content.decode()
    assert thread(inquiry) == [(False, "주문 #12 환불이 가능한가요?")]
    assert mail.outbox == []


def test_a_member_closes_the_inquiry_and_then_nobody_can_post(
    support: User,
    operator_client: Callable[[User], Client],
    inquiry: Inquiry,
    member: Member,
    member_client: Client,
) -> None:
    closed = member_client.post(f"{detail(inquiry)}close/", follow=True)
    follow_up = member_client.post(detail(inquiry), {"body": FOLLOW_UP}, follow=True)
    admin_answer = operator_client(support).post(admin_change(inquiry), {"reply": "늦은 답변"}, follow=True)
    listing = member_client.get("/support/inquiries/").content.decode()

    page = closed.content.decode()
    assert "문의를 종료했습니다." in page and "종료된 문의입니다." in page
    assert "추가 문의 등록" not in page and "문의 종료</button>" not in page
    assert "종료된 문의입니다." in follow_up.content.decode()
    assert [str(message) for message in admin_answer.context["messages"]] == [str(errors.INQUIRY_CLOSED.message)]
    inquiry.refresh_from_db()
    assert (inquiry.status, inquiry.closed_by, len(thread(inquiry))) == ("closed", member.user, 1)
    assert inquiry.closed_at is not None
    assert "종료" in listing
    assert mail.outbox == []


def test_closing_twice_says_it_is_already_closed(inquiry: Inquiry, member_client: Client) -> None:
    member_client.post(f"{detail(inquiry)}close/", follow=True)

    again = member_client.post(f"{detail(inquiry)}close/", follow=True)

    assert [str(message) for message in again.context["messages"]] == [str(errors.INQUIRY_CLOSED.message)]


def test_an_operator_cannot_answer_a_closed_inquiry(support: User, inquiry: Inquiry, member_client: Client) -> None:
    member_client.post(f"{detail(inquiry)}close/")

    with pytest.raises(ApplicationError) as refused:
        inquiry_answer(inquiry_id=inquiry.pk, operator=support, answer="늦은 답변")

    assert refused.value.code == "inquiry_closed"
