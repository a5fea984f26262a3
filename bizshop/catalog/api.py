"""Catalog API: emoticons on sale and the TOP10 ranking (public reads)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bizshop.catalog.models import Emoticon, RankingEntry
from bizshop.catalog.selectors import emoticon_list_on_sale, ranking_list
from bizshop.core.schema import list_envelope


class EmoticonSerializer(serializers.ModelSerializer[Emoticon]):
    prices = serializers.SerializerMethodField()
    image_url = serializers.SerializerMethodField()

    class Meta:
        model = Emoticon
        fields = ["id", "title", "creator", "description", "prices", "min_quantity", "max_quantity", "image_url"]

    def get_prices(self, emoticon: Emoticon) -> dict[str, int]:
        return {str(price.period_days): price.unit_price for price in emoticon.prices.all()}

    def get_image_url(self, emoticon: Emoticon) -> str | None:
        if not emoticon.representative_image:
            return None
        request = self.context.get("request")
        url: str = emoticon.representative_image.url
        return request.build_absolute_uri(url) if request else url


class RankingEntrySerializer(serializers.ModelSerializer[RankingEntry]):
    emoticon = EmoticonSerializer()

    class Meta:
        model = RankingEntry
        fields = ["rank", "emoticon", "transactions", "units"]


class EmoticonListApi(generics.ListAPIView[Emoticon]):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    serializer_class = EmoticonSerializer
    ordering = "id"

    def get_queryset(self) -> Any:
        return emoticon_list_on_sale()

    def paginate_queryset(self, queryset: Any) -> Any:
        assert self.paginator is not None
        self.paginator.ordering = "id"  # type: ignore[attr-defined]
        return super().paginate_queryset(queryset)


class RankingApi(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    @extend_schema(responses=list_envelope("RankingList", RankingEntrySerializer()))
    def get(self, request: Request) -> Response:
        entries = ranking_list()
        return Response(
            {"results": RankingEntrySerializer(entries, many=True, context={"request": request}).data, "next": None}
        )
