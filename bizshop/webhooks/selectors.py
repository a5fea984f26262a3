"""Reads of webhooks: a partner's endpoints and the log of deliveries made to them."""

from __future__ import annotations

from django.db.models import QuerySet

from bizshop.partners.models import Partner
from bizshop.webhooks.models import WebhookDelivery, WebhookEndpoint


def endpoint_list_for_partner(*, partner: Partner) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(partner=partner).order_by("-id")


def delivery_list_for_partner(*, partner: Partner, endpoint_id: int | None = None) -> QuerySet[WebhookDelivery]:
    """Newest first; only deliveries to the partner's own endpoints."""
    deliveries = WebhookDelivery.objects.filter(endpoint__partner=partner).select_related("endpoint")
    if endpoint_id is not None:
        deliveries = deliveries.filter(endpoint_id=endpoint_id)
    return deliveries.order_by("-id")
