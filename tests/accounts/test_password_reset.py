"""Password reset by e-mailed token, end to end through the locmem outbox."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from bizshop.accounts import throttle
from bizshop.accounts.models import User
from bizshop.audit.models import AuditEvent
from tests.factories import PASSWORD

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Qz!8vN2mWt"


def request_reset(client: Client, email: str) -> Response:
    return client.post(reverse("accounts:password-reset"), {"email": email})


def link_in(message: Any) -> str:
    found = re.search(r"https?://[^/\s]+(/accounts/password-reset/[^\s]+/)", message.body)
    assert found, message.body
    return found.group(1)


def test_the_reset_mail_is_korean_and_carries_a_link(end_user: User) -> None:
    response = request_reset(Client(), end_user.email.upper())

    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == [end_user.email]
    assert message.subject == "[이모티콘 비즈샵] 비밀번호 재설정 안내"
    assert "비밀번호 재설정을 요청하셨습니다" in message.body
    assert link_in(message).startswith("/accounts/password-reset/")


def test_an_unknown_address_gets_the_same_page_and_no_mail(db: None) -> None:
    response = request_reset(Client(), "nobody@example.kr")

    assert response.url == reverse("accounts:password-reset-done")
    assert mail.outbox == []


def test_the_link_sets_a_new_password_that_signs_in(end_user: User) -> None:
    client = Client()
    request_reset(client, end_user.email)

    form_page = client.get(link_in(mail.outbox[0]), follow=True)
    assert "새 비밀번호 설정" in form_page.content.decode()
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert done.url == reverse("accounts:password-reset-complete")
    user = User.objects.get(pk=end_user.pk)
    assert user.check_password(NEW_PASSWORD) and not user.check_password(PASSWORD)
    signed_in = Client().post(reverse("accounts:login"), {"username": end_user.email, "password": NEW_PASSWORD})
    assert "_auth_user_id" in signed_in.client.session


def test_the_new_password_must_follow_the_policy(end_user: User) -> None:
    client = Client()
    request_reset(client, end_user.email)
    form_page = client.get(link_in(mail.outbox[0]), follow=True)

    refused = client.post(form_page.redirect_chain[-1][0], {"new_password1": "abcdefgh", "new_password2": "abcdefgh"})

    assert refused.status_code == 200
    assert "3종류 이상" in refused.content.decode()
    assert User.objects.get(pk=end_user.pk).check_password(PASSWORD)


def test_a_used_link_does_not_work_twice(end_user: User) -> None:
    client = Client()
    request_reset(client, end_user.email)
    link = link_in(mail.outbox[0])
    form_page = client.get(link, follow=True)
    client.post(form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    again = Client().get(link, follow=True)

    assert "링크가 유효하지 않습니다" in again.content.decode()


def test_a_reset_clears_the_accounts_login_lock_and_is_audited(end_user: User) -> None:
    for _ in range(throttle.ACCOUNT_LIMIT):
        Client().post(reverse("accounts:login"), {"username": end_user.email, "password": "Wrong!pass1"})
    client = Client()
    request_reset(client, end_user.email)
    form_page = client.get(link_in(mail.outbox[0]), follow=True)
    client.post(form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    signed_in = Client().post(reverse("accounts:login"), {"username": end_user.email, "password": NEW_PASSWORD})

    assert "_auth_user_id" in signed_in.client.session
    assert AuditEvent.objects.filter(action=AuditEvent.Action.PASSWORD_RESET, actor=end_user).exists()


def test_the_login_page_links_to_the_reset_page(db: None) -> None:
    page = Client().get(reverse("accounts:login")).content.decode()

    assert f'href="{reverse("accounts:password-reset")}"' in page
