"""create_partner and create_api_key, as API.md documents them."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from bizshop.partners.models import Member, Partner
from tests.factories import PASSWORD

BRN = "3200514096"


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().strip()


def create_partner(email: str = "owner@acme.kr", brn: str = BRN) -> str:
    return run("create_partner", "--name", "(주)에이크미", "--brn", brn, "--email", email, "--password", PASSWORD)


def test_create_partner_prints_the_new_partners_id(db: None) -> None:
    printed = create_partner()

    partner = Partner.objects.get(pk=int(printed))
    assert (partner.name, partner.business_registration_number) == ("(주)에이크미", BRN)


def test_create_partner_makes_the_email_its_owner_with_that_password(db: None) -> None:
    partner_id = int(create_partner())

    owner = Member.objects.select_related("user").get(partner_id=partner_id)
    assert owner.role == Member.Role.OWNER
    assert owner.user.email == "owner@acme.kr"
    assert owner.user.check_password(PASSWORD)


def test_create_partner_accepts_a_hyphenated_number(db: None) -> None:
    partner_id = int(create_partner(brn="320-05-14096"))

    assert Partner.objects.get(pk=partner_id).business_registration_number == BRN


def test_create_partner_refuses_a_bad_check_digit(db: None) -> None:
    with pytest.raises(CommandError, match="invalid_business_registration_number"):
        create_partner(brn="3200514097")

    assert not Partner.objects.exists()


def test_create_partner_refuses_a_number_already_in_use(db: None) -> None:
    create_partner()

    with pytest.raises(CommandError, match="business_registration_number_taken"):
        create_partner(email="other@acme.kr")

    assert Partner.objects.count() == 1


def test_create_api_key_prints_a_key_that_works(db: None) -> None:
    partner_id = int(create_partner())

    key = run("create_api_key", "--email", "owner@acme.kr", "--name", "erp")

    response = Client(HTTP_AUTHORIZATION=f"Bearer {key}").get("/api/v1/partner/")
    assert (response.status_code, response.json()["id"]) == (200, partner_id)


def test_create_api_key_for_an_unknown_email_fails(db: None) -> None:
    with pytest.raises(CommandError):
        run("create_api_key", "--email", "nobody@acme.kr")


def test_create_api_key_limits_the_key_to_the_scopes_given(db: None) -> None:
    create_partner()

    key = run("create_api_key", "--email", "owner@acme.kr", "--scopes", "invoices,webhooks")

    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.get("/api/v1/webhooks/endpoints/").status_code == 200
    assert client.get("/api/v1/orders/").json()["error"]["code"] == "scope_required"


def test_create_api_key_refuses_an_unknown_scope(db: None) -> None:
    create_partner()

    with pytest.raises(CommandError, match="invalid_scope"):
        run("create_api_key", "--email", "owner@acme.kr", "--scopes", "orders,everything")
