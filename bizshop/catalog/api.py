"""Catalog API: emoticons on sale and the TOP10 ranking (public reads)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bizshop.catalog.images import THUMBNAIL_SIZE
from bizshop.catalog.models import Emoticon, RankingEntry, Sticker
from bizshop.catalog.selectors import emoticon_list_on_sale, ranking_list, sticker_preview
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
        """The representative image (PNG, as uploaded), at a content-hashed URL cached for a year."""
        if not emoticon.representative_image:
            return None
        return _absolute(self.context, emoticon.representative_image.url)


def _absolute(context: dict[str, Any], url: str) -> str:
    request = context.get("request")
    return request.build_absolute_uri(url) if request else url


class StickerPreviewSerializer(serializers.ModelSerializer[Sticker]):
    """A sticker shown to anyone: its WebP thumbnail (first frame), not the file itself."""

    url = serializers.SerializerMethodField()
    width = serializers.SerializerMethodField()
    height = serializers.SerializerMethodField()

    class Meta:
        model = Sticker
        fields = ["url", "width", "height", "animated"]

    def get_url(self, sticker: Sticker) -> str:
        return _absolute(self.context, sticker.thumbnail.url)

    def get_width(self, sticker: Sticker) -> int:
        return min(sticker.width, THUMBNAIL_SIZE[0])

    def get_height(self, sticker: Sticker) -> int:
        return min(sticker.height, THUMBNAIL_SIZE[1])


class EmoticonDetailSerializer(EmoticonSerializer):
    sticker_count = serializers.IntegerField(read_only=True)
    sticker_preview = serializers.SerializerMethodField()

    class Meta(EmoticonSerializer.Meta):
        fields = [*EmoticonSerializer.Meta.fields, "sticker_count", "sticker_preview"]

    @extend_schema_field(StickerPreviewSerializer(many=True))
    def get_sticker_preview(self, emoticon: Emoticon) -> Any:
        return StickerPreviewSerializer(sticker_preview(emoticon=emoticon), many=True, context=self.context).data


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


class EmoticonDetailApi(generics.RetrieveAPIView[Emoticon]):
    """One emoticon on sale, with how many stickers its set has and a public preview of the first few."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    serializer_class = EmoticonDetailSerializer

    def get_queryset(self) -> Any:
        return emoticon_list_on_sale().annotate(sticker_count=Count("stickers"))


class RankingApi(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    @extend_schema(responses=list_envelope("RankingList", RankingEntrySerializer()))
    def get(self, request: Request) -> Response:
        entries = ranking_list()
        return Response(
            {"results": RankingEntrySerializer(entries, many=True, context={"request": request}).data, "next": None}
        )
