"""API keys: shown once, stored hashed, revocable; requests without a live key are 401."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.forms.models import model_to_dict
from django.test import Client

from bizshop.partners.models import ApiKey, Partner
from bizshop.partners.services import api_key_create, api_key_revoke
from tests.factories import MemberFactory

if TYPE_CHECKING:
    from tests.helpers.api import ApiClient


def test_the_raw_key_is_in_no_column_of_its_row(db: None) -> None:
    issued = api_key_create(user=MemberFactory().user, name="erp")

    row = model_to_dict(ApiKey.objects.get(pk=issued.api_key.pk))
    secret = issued.raw_key.rsplit("_", 1)[1]
    assert all(secret not in str(value) for value in row.values())
    assert len(row["key_hash"]) == 64


def test_the_raw_key_is_shown_once_and_cannot_be_read_back(db: None) -> None:
    issued = api_key_create(user=MemberFactory().user, name="erp")

    reloaded = ApiKey.objects.get(pk=issued.api_key.pk)
    assert issued.raw_key.startswith("bzs_")
    assert not any(issued.raw_key in str(value) for value in vars(reloaded).values())


def test_a_key_authenticates_as_its_partner(api: ApiClient) -> None:
    response = api.get("/api/v1/partner/")

    assert (response.status_code, response.json()["id"]) == (200, api.partner.pk)


def test_a_used_key_records_when_it_was_last_used(api: ApiClient) -> None:
    api.get("/api/v1/partner/")

    assert ApiKey.objects.get(partner=api.partner).last_used_at is not None


def test_a_request_without_a_key_is_401_not_authenticated(db: None) -> None:
    response = Client().get("/api/v1/orders/")

    assert (response.status_code, response.json()["error"]["code"]) == (401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_an_unknown_key_is_401_authentication_failed(api: ApiClient) -> None:
    forged = api.raw_key[:-4] + ("AAAA" if not api.raw_key.endswith("AAAA") else "BBBB")

    response = Client(HTTP_AUTHORIZATION=f"Bearer {forged}").get("/api/v1/orders/")

    assert (response.status_code, response.json()["error"]["code"]) == (401, "authentication_failed")


def test_a_key_without_the_prefix_is_401_authentication_failed(db: None) -> None:
    response = Client(HTTP_AUTHORIZATION="Bearer not-a-key").get("/api/v1/orders/")

    assert (response.status_code, response.json()["error"]["code"]) == (401, "authentication_failed")


def test_a_revoked_key_is_401_authentication_failed(api: ApiClient) -> None:
    api_key_revoke(api_key=ApiKey.objects.get(partner=api.partner))

    response = api.get("/api/v1/orders/")

    assert (response.status_code, response.json()["error"]["code"]) == (401, "authentication_failed")


def test_revoking_one_key_leaves_the_partners_other_keys_working(api: ApiClient) -> None:
    member = api.partner.members.get()
    second = api_key_create(user=member.user, name="second")
    api_key_revoke(api_key=ApiKey.objects.get(partner=api.partner, name="test"))

    response = Client(HTTP_AUTHORIZATION=f"Bearer {second.raw_key}").get("/api/v1/orders/")

    assert response.status_code == 200


def test_a_withdrawn_partners_key_is_401_authentication_failed(api: ApiClient) -> None:
    Partner.objects.filter(pk=api.partner.pk).update(status=Partner.Status.WITHDRAWN)

    response = api.get("/api/v1/orders/")

    assert (response.status_code, response.json()["error"]["code"]) == (401, "authentication_failed")
