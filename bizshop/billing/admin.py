"""Operator views of orders, payments and deposits, with the deposit and refund actions (audited)."""

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bizshop.billing import services
from bizshop.billing.banks import BANK_NAMES
from bizshop.billing.models import DepositNotification, DepositRefundStatus, Order, OrderEvent, OrderStatus, Payment
from bizshop.core.errors import ApplicationError


class PaymentInline(admin.TabularInline[Payment, Order]):
    model = Payment
    extra = 0
    can_delete = False
    readonly_fields = [f.name for f in Payment._meta.fields]


class OrderEventInline(admin.TabularInline[OrderEvent, Order]):
    model = OrderEvent
    extra = 0
    can_delete = False
    readonly_fields = ("kind", "data", "actor", "created_at")

    def has_add_permission(self, request: HttpRequest, obj: Order | None = None) -> bool:
        return False


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin[Order]):
    list_display = (
        "id",
        "partner",
        "emoticon_title",
        "period_days",
        "quantity",
        "total_amount",
        "status",
        "refund_account",
        "created_at",
    )
    list_filter = ("status", "period_days")
    search_fields = ("id", "partner__name", "emoticon_title")
    # The partner's memo is theirs alone: operators do not see it.
    exclude = ("memo",)
    readonly_fields = [f.name for f in Order._meta.fields if f.name != "memo"]
    inlines = [PaymentInline, OrderEventInline]
    actions = ["confirm_deposit", "complete_refund"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Order]:
        return super().get_queryset(request).select_related("partner").prefetch_related("payments")

    @admin.display(description=_("환불 계좌"))
    def refund_account(self, order: Order) -> str:
        """Where a transfer refund goes, as the partner gave it: what the operator sends money to."""
        for payment in order.payments.all():
            if payment.refund_account_number:
                bank = BANK_NAMES.get(payment.refund_bank, payment.refund_bank)
                return f"{bank} {payment.refund_account_number} ({payment.refund_account_holder})"
        return "-"

    def has_confirm_deposit_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("backoffice.confirm_deposits")

    def _each_order(
        self,
        request: HttpRequest,
        queryset: QuerySet[Order],
        *,
        status: OrderStatus,
        wrong_status: str,
        action: Callable[[Order], Any],
        done: str,
    ) -> None:
        """Run one service per selected order in ``status``; every refusal becomes a message."""
        count = 0
        for order in queryset.order_by("pk"):
            if order.status != status:
                self.message_user(request, wrong_status % {"id": order.pk}, messages.WARNING)
                continue
            try:
                action(order)
            except ApplicationError as exc:
                self.message_user(request, f"#{order.pk}: {exc.message}", messages.ERROR)
                continue
            count += 1
        if count:
            self.message_user(request, done % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("입금 수동 확인 (통장 입금 확인됨)"), permissions=["confirm_deposit"])
    def confirm_deposit(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        self._each_order(
            request,
            queryset,
            status=OrderStatus.AWAITING_DEPOSIT,
            wrong_status=gettext("#%(id)s: 입금대기 중인 주문이 아닙니다."),
            action=lambda order: services.order_deposit_confirm(order_id=order.pk, operator=request.user),  # type: ignore[arg-type]
            done=gettext("%(count)s건의 입금을 확인 처리했습니다."),
        )

    @admin.action(description=_("환불 완료 처리 (계좌이체 완료)"), permissions=["change"])
    def complete_refund(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        def complete(order: Order) -> None:
            services.order_refund_complete(order_id=order.pk, operator=request.user)  # type: ignore[arg-type]
            self.log_change(request, order, "환불 완료 처리 (계좌이체 완료)")

        self._each_order(
            request,
            queryset,
            status=OrderStatus.REFUND_PENDING,
            wrong_status=gettext("#%(id)s: 환불처리중인 주문이 아닙니다."),
            action=complete,
            done=gettext("%(count)s건의 환불을 완료 처리했습니다."),
        )


@admin.register(DepositNotification)
class DepositNotificationAdmin(admin.ModelAdmin[DepositNotification]):
    """입금 통지: every deposit the PG reported; those not applied to an order are owed back."""

    list_display = (
        "id",
        "notification_id",
        "order_link",
        "amount",
        "deposited_at",
        "outcome",
        "order_status",
        "refund_status",
        "refund_completed_at",
        "refund_completed_by",
    )
    list_filter = ("refund_status", "outcome")
    search_fields = ("notification_id", "payment__account_number", "payment__order__id")
    readonly_fields = [f.name for f in DepositNotification._meta.fields]
    actions = ["complete_deposit_refund"]

    @admin.display(description=_("주문"))
    def order_link(self, notification: DepositNotification) -> str:
        return f"#{notification.payment.order_id}" if notification.payment else "-"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # only the PG creates these

    def has_delete_permission(self, request: HttpRequest, obj: DepositNotification | None = None) -> bool:
        return False  # money records are kept

    @admin.action(description=_("환불 처리 완료"), permissions=["change"])
    def complete_deposit_refund(self, request: HttpRequest, queryset: QuerySet[DepositNotification]) -> None:
        done = 0
        for notification in queryset.order_by("pk"):
            if notification.refund_status != DepositRefundStatus.REQUIRED:
                self.message_user(
                    request,
                    gettext("%(id)s: 환불이 필요한 입금이 아닙니다.") % {"id": notification.notification_id},
                    messages.WARNING,
                )
                continue
            try:
                services.deposit_refund_complete(notification_id=notification.pk, operator=request.user)  # type: ignore[arg-type]
            except ApplicationError as exc:
                self.message_user(request, f"{notification.notification_id}: {exc.message}", messages.ERROR)
                continue
            self.log_change(request, notification, "환불 처리 완료")
            done += 1
        if done:
            self.message_user(
                request, gettext("%(count)s건의 입금 환불을 완료 처리했습니다.") % {"count": done}, messages.SUCCESS
            )
