"""The order page follows an issuance live: a progress endpoint it polls while the worker creates the codes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from bizshop.billing.models import Order
from bizshop.codes.models import Issuance
from bizshop.codes.services import issuance_run, issuance_start
from bizshop.partners.models import Member

pytestmark = pytest.mark.django_db


def _progress(order: Order) -> str:
    return reverse("codes:order-issuance-progress", args=[order.pk])


def _queued(order: Order, quantity: int) -> Issuance:
    """A tranche requested but not yet picked up by a worker (its task runs at commit, which never comes here)."""
    return issuance_start(order_id=order.pk, partner=order.partner, quantity=quantity)


def test_the_progress_of_a_queued_tranche_is_reported_as_not_finished(
    member: Member, member_client: Client, make_order: Callable[..., Order]
) -> None:
    order = make_order(member.partner, quantity=1_000, paid=True)
    issuance = _queued(order, 400)

    response = member_client.get(_progress(order))

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response.json() == {
        "issuances": [
            {
                "id": issuance.pk,
                "quantity": 400,
                "issued_count": 0,
                "status": "queued",
                "status_display": "대기",
                "finished": False,
            }
        ],
        "finished": False,
    }


def test_the_progress_of_a_completed_tranche_is_finished(
    member: Member, member_client: Client, make_order: Callable[..., Order]
) -> None:
    order = make_order(member.partner, quantity=1_000, paid=True)
    issuance = _queued(order, 400)
    issuance_run(issuance_id=issuance.pk)

    progress = member_client.get(_progress(order)).json()

    assert progress["finished"] is True
    assert (progress["issuances"][0]["issued_count"], progress["issuances"][0]["status_display"]) == (400, "완료")


def test_another_partners_order_progress_is_not_found(
    member: Member, other_member_client: Client, make_order: Callable[..., Order]
) -> None:
    order = make_order(member.partner, paid=True)
    _queued(order, 10)

    assert other_member_client.get(_progress(order)).status_code == 404


def test_the_order_page_polls_the_progress_only_while_a_tranche_is_being_created(
    member: Member, member_client: Client, make_order: Callable[..., Order]
) -> None:
    order = make_order(member.partner, quantity=1_000, paid=True)
    issuance = _queued(order, 400)
    detail = reverse("billing:order-detail", args=[order.pk])

    issuing: Any = member_client.get(detail).content.decode()
    issuance_run(issuance_id=issuance.pk)
    done: Any = member_client.get(detail).content.decode()

    assert f'data-progress-url="{_progress(order)}"' in issuing
    assert "발급 진행 상황이 자동으로 갱신됩니다." in issuing and "<script nonce=" in issuing
    assert "data-progress-url" not in done and 'id="issuance-live"' not in done
