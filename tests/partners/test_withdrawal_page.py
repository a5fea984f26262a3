"""The 탈퇴 page: blocking reasons in plain Korean with their orders; confirmation by password."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from django.test import Client
from django.urls import reverse

from bizshop.billing import services as billing
from bizshop.partners.models import Member, Partner
from tests.factories import PASSWORD, MemberFactory
from tests.helpers.sessions import signed_in

if TYPE_CHECKING:
    from bizshop.billing.models import Order


@pytest.fixture
def owner(db: None) -> Member:
    return MemberFactory()


@pytest.fixture
def owner_client(owner: Member) -> Client:
    return signed_in(owner)


def test_the_page_lists_each_blocking_reason_with_its_orders(
    owner: Member, owner_client: Client, make_order: Callable[..., Order]
) -> None:
    unpaid = make_order(owner.partner)
    billing.order_open_virtual_account(order_id=unpaid.pk, partner=owner.partner)
    paid = make_order(owner.partner, paid=True)

    page = owner_client.get(reverse("partners:withdrawal")).content.decode()

    assert "지금은 탈퇴할 수 없습니다" in page
    assert "입금을 기다리는 주문(입금대기)이 있습니다." in page
    assert "아직 발급하지 않았거나 발급 중인 일련번호가 있습니다." in page
    assert f'href="{reverse("billing:order-detail", args=[unpaid.pk])}"' in page
    assert f'href="{reverse("billing:order-detail", args=[paid.pk])}"' in page
    assert 'name="password"' not in page


def test_a_wrong_password_is_refused_on_the_page(owner: Member, owner_client: Client) -> None:
    response = owner_client.post(reverse("partners:withdrawal"), {"password": "Wrong!pass9"})

    assert "비밀번호가 일치하지 않습니다." in response.content.decode()
    assert Partner.objects.get(pk=owner.partner.pk).status == Partner.Status.ACTIVE


def test_confirming_with_the_password_withdraws_and_signs_out(owner: Member, owner_client: Client) -> None:
    response = owner_client.post(reverse("partners:withdrawal"), {"password": PASSWORD}, follow=True)

    assert "탈퇴가 완료되었습니다." in response.content.decode()
    assert "_auth_user_id" not in owner_client.session
    assert Partner.objects.get(pk=owner.partner.pk).status == Partner.Status.WITHDRAWN
