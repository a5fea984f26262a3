"""Operators see any partner's orders; every viewing is written to the audit log."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.test import Client

from bizshop.backoffice.management.commands.setup_operator_groups import CATALOG_MANAGER, SUPPORT
from bizshop.backoffice.models import OperatorAction
from bizshop.billing.models import Order

if TYPE_CHECKING:
    from bizshop.accounts.models import User
    from tests.helpers.api import ApiClient


def test_an_operator_sees_a_partners_orders_and_the_viewing_is_audited(
    make_operator: Callable[..., User],
    operator_client: Callable[[User], Client],
    api: ApiClient,
    other_api: ApiClient,
    make_order: Callable[..., Order],
) -> None:
    mine = make_order(api.partner, paid=True)
    theirs = make_order(other_api.partner)
    operator = make_operator(SUPPORT)

    response = operator_client(operator).get(f"/backoffice/partners/{api.partner.pk}/orders/")

    assert response.status_code == 200
    assert [order.pk for order in response.context["page"].object_list] == [mine.pk]
    assert theirs.pk not in [order.pk for order in response.context["page"].object_list]
    assert "176,000원" in response.content.decode()
    [action] = OperatorAction.objects.all()
    assert (action.operator, action.kind, action.target_type, action.target_id) == (
        operator,
        "partner_orders_viewed",
        "partners.partner",
        str(api.partner.pk),
    )


def test_a_catalog_manager_may_not_see_partners_orders(
    make_operator: Callable[..., User], operator_client: Callable[[User], Client], api: ApiClient
) -> None:
    response = operator_client(make_operator(CATALOG_MANAGER)).get(f"/backoffice/partners/{api.partner.pk}/orders/")

    assert response.status_code == 403
    assert not OperatorAction.objects.exists()


def test_the_partner_list_links_to_each_partners_orders(
    make_operator: Callable[..., User], operator_client: Callable[[User], Client], api: ApiClient
) -> None:
    response = operator_client(make_operator(SUPPORT)).get("/backoffice/partners/", {"q": api.partner.name})

    assert f"/backoffice/partners/{api.partner.pk}/orders/" in response.content.decode()
