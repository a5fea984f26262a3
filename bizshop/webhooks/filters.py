"""Query filters of the webhook delivery log (``GET /api/v1/webhooks/deliveries/?status=failed``)."""

from __future__ import annotations

import django_filters

from bizshop.core.filters import FilterSet, IdFilter
from bizshop.webhooks.models import WebhookDelivery, WebhookEvent


class DeliveryFilter(FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=WebhookDelivery.Status.choices)
    event = django_filters.MultipleChoiceFilter(choices=WebhookEvent.choices)
    endpoint_id = IdFilter()
    created_from = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte")
    created_to = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte")

    class Meta:
        model = WebhookDelivery
        fields = ["status", "event", "endpoint_id"]
