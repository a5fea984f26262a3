"""The operator's refund actions in the Django admin, done by a staff user and audited."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.test import Client

from bizshop.billing.models import DepositNotification, Order, OrderStatus, PaymentStatus
from tests.factories import UserFactory
from tests.helpers.billing import order_in_state, run_action, virtual_account_of
from tests.helpers.sessions import signed_in

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

    from bizshop.accounts.models import User
    from bizshop.catalog.models import Emoticon
    from tests.helpers.api import ApiClient


@pytest.fixture
def operator(db: None) -> User:
    user = UserFactory(is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="billing",
            codename__in=[
                "view_order",
                "change_order",
                "view_payment",
                "view_orderevent",
                "view_depositnotification",
                "change_depositnotification",
            ],
        )
    )
    return user


@pytest.fixture
def staff_client(operator: User) -> Client:
    """The billing operator signed in."""
    return signed_in(operator)


def test_completing_a_transfer_refund_makes_the_order_refunded(
    api: ApiClient, emoticon: Emoticon, operator: User, staff_client: Client
) -> None:
    order = order_in_state(api.partner, emoticon.pk, "refund_pending")

    response = run_action(staff_client, "order", "complete_refund", [order.pk])

    assert response.status_code == 200
    order.refresh_from_db()
    assert (order.status, virtual_account_of(order).status) == (OrderStatus.REFUNDED, PaymentStatus.CANCELLED)
    assert order.refunded_at is not None
    event = order.events.get(kind="refund_completed")
    payment = virtual_account_of(order)
    assert (event.actor, event.data) == (operator, {"amount": 176_000, "payment_id": payment.pk})


def test_completing_a_transfer_refund_is_written_to_the_admin_log(
    api: ApiClient, emoticon: Emoticon, operator: User, staff_client: Client
) -> None:
    order = order_in_state(api.partner, emoticon.pk, "refund_pending")

    run_action(staff_client, "order", "complete_refund", [order.pk])

    entry = LogEntry.objects.get(object_id=str(order.pk), content_type__model="order")
    assert (entry.user, entry.get_change_message()) == (operator, "환불 완료 처리 (계좌이체 완료)")


def test_the_refund_action_skips_orders_not_awaiting_a_refund_and_says_so(
    api: ApiClient, paid_order: Order, staff_client: Client
) -> None:
    response = run_action(staff_client, "order", "complete_refund", [paid_order.pk])

    assert "환불처리중인 주문이 아닙니다" in response.content.decode()
    assert Order.objects.get(pk=paid_order.pk).status == OrderStatus.PAID
    assert not LogEntry.objects.exists()


def test_a_staff_user_without_change_permission_cannot_complete_a_refund(
    api: ApiClient, emoticon: Emoticon, db: None
) -> None:
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(*Permission.objects.filter(codename="view_order"))
    client = signed_in(viewer)
    order = order_in_state(api.partner, emoticon.pk, "refund_pending")

    run_action(client, "order", "complete_refund", [order.pk])

    assert Order.objects.get(pk=order.pk).status == OrderStatus.REFUND_PENDING


def test_a_late_deposit_is_listed_for_the_operator_as_owed(
    api: ApiClient, emoticon: Emoticon, deposit: Callable[..., Response], staff_client: Client
) -> None:
    order = order_in_state(api.partner, emoticon.pk, "expired")
    deposit(order, notification_id="ntf-late")

    page = staff_client.get("/admin/billing/depositnotification/?refund_status__exact=required")

    assert page.status_code == 200
    assert "ntf-late" in page.content.decode()
    assert "환불 처리 완료" in page.content.decode()


def test_marking_a_late_deposit_refunded_records_who_and_when(
    api: ApiClient, emoticon: Emoticon, deposit: Callable[..., Response], operator: User, staff_client: Client
) -> None:
    order = order_in_state(api.partner, emoticon.pk, "expired")
    deposit(order, notification_id="ntf-late")
    notice = DepositNotification.objects.get()

    run_action(staff_client, "depositnotification", "complete_deposit_refund", [notice.pk])

    notice.refresh_from_db()
    assert (notice.refund_status, notice.refund_completed_by) == ("completed", operator)
    assert notice.refund_completed_at is not None
    assert order.events.get(kind="unapplied_deposit_refunded").actor == operator
    entry = LogEntry.objects.get(content_type__model="depositnotification", object_id=str(notice.pk))
    assert (entry.user, entry.get_change_message()) == (operator, "환불 처리 완료")
    assert Order.objects.get(pk=order.pk).status == OrderStatus.EXPIRED


def test_an_applied_deposit_cannot_be_marked_refunded(
    api: ApiClient, emoticon: Emoticon, deposit: Callable[..., Response], staff_client: Client
) -> None:
    order = order_in_state(api.partner, emoticon.pk, "awaiting_deposit")
    deposit(order)
    notice = DepositNotification.objects.get()

    response = run_action(staff_client, "depositnotification", "complete_deposit_refund", [notice.pk])

    assert "환불이 필요한 입금이 아닙니다" in response.content.decode()
    assert DepositNotification.objects.get().refund_status == "not_needed"
    assert not LogEntry.objects.exists()


def test_a_deposit_refund_is_marked_done_once(
    api: ApiClient, emoticon: Emoticon, deposit: Callable[..., Response], operator: User, staff_client: Client
) -> None:
    order = order_in_state(api.partner, emoticon.pk, "cancelled")
    deposit(order)
    notice = DepositNotification.objects.get()
    run_action(staff_client, "depositnotification", "complete_deposit_refund", [notice.pk])

    run_action(staff_client, "depositnotification", "complete_deposit_refund", [notice.pk])

    assert LogEntry.objects.count() == 1
    assert order.events.filter(kind="unapplied_deposit_refunded").count() == 1


def test_the_service_refuses_a_second_deposit_refund_with_its_code(
    api: ApiClient, emoticon: Emoticon, deposit: Callable[..., Response], operator: User
) -> None:
    from bizshop.billing.services import deposit_refund_complete
    from bizshop.core.errors import ApplicationError

    order = order_in_state(api.partner, emoticon.pk, "cancelled")
    deposit(order)
    notice = DepositNotification.objects.get()
    deposit_refund_complete(notification_id=notice.pk, operator=operator)

    with pytest.raises(ApplicationError) as refused:
        deposit_refund_complete(notification_id=notice.pk, operator=operator)

    assert refused.value.code == "deposit_refund_not_required"


def test_operators_cannot_add_or_delete_deposit_notifications(staff_client: Client) -> None:
    assert staff_client.get("/admin/billing/depositnotification/add/").status_code == 403


def test_the_order_page_in_the_admin_shows_its_events(api: ApiClient, emoticon: Emoticon, staff_client: Client) -> None:
    order = order_in_state(api.partner, emoticon.pk, "refund_pending")

    page = staff_client.get(f"/admin/billing/order/{order.pk}/change/")

    assert page.status_code == 200
    content = page.content.decode()
    for label in ("주문 생성", "가상계좌 발급", "입금 확인", "환불 요청"):
        assert label in content
