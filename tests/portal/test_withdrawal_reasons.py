"""The 탈퇴 page says, per blocking order, what is left to do: units to issue, a deposit, a refund."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from bizshop.billing import services as billing
from bizshop.billing.models import Order
from bizshop.codes.services import issuance_start
from bizshop.partners.models import Member

pytestmark = pytest.mark.django_db


def _blockers(client: Client) -> str:
    page = client.get(reverse("partners:withdrawal")).content.decode()
    assert 'id="withdrawal-blockers"' in page
    return page


def test_a_partly_issued_order_shows_how_many_units_remain(
    member: Member, member_client: Client, make_order: Callable[..., Order]
) -> None:
    order = make_order(member.partner, quantity=1_000, period_days=60, paid=True)
    issuance_start(order_id=order.pk, partner=member.partner, quantity=400)

    page = _blockers(member_client)

    assert f"주문 #{order.pk}</a>" in page
    assert "미발급 600개 남음 (구매 1,000개)" in page
    assert "(60일)" in page


def test_a_tranche_still_being_created_is_named_as_such(
    member: Member, member_client: Client, make_order: Callable[..., Order]
) -> None:
    order = make_order(member.partner, quantity=100, paid=True)
    issuance_start(order_id=order.pk, partner=member.partner)  # every unit committed, the codes not made yet

    assert "일련번호 생성 중" in _blockers(member_client)


def test_a_pending_deposit_shows_its_amount(
    member: Member, member_client: Client, make_order: Callable[..., Order]
) -> None:
    order = make_order(member.partner, quantity=100)
    billing.order_open_virtual_account(order_id=order.pk, partner=member.partner)

    page = _blockers(member_client)

    assert "입금 대기 176,000원" in page
