"""API keys in the portal: named, shown once, hashed, prefix visible, revocable, last used, scopes."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from bizshop.audit.models import AuditEvent
from bizshop.core.errors import ApplicationError
from bizshop.partners.models import ApiKey, Member
from bizshop.partners.services import api_key_create
from tests.factories import MemberFactory
from tests.helpers.sessions import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(db: None) -> Member:
    return MemberFactory()


@pytest.fixture
def owner_client(owner: Member) -> Client:
    return signed_in(owner)


def shown_key(page: str) -> str:
    found = re.search(r'id="new-api-key">(bzs_[^<]+)<', page)
    assert found, "the new key is on the page"
    return found.group(1)


def test_a_new_key_is_shown_once_and_works(owner_client: Client) -> None:
    created = owner_client.post(reverse("partners:api-keys"), {"name": "사내 ERP"})

    raw_key = shown_key(created.content.decode())
    assert created["Cache-Control"] == "no-store"
    assert raw_key not in owner_client.get(reverse("partners:api-keys")).content.decode()
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw_key}").get("/api/v1/orders/").status_code == 200


def test_the_list_shows_name_prefix_and_last_use_never_the_key(owner_client: Client) -> None:
    raw_key = shown_key(owner_client.post(reverse("partners:api-keys"), {"name": "사내 ERP"}).content.decode())
    Client(HTTP_AUTHORIZATION=f"Bearer {raw_key}").get("/api/v1/orders/")

    page = owner_client.get(reverse("partners:api-keys")).content.decode()

    key = ApiKey.objects.get()
    assert "사내 ERP" in page and f"bzs_{key.prefix}_…" in page
    assert key.last_used_at is not None and "사용 기록 없음" not in page
    assert raw_key.rsplit("_", 1)[1] not in page


def test_revoking_in_the_portal_refuses_the_key_at_once(owner_client: Client) -> None:
    raw_key = shown_key(owner_client.post(reverse("partners:api-keys"), {"name": "erp"}).content.decode())
    key_client = Client(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    assert key_client.get("/api/v1/orders/").status_code == 200

    owner_client.post(reverse("partners:api-key-revoke", args=[ApiKey.objects.get().pk]))

    response = key_client.get("/api/v1/orders/")
    assert (response.status_code, response.json()["error"]["code"]) == (401, "authentication_failed")
    assert "폐기됨" in owner_client.get(reverse("partners:api-keys")).content.decode()


def test_a_key_is_created_with_the_scopes_ticked(owner_client: Client) -> None:
    owner_client.post(reverse("partners:api-keys"), {"name": "발급 전용", "scopes": ["codes", "orders"]})

    assert ApiKey.objects.get().scopes == ["codes", "orders"]


def test_an_unknown_scope_is_refused(owner: Member) -> None:
    with pytest.raises(ApplicationError) as refused:
        api_key_create(user=owner.user, name="x", scopes=["everything"])

    assert refused.value.code == "invalid_scope"
    assert not ApiKey.objects.exists()


def test_a_member_cannot_create_keys(owner: Member) -> None:
    member = MemberFactory(partner=owner.partner, role=Member.Role.MEMBER)

    with pytest.raises(ApplicationError) as refused:
        api_key_create(user=member.user, name="x")

    assert refused.value.code == "owner_required"


def test_key_creation_and_revocation_are_audited(owner_client: Client, owner: Member) -> None:
    owner_client.post(reverse("partners:api-keys"), {"name": "erp"}, REMOTE_ADDR="10.4.4.4")
    key = ApiKey.objects.get()
    owner_client.post(reverse("partners:api-key-revoke", args=[key.pk]))

    events = list(
        AuditEvent.objects.filter(partner=owner.partner).order_by("pk").values_list("action", "data", "actor")
    )
    assert events == [
        ("api_key_created", {"key": key.prefix, "name": "erp", "scopes": []}, owner.user.pk),
        ("api_key_revoked", {"key": key.prefix, "name": "erp"}, owner.user.pk),
    ]
    assert AuditEvent.objects.get(action="api_key_created").ip == "10.4.4.4"


def test_the_key_list_names_the_member_who_made_each_key(owner: Member, owner_client: Client) -> None:
    colleague = MemberFactory(partner=owner.partner)
    api_key_create(user=colleague.user, name="colleague-erp")

    page = owner_client.get(reverse("partners:api-keys")).content.decode()

    row = page[page.index("colleague-erp") :].split("</tr>", 1)[0]
    assert colleague.user.email in row
