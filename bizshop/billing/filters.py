"""Query filters of the orders list (``GET /api/v1/orders/?status=paid&created_from=2026-03-01&memo=봄``)."""

from __future__ import annotations

import django_filters

from bizshop.billing.models import Order, OrderStatus
from bizshop.core.filters import FilterSet, IdFilter, TextFilter


class OrderFilter(FilterSet):
    # Dates are calendar days in Asia/Seoul (the shop's time zone), both ends included.
    status = django_filters.MultipleChoiceFilter(
        choices=OrderStatus.choices, help_text="one or more order statuses (?status=paid&status=issued)"
    )
    period_days = django_filters.TypedChoiceFilter(choices=[(30, "30"), (60, "60")], coerce=int)
    emoticon_id = IdFilter()
    created_from = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__gte", help_text="created on or after this day (KST)"
    )
    created_to = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__lte", help_text="created on or before this day (KST)"
    )
    paid_from = django_filters.DateFilter(
        field_name="paid_at", lookup_expr="date__gte", help_text="paid on or after this day (KST)"
    )
    paid_to = django_filters.DateFilter(
        field_name="paid_at", lookup_expr="date__lte", help_text="paid on or before this day (KST)"
    )

    memo = TextFilter(
        field_name="memo",
        lookup_expr="icontains",
        help_text="orders whose memo contains this text, in any case (e.g. a campaign name)",
    )

    class Meta:
        model = Order
        fields = ["status", "period_days", "emoticon_id"]
