"""Members: owners invite by e-mail (token link), change roles and remove; members are refused."""

from __future__ import annotations

import importlib
import re
from typing import TYPE_CHECKING, Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from bizshop.accounts.models import User
from bizshop.audit.models import AuditEvent
from bizshop.core.errors import ApplicationError
from bizshop.partners.models import ApiKey, Invitation, Member
from bizshop.partners.services import (
    api_key_create,
    invitation_accept,
    member_invite,
    member_remove,
    member_set_role,
)
from tests.factories import PASSWORD, MemberFactory
from tests.helpers.sessions import signed_in

if TYPE_CHECKING:
    from pytest_django import DjangoCaptureOnCommitCallbacks

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Hn!4rW8zPq"


@pytest.fixture
def owner(db: None) -> Member:
    return MemberFactory()


def invitation_link(message: Any) -> str:
    found = re.search(r"https?://[^/\s]+(/partners/invitations/accept/[^\s/]+/)", message.body)
    assert found, message.body
    return found.group(1)


def test_an_owner_invites_by_email_and_the_mail_carries_the_link(
    owner: Member, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(owner).post(reverse("partners:members"), {"email": "new@example.kr", "role": "member"})

    assert response.url == reverse("partners:members")
    [message] = mail.outbox
    assert message.to == ["new@example.kr"]
    assert owner.partner.name in message.subject
    assert invitation_link(message)
    invitation = Invitation.objects.get()
    assert invitation_link(message).split("/")[-2] not in invitation.token_hash  # only the hash is stored


def test_the_invitee_sets_a_password_and_becomes_a_member(
    owner: Member, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        member_invite(partner=owner.partner, user=owner.user, email="new@example.kr")
    client = Client()
    link = invitation_link(mail.outbox[0])

    page = client.get(link)
    joined = client.post(link, {"name": "새멤버", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert owner.partner.name in page.content.decode()
    # A new account agrees to 이용약관 and 개인정보처리방침 first, then goes to 파트너정보.
    assert joined.url == f"{reverse('accounts:consent')}?next=%2Fpartners%2F"
    agreed = client.post(joined.url, {"agree_terms": "on", "agree_privacy": "on", "next": reverse("partners:info")})
    assert agreed.url == reverse("partners:info")
    member = Member.objects.get(user__email="new@example.kr")
    assert (member.partner, member.role) == (owner.partner, Member.Role.MEMBER)
    assert member.user.check_password(NEW_PASSWORD)
    assert client.get(reverse("billing:order-list")).status_code == 200
    assert AuditEvent.objects.filter(action=AuditEvent.Action.MEMBER_JOINED, actor=member.user).exists()


def test_an_invitation_link_works_once(owner: Member) -> None:
    sent = member_invite(partner=owner.partner, user=owner.user, email="new@example.kr")
    invitation_accept(raw_token=sent.raw_token, password=NEW_PASSWORD)

    with pytest.raises(ApplicationError) as refused:
        invitation_accept(raw_token=sent.raw_token, password=NEW_PASSWORD)

    assert refused.value.code == "invitation_invalid"
    assert Client().get(reverse("partners:invitation-accept", args=[sent.raw_token])).status_code == 404


def test_a_revoked_invitation_cannot_be_accepted(owner: Member) -> None:
    sent = member_invite(partner=owner.partner, user=owner.user, email="new@example.kr")
    signed_in(owner).post(reverse("partners:invitation-revoke", args=[sent.invitation.pk]))

    response = Client().post(
        reverse("partners:invitation-accept", args=[sent.raw_token]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 404
    assert "초대 링크가 유효하지 않거나 만료되었습니다." in response.content.decode()
    assert not User.objects.filter(email="new@example.kr").exists()


def test_an_expired_invitation_cannot_be_accepted(owner: Member) -> None:
    from datetime import timedelta

    from django.utils import timezone

    sent = member_invite(partner=owner.partner, user=owner.user, email="new@example.kr")
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    with pytest.raises(ApplicationError) as refused:
        invitation_accept(raw_token=sent.raw_token, password=NEW_PASSWORD)

    assert refused.value.code == "invitation_invalid"


def test_the_invitees_password_must_follow_the_policy(owner: Member) -> None:
    sent = member_invite(partner=owner.partner, user=owner.user, email="new@example.kr")

    response = Client().post(
        reverse("partners:invitation-accept", args=[sent.raw_token]), {"password1": "abc12345", "password2": "abc12345"}
    )

    assert response.status_code == 200 and "연속된 문자" in response.content.decode()
    assert not Member.objects.filter(user__email="new@example.kr").exists()


def test_inviting_someone_already_a_member_is_refused(owner: Member) -> None:
    other = MemberFactory()

    with pytest.raises(ApplicationError) as refused:
        member_invite(partner=owner.partner, user=owner.user, email=other.user.email)

    assert refused.value.code == "already_a_member"


def test_a_member_cannot_invite(owner: Member) -> None:
    member = MemberFactory(partner=owner.partner, role=Member.Role.MEMBER)

    with pytest.raises(ApplicationError) as refused:
        member_invite(partner=owner.partner, user=member.user, email="new@example.kr")

    assert refused.value.code == "owner_required"
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("page", ["partners:members", "partners:api-keys", "partners:withdrawal"])
def test_a_member_gets_the_refusal_page_for_owner_pages(owner: Member, page: str) -> None:
    member = MemberFactory(partner=owner.partner, role=Member.Role.MEMBER)

    response = signed_in(member).get(reverse(page))

    assert response.status_code == 403
    body = response.content.decode()
    assert "관리자(소유자) 권한이 필요합니다." in body and "owner_required" in body


def test_an_owner_promotes_a_member_to_owner(owner: Member) -> None:
    member = MemberFactory(partner=owner.partner, role=Member.Role.MEMBER)

    signed_in(owner).post(reverse("partners:member-role", args=[member.pk]), {"role": "owner"})

    assert Member.objects.get(pk=member.pk).role == Member.Role.OWNER
    assert AuditEvent.objects.get(action=AuditEvent.Action.MEMBER_ROLE_CHANGED).data["after"] == "owner"


def test_the_last_owner_cannot_be_demoted(owner: Member) -> None:
    with pytest.raises(ApplicationError) as refused:
        member_set_role(partner=owner.partner, user=owner.user, member_id=owner.pk, role=Member.Role.MEMBER)

    assert refused.value.code == "last_owner"


def test_the_last_owner_cannot_be_removed(owner: Member) -> None:
    with pytest.raises(ApplicationError) as refused:
        member_remove(partner=owner.partner, user=owner.user, member_id=owner.pk)

    assert refused.value.code == "last_owner"


def test_a_removed_member_loses_access_at_once(owner: Member) -> None:
    member = MemberFactory(partner=owner.partner, role=Member.Role.MEMBER)
    their_session = signed_in(member)

    signed_in(owner).post(reverse("partners:member-remove", args=[member.pk]))

    assert not Member.objects.filter(pk=member.pk).exists()
    assert not User.objects.get(pk=member.user.pk).is_active
    assert their_session.get(reverse("billing:order-list")).status_code == 302
    login = Client().post(reverse("accounts:login"), {"username": member.user.email, "password": PASSWORD})
    assert "_auth_user_id" not in login.client.session
    assert AuditEvent.objects.get(action=AuditEvent.Action.MEMBER_REMOVED).data == {"member": member.user.email}


def test_a_member_cannot_remove_anyone(owner: Member) -> None:
    member = MemberFactory(partner=owner.partner, role=Member.Role.MEMBER)

    response = signed_in(member).post(reverse("partners:member-remove", args=[owner.pk]))

    assert response.status_code == 403
    assert Member.objects.filter(pk=owner.pk).exists()


def test_removing_an_owner_revokes_the_api_keys_they_made(owner: Member) -> None:
    leaving = MemberFactory(partner=owner.partner, role=Member.Role.OWNER)
    theirs = api_key_create(user=leaving.user, name="leaving-erp")
    ours = api_key_create(user=owner.user, name="our-erp")

    signed_in(owner).post(reverse("partners:member-remove", args=[leaving.pk]))

    assert Client(HTTP_AUTHORIZATION=f"Bearer {theirs.raw_key}").get("/api/v1/partner/").status_code == 401
    assert Client(HTTP_AUTHORIZATION=f"Bearer {ours.raw_key}").get("/api/v1/partner/").status_code == 200
    assert ApiKey.objects.get(pk=theirs.api_key.pk).created_by == leaving.user
    revoked = AuditEvent.objects.get(action=AuditEvent.Action.API_KEY_REVOKED)
    assert (revoked.actor, revoked.data["key"]) == (owner.user, theirs.api_key.prefix)


def test_the_confirm_step_says_which_keys_removing_a_member_revokes(owner: Member) -> None:
    leaving = MemberFactory(partner=owner.partner, role=Member.Role.OWNER)
    api_key_create(user=leaving.user, name="leaving-erp")
    api_key_create(user=owner.user, name="our-erp")
    confirm_url = reverse("partners:member-remove", args=[leaving.pk])

    listed = signed_in(owner).get(reverse("partners:members")).content.decode()
    page = signed_in(owner).get(confirm_url)

    assert f'href="{confirm_url}"' in listed
    text = page.content.decode()
    assert page.status_code == 200
    assert leaving.user.email in text and "leaving-erp" in text and "our-erp" not in text
    assert "API 키 1개도 함께 폐기됩니다" in text
    assert Member.objects.filter(pk=leaving.pk).exists(), "showing the confirm step removes no one"


def test_the_confirm_step_of_another_partners_member_is_not_found(owner: Member) -> None:
    stranger = MemberFactory(role=Member.Role.MEMBER)

    response = signed_in(owner).get(reverse("partners:member-remove", args=[stranger.pk]))

    assert response.status_code == 404


def test_the_migration_revokes_keys_of_members_removed_before_removal_revoked_them(owner: Member) -> None:
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    # The models as that migration saw them (the audit log was still partners' then).
    apps = MigrationLoader(connection).project_state(("partners", "0003_revoke_keys_of_removed_members")).apps
    migration = importlib.import_module("bizshop.partners.migrations.0003_revoke_keys_of_removed_members")
    gone = MemberFactory(partner=owner.partner, role=Member.Role.OWNER)
    orphaned = api_key_create(user=gone.user, name="left-behind")
    kept = api_key_create(user=owner.user, name="ours")
    gone.delete()  # removed the old way: the membership went, the key stayed

    migration.revoke_keys_of_removed_members(apps, None)

    assert ApiKey.objects.get(pk=orphaned.api_key.pk).revoked_at is not None
    assert ApiKey.objects.get(pk=kept.api_key.pk).revoked_at is None
    assert Client(HTTP_AUTHORIZATION=f"Bearer {orphaned.raw_key}").get("/api/v1/partner/").status_code == 401
