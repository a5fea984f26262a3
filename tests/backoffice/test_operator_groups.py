"""setup_operator_groups: operators get what their group allows, by Django model permissions."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO
from typing import TYPE_CHECKING

from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client

from bizshop.backoffice.management.commands.setup_operator_groups import BILLING, CATALOG_MANAGER, SUPPORT
from bizshop.billing.models import Order
from bizshop.catalog.models import Emoticon
from tests.helpers.catalog import emoticon_form

if TYPE_CHECKING:
    from bizshop.accounts.models import User


def _group_permissions() -> dict[str, set[str]]:
    return {
        group.name: {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        for group in Group.objects.prefetch_related("permissions__content_type")
    }


def test_setup_operator_groups_is_idempotent(db: None) -> None:
    call_command("setup_operator_groups", stdout=StringIO())
    first = _group_permissions()
    Group.objects.get(name=SUPPORT).permissions.clear()  # drifted by hand

    call_command("setup_operator_groups", stdout=StringIO())

    assert _group_permissions() == first
    assert set(first) == {CATALOG_MANAGER, BILLING, SUPPORT}


def test_a_catalog_manager_can_edit_emoticons_but_not_orders(
    make_operator: Callable[..., User],
    operator_client: Callable[[User], Client],
    emoticon: Emoticon,
    paid_order: Order,
) -> None:
    client = operator_client(make_operator(CATALOG_MANAGER))

    edited = client.post(f"/admin/catalog/emoticon/{emoticon.pk}/change/", emoticon_form(emoticon, title="새 이름"))
    order_page = client.get(f"/admin/billing/order/{paid_order.pk}/change/")
    order_list = client.get("/admin/billing/order/")

    assert edited.status_code == 302
    emoticon.refresh_from_db()
    assert emoticon.title == "새 이름"
    assert order_page.status_code == 403
    assert order_list.status_code == 403


def test_billing_staff_see_orders_but_cannot_edit_emoticons(
    make_operator: Callable[..., User],
    operator_client: Callable[[User], Client],
    emoticon: Emoticon,
    paid_order: Order,
) -> None:
    client = operator_client(make_operator(BILLING))

    refused = client.post(f"/admin/catalog/emoticon/{emoticon.pk}/change/", emoticon_form(emoticon, title="새 이름"))

    assert client.get(f"/admin/billing/order/{paid_order.pk}/change/").status_code == 200
    assert refused.status_code == 403
    emoticon.refresh_from_db()
    assert emoticon.title != "새 이름"


def test_the_audit_log_can_be_read_but_not_changed_in_the_admin(
    make_operator: Callable[..., User], operator_client: Callable[[User], Client]
) -> None:
    client = operator_client(make_operator(SUPPORT))

    assert client.get("/admin/backoffice/operatoraction/").status_code == 200
    assert client.get("/admin/backoffice/operatoraction/add/").status_code == 403


def test_billing_and_support_staff_read_the_partners_security_audit_log(
    make_operator: Callable[..., User], operator_client: Callable[[User], Client]
) -> None:
    from bizshop.audit.models import AuditEvent
    from bizshop.audit.services import audit_record

    audit_record(action=AuditEvent.Action.LOGIN_FAILED, actor_email="who@example.kr", ip="10.8.8.8")

    for group in (BILLING, SUPPORT):
        page = operator_client(make_operator(group)).get("/admin/audit/auditevent/")
        assert page.status_code == 200 and "who@example.kr" in page.content.decode()
    assert operator_client(make_operator(CATALOG_MANAGER)).get("/admin/audit/auditevent/").status_code == 403
