"""Webhook API: endpoints (the secret is shown once), the delivery log, replay."""

from __future__ import annotations

from typing import Any

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bizshop.core import fields
from bizshop.core.idempotency import idempotent
from bizshop.partners.authentication import request_partner
from bizshop.webhooks import selectors, services
from bizshop.webhooks.filters import DeliveryFilter
from bizshop.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent


class EndpointSerializer(serializers.ModelSerializer[WebhookEndpoint]):
    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "events", "created_at", "disabled_at"]


class EndpointCreateSerializer(serializers.Serializer[Any]):
    url = fields.CharField(max_length=500, schema={"format": "uri", "pattern": "^https?://"})
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEvent.values), allow_empty=False, min_length=1
    )


class DeliverySerializer(serializers.ModelSerializer[WebhookDelivery]):
    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "endpoint_id",
            "event",
            "event_id",
            "status",
            "attempts",
            "last_status_code",
            "last_response_ms",
            "last_error",
            "next_attempt_at",
            "created_at",
            "delivered_at",
            "payload_purged_at",  # set 30 days after it finished: it can no longer be replayed
        ]


class EndpointListCreateApi(generics.ListAPIView[WebhookEndpoint]):
    serializer_class = EndpointSerializer

    def get_queryset(self) -> Any:
        return selectors.endpoint_list_for_partner(partner=request_partner(self.request))

    @extend_schema(request=EndpointCreateSerializer, responses={201: EndpointSerializer})
    @idempotent
    def post(self, request: Request) -> Response:
        data = EndpointCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        created = services.endpoint_create(partner=request_partner(request), **data.validated_data)
        body = {**EndpointSerializer(created.endpoint).data, "secret": created.secret}
        return Response(body, status=status.HTTP_201_CREATED)


class EndpointDetailApi(APIView):
    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, endpoint_id: int) -> Response:
        services.endpoint_disable(partner=request_partner(request), endpoint_id=endpoint_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DeliveryListApi(generics.ListAPIView[WebhookDelivery]):
    serializer_class = DeliverySerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = DeliveryFilter

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # the OpenAPI schema reads the filters' model
            return WebhookDelivery.objects.none()
        return selectors.delivery_list_for_partner(partner=request_partner(self.request))


class DeliveryReplayApi(APIView):
    @extend_schema(request=None, responses={202: DeliverySerializer})
    @idempotent
    def post(self, request: Request, delivery_id: int) -> Response:
        delivery = services.delivery_replay(partner=request_partner(request), delivery_id=delivery_id)
        delivery.refresh_from_db()
        return Response(DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)
