"""Public pages of end users: 일련번호 등록 (/register/) and 내 이모티콘 (/me/emoticons/)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from bizshop.billing.models import Order
from bizshop.codes import errors
from bizshop.codes.format import ALPHABET
from bizshop.codes.models import CodeStatus, Registration, SerialCode
from bizshop.codes.services import code_register
from bizshop.partners.models import Member

if TYPE_CHECKING:
    from bizshop.accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def codes(
    member: Member, make_order: Callable[..., Order], issue_and_decrypt: Callable[[Order, int], list[str]]
) -> list[str]:
    return issue_and_decrypt(make_order(member.partner, paid=True), 3)


def _typed_like_a_person(code: str) -> str:
    """Lower case, in groups of five separated by spaces."""
    return " ".join(code[i : i + 5] for i in range(0, len(code), 5)).lower()


def _code_field_error(response: Any) -> str:
    match = re.search(
        r'<div class="field-error" id="id_code_error" role="alert">.*?<p>([^<]+)</p>', response.content.decode(), re.S
    )
    assert match, "the error is shown next to the code field"
    return match.group(1)


def test_register_page_is_open_to_visitors_with_sign_up_and_log_in_that_come_back() -> None:
    url = reverse("codes:register")

    response = Client().get(url)

    assert response.status_code == 200
    assertContains(response, 'id="id_code"')
    assertContains(response, f'href="{reverse("accounts:signup")}?next={url}"')
    assertContains(response, "로그인하고 등록하기")


def test_a_visitor_submitting_a_code_is_sent_to_log_in_and_nothing_is_registered(codes: Any) -> None:
    url = reverse("codes:register")

    response = Client().post(url, {"code": codes[0]})

    assertRedirects(response, f"{reverse('accounts:login')}?next={url}", fetch_redirect_response=False)
    assert not Registration.objects.exists()


def test_register_page_has_a_labelled_autofocused_field_with_help(end_user_client: Client) -> None:
    html = end_user_client.get(reverse("codes:register")).content.decode()

    assert '<label for="id_code">일련번호</label>' in html
    field = re.search(r"<input[^>]*id=\"id_code\"[^>]*>", html)
    assert field
    assert "autofocus" in field.group(0)
    assert 'aria-describedby="id_code_helptext"' in field.group(0)
    assert 'id="id_code_helptext"' in html


def test_code_typed_in_lower_case_with_spaces_registers_and_shows_the_emoticon_and_expiry(
    end_user: User, end_user_client: Client, codes: list[str]
) -> None:
    response = end_user_client.post(reverse("codes:register"), {"code": _typed_like_a_person(codes[0])}, follow=True)

    registration = Registration.objects.get(user=end_user)
    assertRedirects(response, f"{reverse('codes:register')}?registered={registration.pk}")
    assertContains(response, "등록이 완료되었습니다")
    assertContains(response, registration.emoticon.title)
    assertContains(response, timezone.localtime(registration.usage_expires_at).strftime("%Y-%m-%d %H:%M"))
    assert registration.usage_expires_at - registration.registered_at == timedelta(days=30)
    assert SerialCode.objects.get(pk=registration.code_id).status == CodeStatus.REGISTERED


def test_wrong_check_symbol_shows_its_message_next_to_the_field(end_user_client: Client, codes: list[str]) -> None:
    wrong_check = ALPHABET[(ALPHABET.index(codes[0][-1]) + 1) % len(ALPHABET)]

    response = end_user_client.post(reverse("codes:register"), {"code": codes[0][:-1] + wrong_check})

    assert _code_field_error(response) == str(errors.INVALID_CHECK_CHARACTER.message)
    field = re.search(r"<input[^>]*id=\"id_code\"[^>]*>", response.content.decode())
    assert field
    assert 'aria-describedby="id_code_helptext id_code_error"' in field.group(0)
    assert 'aria-invalid="true"' in field.group(0)
    assert not Registration.objects.exists()


def test_malformed_code_shows_the_format_message(end_user_client: Client) -> None:
    response = end_user_client.post(reverse("codes:register"), {"code": "1234"})

    assert _code_field_error(response) == str(errors.INVALID_CODE_FORMAT.message)


def test_already_registered_code_shows_its_message(
    end_user_client: Client, codes: list[str], make_end_user: Callable[[], User]
) -> None:
    code_register(user=make_end_user(), raw_code=codes[0])

    response = end_user_client.post(reverse("codes:register"), {"code": codes[0]})

    assert _code_field_error(response) == str(errors.CODE_ALREADY_REGISTERED.message)
    assert Registration.objects.count() == 1


def test_my_emoticons_lists_registrations_with_days_left(
    end_user: User, end_user_client: Client, codes: list[str]
) -> None:
    end_user_client.post(reverse("codes:register"), {"code": codes[0]})

    response = end_user_client.get(reverse("codes:my-emoticons"))

    registration = Registration.objects.get(user=end_user)
    assertContains(response, registration.emoticon.title)
    assertContains(response, "30일 남음")
    assertNotContains(response, "기간 만료")


def test_my_emoticons_marks_expired_registrations(end_user: User, end_user_client: Client, codes: list[str]) -> None:
    registration = code_register(user=end_user, raw_code=codes[0])
    Registration.objects.filter(pk=registration.pk).update(usage_expires_at=timezone.now() - timedelta(minutes=1))

    response = end_user_client.get(reverse("codes:my-emoticons"))

    assertContains(response, "기간 만료")
    assertNotContains(response, "일 남음")


def test_my_emoticons_shows_only_the_users_own(
    end_user_client: Client, codes: list[str], make_end_user: Callable[[], User]
) -> None:
    code_register(user=make_end_user(), raw_code=codes[0])

    response = end_user_client.get(reverse("codes:my-emoticons"))

    assertContains(response, "등록한 이모티콘이 없습니다.")


def test_my_emoticons_requires_login() -> None:
    url = reverse("codes:my-emoticons")

    assertRedirects(Client().get(url), f"{reverse('accounts:login')}?next={url}")


@pytest.mark.parametrize("value", ["²", "٣", "1" * 30, "-1", "abc"])
def test_a_registered_parameter_that_is_no_id_shows_the_empty_form(end_user_client: Client, value: str) -> None:
    response = end_user_client.get(reverse("codes:register"), {"registered": value})

    assert response.status_code == 200
    assert response.context["registered"] is None
