"""이용약관 and 개인정보처리방침: public and versioned, agreed to at sign-up (recorded with who, which
version, when and from where), and asked for again at sign-in once a newer version is in force."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from bizshop.accounts.models import PolicyAcceptance, User
from bizshop.accounts.policies import policies_to_accept, policy_in_force
from tests.factories import PASSWORD, MemberFactory, UserFactory

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response
    from pytest_django import Settings

pytestmark = pytest.mark.django_db

KST = ZoneInfo("Asia/Seoul")
NEW_PASSWORD = "Wq!5nR8tLz"
CONSENT_URL = reverse("accounts:consent")
TERMS_2026_01 = {"version": "2026-01", "effective": "2026-01-01", "template": "accounts/policies/terms_2026-01.html"}
PRIVACY_2026_01 = {
    "version": "2026-01",
    "effective": "2026-01-01",
    "template": "accounts/policies/privacy_2026-01.html",
}
# A newer 이용약관 (the same text will do for the tests) in force from 2026-12-01.
TERMS_2026_12 = {**TERMS_2026_01, "version": "2026-12", "effective": "2026-12-01"}


@pytest.fixture
def newer_terms(settings: Settings) -> None:
    """Users agreed to 2026-01; then 2026-12 was published, in force from 2026-12-01."""
    settings.POLICY_VERSIONS = {"terms": [TERMS_2026_01], "privacy": [PRIVACY_2026_01]}


def publish_newer_terms(settings: Settings) -> None:
    settings.POLICY_VERSIONS = {"terms": [TERMS_2026_01, TERMS_2026_12], "privacy": [PRIVACY_2026_01]}


@pytest.fixture
def december() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(datetime(2026, 12, 6, 10, 0, tzinfo=KST), tick=False) as traveller:
        yield traveller


def sign_in(user: User, next_url: str = "/me/emoticons/") -> tuple[Client, str]:
    client = Client(REMOTE_ADDR="10.9.8.7")
    response = client.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD, "next": next_url})
    assert response.status_code == 302
    return client, response["Location"]


# --- the public pages ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "title", "passage"),
    [
        ("/terms/", "이용약관", "일련번호를 유상으로 재판매하거나 판매를 중개해서는 안 됩니다"),
        ("/privacy/", "개인정보처리방침", "개인정보 보호책임자: 이보안"),
    ],
)
def test_the_policies_are_public_pages_with_their_version_and_effective_date(
    db: None, url: str, title: str, passage: str
) -> None:
    page = Client().get(url)

    text = page.content.decode()
    assert page.status_code == 200
    assert f"<h1>{title}</h1>" in text and passage in text
    assert "2026-01판 · 2026년 1월 1일 시행" in text


def test_the_terms_name_the_shop_from_its_settings(db: None, settings: Settings) -> None:
    settings.SHOP_NAME = "(주)테스트상점"

    assert '(주)테스트상점(이하 "회사")' in Client().get("/terms/").content.decode()


def test_a_version_announced_for_later_is_listed_and_linked_but_not_in_force(db: None, settings: Settings) -> None:
    settings.POLICY_VERSIONS = {
        "terms": [TERMS_2026_01, {**TERMS_2026_01, "version": "2099-01", "effective": "2099-01-01"}],
        "privacy": [PRIVACY_2026_01],
    }

    text = Client().get("/terms/").content.decode()

    assert "2026-01판" in text and "2099년 1월 1일부터 새 버전이 시행됩니다." in text
    assert 'href="/terms/2099-01/"' in text
    assert Client().get("/terms/2099-01/").status_code == 200


def test_an_unknown_version_is_not_found(db: None) -> None:
    assert Client().get("/terms/1999-01/").status_code == 404


# --- consent at sign-up --------------------------------------------------------------------------


def end_user_signup(**consents: str) -> Response:
    data = {"email": "new@example.kr", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, **consents}
    return Client(REMOTE_ADDR="10.1.2.3").post(reverse("accounts:signup"), data)


def test_the_end_user_signup_records_both_versions_with_time_and_ip(db: None) -> None:
    end_user_signup(agree_terms="on", agree_privacy="on")

    rows = PolicyAcceptance.objects.order_by("document").values_list("user__email", "document", "version", "ip")
    assert list(rows) == [
        ("new@example.kr", "privacy", "2026-01", "10.1.2.3"),
        ("new@example.kr", "terms", "2026-01", "10.1.2.3"),
    ]
    assert all(row.accepted_at for row in PolicyAcceptance.objects.all())


@pytest.mark.parametrize(
    ("consents", "unticked"), [({"agree_privacy": "on"}, ["agree_terms"]), ({}, ["agree_terms", "agree_privacy"])]
)
def test_the_end_user_signup_needs_both_consents_and_says_which_is_missing(
    db: None, consents: dict[str, str], unticked: list[str]
) -> None:
    response = end_user_signup(**consents)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert sorted(errors) == sorted(unticked)
    assert errors[unticked[0]] == ["이용약관과 개인정보처리방침에 모두 동의해야 이용할 수 있습니다."]
    assert not User.objects.exists() and not PolicyAcceptance.objects.exists()


def test_the_signup_pages_link_both_policies_next_to_their_checkboxes(db: None) -> None:
    for url in (reverse("accounts:signup"), reverse("partners:signup")):
        text = Client().get(url).content.decode()
        assert 'name="agree_terms"' in text and 'name="agree_privacy"' in text
        assert 'href="/terms/"' in text and 'href="/privacy/"' in text


# --- consent again at sign-in --------------------------------------------------------------------


def test_a_user_who_accepted_the_versions_in_force_goes_where_they_were_going(db: None) -> None:
    assert sign_in(UserFactory())[1] == "/me/emoticons/"


def test_a_newer_version_in_force_is_asked_for_at_the_next_sign_in(
    newer_terms: None, settings: Settings, december: time_machine.Coordinates
) -> None:
    user = UserFactory()
    publish_newer_terms(settings)

    client, target = sign_in(user)

    assert target == f"{CONSENT_URL}?next=%2Fme%2Femoticons%2F"
    text = client.get(target).content.decode()
    assert "변경된 약관에 동의해 주세요" in text and "2026-12판 · 2026년 12월 1일 시행" in text
    assert 'name="agree_terms"' in text and 'name="agree_privacy"' not in text  # the privacy policy is unchanged


def test_a_version_announced_for_later_is_asked_for_only_once_in_force(
    newer_terms: None, settings: Settings, december: time_machine.Coordinates
) -> None:
    user = UserFactory()
    settings.POLICY_VERSIONS = {
        "terms": [TERMS_2026_01, {**TERMS_2026_12, "version": "2027-01", "effective": "2027-01-01"}],
        "privacy": [PRIVACY_2026_01],
    }

    assert sign_in(user)[1] == "/me/emoticons/"
    december.move_to(datetime(2027, 1, 1, 0, 0, tzinfo=KST))
    assert sign_in(user)[1].startswith(CONSENT_URL)


@pytest.mark.parametrize("url", ["/me/emoticons/", "/accounts/password/", "/support/", "/"])
def test_nothing_else_opens_until_the_new_version_is_accepted(
    newer_terms: None, settings: Settings, december: time_machine.Coordinates, url: str
) -> None:
    user = UserFactory()
    publish_newer_terms(settings)
    client, _ = sign_in(user)

    response = client.get(url)

    assert response.status_code == 302 and response.url.startswith(CONSENT_URL)


def test_while_consent_is_pending_the_policies_and_signing_out_stay_open(
    newer_terms: None, settings: Settings, december: time_machine.Coordinates
) -> None:
    user = UserFactory()
    publish_newer_terms(settings)
    client, _ = sign_in(user)

    assert client.get("/terms/").status_code == 200 and client.get("/privacy/2026-01/").status_code == 200
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_accepting_records_the_new_version_and_opens_the_shop(
    newer_terms: None, settings: Settings, december: time_machine.Coordinates
) -> None:
    user = UserFactory()
    publish_newer_terms(settings)
    client, target = sign_in(user)

    response = client.post(target, {"agree_terms": "on", "next": "/me/emoticons/"})

    assert response.status_code == 302 and response.url == "/me/emoticons/"
    accepted = PolicyAcceptance.objects.get(user=user, version="2026-12")
    assert (accepted.document, accepted.ip) == ("terms", "10.9.8.7")
    assert accepted.accepted_at == datetime(2026, 12, 6, 10, 0, tzinfo=KST)
    assert client.get("/accounts/password/").status_code == 200
    assert sign_in(user)[1] == "/me/emoticons/"


def test_not_ticking_the_box_is_refused_and_keeps_the_shop_closed(
    newer_terms: None, settings: Settings, december: time_machine.Coordinates
) -> None:
    user = UserFactory()
    publish_newer_terms(settings)
    client, target = sign_in(user)

    response = client.post(target, {"next": "/me/emoticons/"})

    assert response.status_code == 200
    assert response.context["form"].errors["agree_terms"] == [
        "이용약관과 개인정보처리방침에 모두 동의해야 이용할 수 있습니다."
    ]
    assert not PolicyAcceptance.objects.filter(version="2026-12").exists()
    assert client.get("/me/emoticons/").url.startswith(CONSENT_URL)


def test_a_user_with_no_acceptance_on_record_is_asked_for_both(db: None) -> None:
    user = UserFactory(accepted_policies=False)

    client, target = sign_in(user)

    text = client.get(target).content.decode()
    assert 'name="agree_terms"' in text and 'name="agree_privacy"' in text


def test_consent_comes_before_the_90_day_question(december: time_machine.Coordinates) -> None:
    december.move_to(datetime(2026, 1, 5, 10, 0, tzinfo=KST))
    member = MemberFactory(user=UserFactory(accepted_policies=False))
    december.move_to(datetime(2026, 12, 6, 10, 0, tzinfo=KST))

    client, target = sign_in(member.user, next_url="/partners/info/")
    after_consent = client.post(
        target, {"agree_terms": "on", "agree_privacy": "on", "next": client.get(target).context["next"]}
    )

    assert after_consent.url == f"{reverse('accounts:password-prompt')}?next=%2Fpartners%2Finfo%2F"
    assert policies_to_accept(user=member.user) == []
    assert policy_in_force(document="terms").version == "2026-01"


def test_a_member_joining_by_invitation_agrees_to_the_policies_before_anything_else(db: None) -> None:
    from bizshop.partners.services import member_invite

    owner = MemberFactory()
    sent = member_invite(partner=owner.partner, user=owner.user, email="joiner@example.kr")
    client = Client(REMOTE_ADDR="10.4.4.4")

    joined = client.post(
        reverse("partners:invitation-accept", args=[sent.raw_token]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert joined.url == f"{CONSENT_URL}?next=%2Fpartners%2F"
    assert client.get("/partners/").url.startswith(CONSENT_URL)
    accepted = client.post(joined.url, {"agree_terms": "on", "agree_privacy": "on", "next": "/partners/"})
    assert accepted.url == "/partners/"
    assert PolicyAcceptance.objects.filter(user__email="joiner@example.kr", ip="10.4.4.4").count() == 2
