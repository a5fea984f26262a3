"""/register/ by a code link: the emoticon a code is for, and registration waiting for a verified e-mail."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from django.test import Client
from django.urls import reverse

from bizshop.billing.models import Order
from bizshop.codes import errors, throttle
from bizshop.codes.format import check_symbol
from bizshop.codes.models import Registration
from bizshop.codes.services import code_register
from bizshop.partners.models import Member
from tests.factories import PASSWORD, UserFactory
from tests.helpers.sessions import signed_in

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

pytestmark = pytest.mark.django_db


@pytest.fixture
def codes(
    member: Member, make_order: Callable[..., Order], issue_and_decrypt: Callable[[Order, int], list[str]]
) -> list[str]:
    return issue_and_decrypt(make_order(member.partner, paid=True, period_days=60), 2)


def preview(client: Client, code: str) -> Response:
    return client.post(reverse("codes:register-preview"), {"code": code})


def test_the_preview_names_the_emoticon_a_code_is_for(end_user_client: Client, codes: list[str]) -> None:
    response = preview(end_user_client, codes[0].lower())

    assert response.status_code == 200
    assert response.json() == {"title": Order.objects.get().emoticon.title, "period_days": 60}
    assert response["Cache-Control"] == "no-store"
    assert not Registration.objects.exists()


def test_the_preview_of_a_registered_code_says_so(end_user_client: Client, codes: list[str]) -> None:
    code_register(user=UserFactory(), raw_code=codes[0])

    response = preview(end_user_client, codes[0])

    assert response.status_code == 409
    assert response.json()["error"]["code"] == errors.CODE_ALREADY_REGISTERED.code


def test_previews_of_unknown_codes_count_as_guesses_in_the_registration_throttle(
    end_user_client: Client, codes: list[str]
) -> None:
    unknown = "0" * 19 + check_symbol("0" * 19)
    limit = throttle.ACCOUNT_WINDOWS[0].limit
    answers = [preview(end_user_client, unknown).status_code for _ in range(limit)]

    refused = preview(end_user_client, codes[0])

    assert answers == [404] * limit
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == errors.TOO_MANY_ATTEMPTS.code
    assert int(refused["Retry-After"]) > 0


def test_a_visitor_gets_no_preview(codes: list[str]) -> None:
    response = preview(Client(), codes[0])

    assert response.status_code == 302
    assert codes[0] not in response["Location"]


def test_an_unverified_account_registers_nothing_until_its_email_is_verified(codes: list[str]) -> None:
    user = UserFactory(email_verified=False)
    client = signed_in(user)

    page = client.get(reverse("codes:register"))
    refused = client.post(reverse("codes:register"), {"code": codes[0]})
    refused_preview = preview(client, codes[0])

    assert "이메일 인증이 필요합니다" in page.content.decode()
    assert str(errors.EMAIL_NOT_VERIFIED.message) in refused.content.decode()
    assert refused_preview.status_code == 403
    assert refused_preview.json()["error"]["code"] == "email_not_verified"
    assert not Registration.objects.exists()
    user.email_verified = True
    user.save(update_fields=["email_verified"])
    assert client.post(reverse("codes:register"), {"code": codes[0]}).status_code == 302
    assert Registration.objects.get().user == user


def test_the_api_refuses_an_unverified_account_with_its_error_code(codes: list[str]) -> None:
    user = UserFactory(email_verified=False)
    client = Client()

    response = client.post(
        "/api/v1/registrations/",
        {"code": codes[0]},
        content_type="application/json",
        HTTP_AUTHORIZATION=_basic(user.email, PASSWORD),
    )

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "email_not_verified"


def _basic(email: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{email}:{password}".encode()).decode()
