"""파트너 가입 in the portal: checksum-validated number, owner member, terms recorded."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.test import Client
from django.urls import reverse

from bizshop.accounts.models import PolicyAcceptance, User
from bizshop.accounts.policies import policy_in_force
from bizshop.audit.models import AuditEvent
from bizshop.partners.models import Member, Partner, TermsAgreement
from tests.factories import PASSWORD, VALID_BRNS, PartnerFactory

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

pytestmark = pytest.mark.django_db

FORM = {
    "business_registration_number": "120-81-47521",
    "name": "(주)카카오선물",
    "representative": "김대표",
    "address": "경기도 성남시 분당구 판교역로 166",
    "contact_name": "이담당",
    "contact_phone": "010-1234-5678",
    "invoice_email": "Tax@Gift.example.kr",
    "email": "owner@gift.example.kr",
    "password1": PASSWORD,
    "password2": PASSWORD,
    "agree_terms": "on",
    "agree_privacy": "on",
}


def sign_up(**changes: str) -> Response:
    data = {**FORM, **changes}
    return Client(REMOTE_ADDR="10.1.2.3").post(reverse("partners:signup"), {k: v for k, v in data.items() if v})


def test_the_signup_page_is_public_and_korean(db: None) -> None:
    page = Client().get(reverse("partners:signup"))

    assert page.status_code == 200
    assert "사업자등록번호" in page.content.decode()


def test_signup_creates_the_partner_with_every_detail(db: None) -> None:
    response = sign_up()

    assert response.url == reverse("partners:info")
    partner = Partner.objects.get()
    assert (
        partner.business_registration_number,
        partner.name,
        partner.representative,
        partner.address,
        partner.contact_name,
        partner.contact_phone,
        partner.invoice_email,
    ) == ("1208147521", "(주)카카오선물", "김대표", FORM["address"], "이담당", "010-1234-5678", "tax@gift.example.kr")


def test_the_first_member_becomes_the_owner_and_is_signed_in(db: None) -> None:
    response = sign_up()

    member = Member.objects.get()
    assert (member.user.email, member.role) == ("owner@gift.example.kr", Member.Role.OWNER)
    assert response.client.session["_auth_user_id"] == str(member.user.pk)


def test_signup_records_the_terms_version_and_time(db: None) -> None:
    sign_up()

    agreement = TermsAgreement.objects.get()
    assert (agreement.terms_version, agreement.user.email, agreement.ip) == (
        policy_in_force(document="terms").version,
        "owner@gift.example.kr",
        "10.1.2.3",
    )
    assert agreement.agreed_at is not None
    assert AuditEvent.objects.filter(action=AuditEvent.Action.PARTNER_SIGNUP).count() == 1


def test_signup_without_agreeing_to_the_terms_is_refused(db: None) -> None:
    response = sign_up(agree_terms="")

    assert response.status_code == 200
    assert "이용약관에 동의해 주세요." in response.content.decode()
    assert not Partner.objects.exists() and not User.objects.exists()


def test_signup_records_the_owners_consent_to_both_policies_in_force(db: None) -> None:
    sign_up()

    accepted = PolicyAcceptance.objects.values_list("user__email", "document", "version", "ip")
    assert sorted(accepted) == [
        ("owner@gift.example.kr", "privacy", policy_in_force(document="privacy").version, "10.1.2.3"),
        ("owner@gift.example.kr", "terms", policy_in_force(document="terms").version, "10.1.2.3"),
    ]


def test_signup_without_agreeing_to_the_privacy_policy_is_refused(db: None) -> None:
    response = sign_up(agree_privacy="")

    assert response.status_code == 200
    assert "이용약관과 개인정보처리방침에 모두 동의해야 이용할 수 있습니다." in response.content.decode()
    assert not Partner.objects.exists() and not User.objects.exists() and not PolicyAcceptance.objects.exists()


def test_a_number_with_a_wrong_check_digit_is_refused(db: None) -> None:
    response = sign_up(business_registration_number="1208147522")

    assert "사업자등록번호가 올바르지 않습니다." in response.content.decode()
    assert not Partner.objects.exists() and not User.objects.exists()


def test_a_number_already_registered_is_refused_clearly(db: None) -> None:
    PartnerFactory(business_registration_number=VALID_BRNS[0])

    response = sign_up()

    assert "이미 가입된 사업자등록번호입니다." in response.content.decode()
    assert Partner.objects.count() == 1 and not User.objects.exists()


def test_a_weak_password_is_refused_with_each_rule(db: None) -> None:
    response = sign_up(password1="abcdefgh", password2="abcdefgh")

    page = response.content.decode()
    assert "3종류 이상" in page and "연속된 문자" in page
    assert not Partner.objects.exists()


def test_a_login_email_already_taken_rolls_the_partner_back(end_user: User) -> None:
    response = sign_up(email=end_user.email)

    assert "이미 가입된 이메일입니다." in response.content.decode()
    assert not Partner.objects.exists()


def test_a_withdrawn_partners_number_may_sign_up_again(db: None) -> None:
    PartnerFactory(business_registration_number=VALID_BRNS[0], status=Partner.Status.WITHDRAWN)

    sign_up()

    assert Partner.objects.filter(status=Partner.Status.ACTIVE).get().name == "(주)카카오선물"
