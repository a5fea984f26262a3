"""Catalog data: emoticons, prices per usage period (30 or 60 days), the precomputed TOP10."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bizshop.catalog.images import image_storage


class UsagePeriod(models.IntegerChoices):
    """사용기간: the two periods sold."""

    DAYS_30 = 30, _("30일")
    DAYS_60 = 60, _("60일")


class Emoticon(models.Model):
    title = models.CharField(_("이모티콘명"), max_length=100)
    creator = models.CharField(_("작가"), max_length=100, blank=True)
    description = models.TextField(_("설명"), blank=True)
    # Every image is named by its content hash (images.ContentAddressedStorage) and served for a year.
    representative_image = models.ImageField(
        _("대표이미지"), upload_to="emoticons/representative/", storage=image_storage, blank=True
    )
    representative_thumbnail = models.ImageField(
        _("대표이미지 썸네일"), upload_to="emoticons/thumbs/", storage=image_storage, blank=True, editable=False
    )
    on_sale = models.BooleanField(_("판매중"), default=True)
    min_quantity = models.PositiveIntegerField(_("최소 구매수량"), default=100)
    max_quantity = models.PositiveIntegerField(_("최대 구매수량"), default=1_000_000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("이모티콘")
        verbose_name_plural = _("이모티콘")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_quantity__gte=1) & models.Q(max_quantity__gte=models.F("min_quantity")),
                name="catalog_emoticon_quantity_range",
            )
        ]

    def __str__(self) -> str:
        return self.title


class EmoticonPrice(models.Model):
    """Unit price (KRW, VAT excluded) of one emoticon for one usage period."""

    emoticon = models.ForeignKey(Emoticon, on_delete=models.CASCADE, related_name="prices")
    period_days = models.PositiveSmallIntegerField(_("사용기간(일)"), choices=UsagePeriod.choices)
    unit_price = models.PositiveIntegerField(_("단가(원, VAT 별도)"))

    class Meta:
        verbose_name = _("가격")
        verbose_name_plural = _("가격")
        constraints = [
            models.UniqueConstraint(fields=["emoticon", "period_days"], name="catalog_price_one_per_period"),
            models.CheckConstraint(condition=models.Q(period_days__in=[30, 60]), name="catalog_price_period_30_60"),
            models.CheckConstraint(condition=models.Q(unit_price__gt=0), name="catalog_price_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.emoticon} {self.period_days}일 {self.unit_price:,}원"


class RankingEntry(models.Model):
    """판매랭킹: one row of the precomputed TOP10, replaced whole by each refresh."""

    rank = models.PositiveSmallIntegerField(unique=True)
    emoticon = models.ForeignKey(Emoticon, on_delete=models.CASCADE, related_name="+")
    transactions = models.PositiveIntegerField()
    units = models.PositiveBigIntegerField()
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("판매랭킹")
        verbose_name_plural = _("판매랭킹")
        ordering = ["rank"]

    def __str__(self) -> str:
        return f"{self.rank}위 {self.emoticon}"


class Sticker(models.Model):
    """One sticker of the emoticon's set (8–32, in ``position`` order): PNG, WebP or animated GIF/WebP.

    The full file is what an end user gets (later, through signed URLs); the public catalog shows
    only the WebP thumbnails of the first few (images.PREVIEW_STICKERS).
    """

    emoticon = models.ForeignKey(Emoticon, on_delete=models.CASCADE, related_name="stickers")
    file = models.ImageField(_("스티커 이미지"), upload_to="emoticons/stickers/", storage=image_storage)
    thumbnail = models.ImageField(
        _("썸네일"), upload_to="emoticons/thumbs/", storage=image_storage, blank=True, editable=False
    )
    position = models.PositiveSmallIntegerField(_("순서"), default=0)
    width = models.PositiveIntegerField(_("가로(px)"), default=0, editable=False)
    height = models.PositiveIntegerField(_("세로(px)"), default=0, editable=False)
    animated = models.BooleanField(_("움직이는 스티커"), default=False, editable=False)
    frame_count = models.PositiveSmallIntegerField(_("프레임 수"), default=1, editable=False)

    class Meta:
        verbose_name = _("스티커")
        verbose_name_plural = _("스티커")
        ordering = ["position", "id"]
        indexes = [
            models.Index(fields=["emoticon", "position", "id"], name="catalog_sticker_in_order"),
            models.Index(fields=["thumbnail"], name="catalog_sticker_thumbnail"),  # the public image view
        ]

    def __str__(self) -> str:
        return f"{self.emoticon} #{self.position}"


class EmoticonPriceHistory(models.Model):
    """Every price an emoticon had for a period, from when; orders keep their own unit_price snapshot."""

    emoticon = models.ForeignKey(Emoticon, on_delete=models.CASCADE, related_name="price_history")
    period_days = models.PositiveSmallIntegerField(_("사용기간(일)"), choices=UsagePeriod.choices)
    unit_price = models.PositiveIntegerField(_("단가(원, VAT 별도)"))
    previous_unit_price = models.PositiveIntegerField(_("이전 단가"), null=True, blank=True)
    changed_at = models.DateTimeField(_("변경 시각"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("가격 변경 이력")
        verbose_name_plural = _("가격 변경 이력")
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["emoticon", "period_days", "-changed_at"], name="catalog_price_history_recent")]

    def __str__(self) -> str:
        return f"{self.emoticon} {self.period_days}일 {self.unit_price:,}원"


class SalesDaily(models.Model):
    """Paid, not refunded orders per emoticon per day (Asia/Seoul), kept by the ranking refresh.

    The TOP10 and the operators' sales dashboard read this small table (emoticons × days),
    never the orders themselves.
    """

    emoticon = models.ForeignKey(Emoticon, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("일자"))
    transactions = models.PositiveIntegerField(_("거래건수"))
    units = models.PositiveBigIntegerField(_("판매수량"))
    supply_amount = models.PositiveBigIntegerField(_("공급가액"))
    total_amount = models.PositiveBigIntegerField(_("합계(VAT 포함)"))

    class Meta:
        verbose_name = _("일별 판매 집계")
        verbose_name_plural = _("일별 판매 집계")
        constraints = [models.UniqueConstraint(fields=["day", "emoticon"], name="catalog_sales_daily_one_per_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.emoticon_id}: {self.transactions}"


class RankingState(models.Model):
    """The one row the refresh locks: when it last ran, and when it last rebuilt the whole window."""

    refreshed_at = models.DateTimeField(null=True)
    full_rebuild_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("판매랭킹 집계 상태")
        verbose_name_plural = _("판매랭킹 집계 상태")

    def __str__(self) -> str:
        return f"{self.refreshed_at}"
