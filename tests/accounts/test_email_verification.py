"""E-mail verification of self sign-ups (이메일 인증): the mailed link, end to end through the locmem outbox."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertRedirects

from bizshop.accounts import services
from bizshop.accounts.models import User

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response
    from pytest_django import DjangoCaptureOnCommitCallbacks

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Qz!8vN2mWt"


def sign_up(client: Client, email: str, capture: DjangoCaptureOnCommitCallbacks) -> Response:
    with capture(execute=True):
        return client.post(
            reverse("accounts:signup"),
            {
                "email": email,
                "password1": NEW_PASSWORD,
                "password2": NEW_PASSWORD,
                "agree_terms": "on",
                "agree_privacy": "on",
            },
        )


def link_in(message: Any) -> str:
    found = re.search(r"https?://[^/\s]+(/accounts/verify-email/[^\s]+/)", message.body)
    assert found, message.body
    return found.group(1)


def test_a_self_sign_up_is_unverified_and_mailed_its_verification_link(
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    sign_up(Client(), "new@example.kr", django_capture_on_commit_callbacks)

    assert User.objects.get(email="new@example.kr").email_verified is False
    [message] = mail.outbox
    assert message.to == ["new@example.kr"]
    assert "인증" in message.subject
    assert link_in(message).startswith("/accounts/verify-email/")


def test_accounts_made_otherwise_count_as_verified() -> None:
    user = services.user_create(email="made@example.kr", password=NEW_PASSWORD)

    assert user.email_verified is True
    assert mail.outbox == []


def test_the_link_verifies_the_account_and_leads_back_to_registration(
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    client = Client()
    sign_up(client, "new@example.kr", django_capture_on_commit_callbacks)

    response = client.get(link_in(mail.outbox[0]))

    assertRedirects(response, reverse("codes:register"))
    assert User.objects.get(email="new@example.kr").email_verified is True


def test_the_link_opened_in_another_browser_verifies_and_asks_to_sign_in_then_register(
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    sign_up(Client(), "new@example.kr", django_capture_on_commit_callbacks)

    response = Client().get(link_in(mail.outbox[0]))

    register = reverse("codes:register")
    assertRedirects(response, f"{reverse('accounts:login')}?next=%2Fregister%2F", fetch_redirect_response=False)
    assert register == "/register/"
    assert User.objects.get(email="new@example.kr").email_verified is True


def test_opening_the_link_again_is_harmless_as_mail_scanners_open_links_first(
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    client = Client()
    sign_up(client, "new@example.kr", django_capture_on_commit_callbacks)
    link = link_in(mail.outbox[0])
    Client().get(link)  # a scanner

    assertRedirects(client.get(link), reverse("codes:register"))


def test_a_tampered_link_is_refused_and_verifies_nothing(
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    sign_up(Client(), "new@example.kr", django_capture_on_commit_callbacks)
    link = link_in(mail.outbox[0])

    response = Client().get(link[:-3] + "xx/")

    assert response.status_code == 400
    assertContains(response, "인증 링크가 유효하지 않습니다", status_code=400)
    assert User.objects.get(email="new@example.kr").email_verified is False


def test_the_mail_can_be_sent_again_within_the_password_reset_mail_limits(
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    client = Client()
    sign_up(client, "new@example.kr", django_capture_on_commit_callbacks)

    answers = []
    for _ in range(4):
        with django_capture_on_commit_callbacks(execute=True):
            answers.append(client.post(reverse("accounts:verify-email-resend"), follow=True))

    assert len(mail.outbox) == 1 + 3  # the sign-up's, then three resends: the reset e-mails' limit per address
    assertContains(answers[0], "인증 메일을 다시 보냈습니다")
    assertContains(answers[3], "비밀번호 재설정 요청이 너무 많습니다")


def test_a_password_reset_by_its_mailed_link_verifies_the_address_too(
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    sign_up(Client(), "new@example.kr", django_capture_on_commit_callbacks)
    client = Client()
    client.post(reverse("accounts:password-reset"), {"email": "new@example.kr"})
    reset_link = re.search(r"https?://[^/\s]+(/accounts/password-reset/[^\s]+/)", mail.outbox[-1].body)
    assert reset_link is not None

    form_page = client.get(reset_link.group(1), follow=True)
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD + "x", "new_password2": NEW_PASSWORD + "x"}
    )

    assert done.url == reverse("accounts:password-reset-complete")

    assert User.objects.get(email="new@example.kr").email_verified is True
