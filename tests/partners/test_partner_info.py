"""파트너정보: members read it, owners edit it, every change of business details is kept."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.test import Client
from django.urls import reverse

from bizshop.audit.models import AuditEvent
from bizshop.core.errors import ApplicationError
from bizshop.partners.models import Member, Partner, PartnerChange
from bizshop.partners.services import partner_update
from tests.factories import MemberFactory
from tests.helpers.sessions import signed_in

if TYPE_CHECKING:
    from tests.helpers.api import ApiClient

pytestmark = pytest.mark.django_db


def form_of(partner: Partner, **changes: str) -> dict[str, str]:
    fields = ("name", "representative", "address", "contact_name", "contact_phone", "invoice_email")
    return {**{name: getattr(partner, name) for name in fields}, **changes}


@pytest.fixture
def owner(db: None) -> Member:
    return MemberFactory()


def test_an_owner_edits_the_partner_info(owner: Member) -> None:
    response = signed_in(owner).post(reverse("partners:info"), form_of(owner.partner, address="부산광역시 해운대구 1"))

    assert response.url == reverse("partners:info")
    assert Partner.objects.get(pk=owner.partner.pk).address == "부산광역시 해운대구 1"


def test_each_change_is_kept_with_before_and_after_and_shown(owner: Member) -> None:
    old_name = owner.partner.name
    client = signed_in(owner)
    client.post(reverse("partners:info"), form_of(owner.partner, name="(주)새이름", contact_phone="02-123-4567"))

    change = PartnerChange.objects.get()
    assert (change.before, change.after, change.changed_by) == (
        {"name": old_name, "contact_phone": ""},
        {"name": "(주)새이름", "contact_phone": "02-123-4567"},
        owner.user,
    )
    page = client.get(reverse("partners:info")).content.decode()
    assert "변경 이력" in page and old_name in page and "(주)새이름" in page
    assert AuditEvent.objects.get(action=AuditEvent.Action.PARTNER_UPDATED).data == {
        "fields": ["contact_phone", "name"]
    }


def test_saving_without_a_change_records_nothing(owner: Member) -> None:
    signed_in(owner).post(reverse("partners:info"), form_of(owner.partner))

    assert not PartnerChange.objects.exists()


def test_a_member_sees_the_info_but_cannot_edit_it(owner: Member) -> None:
    member = MemberFactory(partner=owner.partner, role=Member.Role.MEMBER)
    client = signed_in(member)

    page = client.get(reverse("partners:info"))
    refused = client.post(reverse("partners:info"), form_of(owner.partner, name="탈취"))

    assert page.status_code == 200 and owner.partner.name in page.content.decode()
    assert refused.status_code == 403 and "owner_required" in refused.content.decode()
    assert Partner.objects.get(pk=owner.partner.pk).name == owner.partner.name


def test_the_registration_number_cannot_be_edited(owner: Member) -> None:
    with pytest.raises(ApplicationError) as refused:
        partner_update(partner=owner.partner, user=owner.user, business_registration_number="4322064698")

    assert refused.value.code == "invalid_partner"


def test_an_invalid_invoice_email_is_refused(owner: Member) -> None:
    with pytest.raises(ApplicationError) as refused:
        partner_update(partner=owner.partner, user=owner.user, invoice_email="not-an-email")

    assert refused.value.code == "invalid_email"
    assert not PartnerChange.objects.exists()


def test_someone_without_a_partner_gets_404(end_user_client: Client) -> None:
    assert end_user_client.get(reverse("partners:info")).status_code == 404


def test_the_profile_api_shows_the_contact(api: ApiClient) -> None:
    Partner.objects.filter(pk=api.partner.pk).update(contact_name="이담당", contact_phone="010-1111-2222")

    body = api.get("/api/v1/partner/").json()

    assert (body["contact_name"], body["contact_phone"]) == ("이담당", "010-1111-2222")
