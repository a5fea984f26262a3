"""Operator views of the catalog: emoticons with both prices on one form, images checked and thumbnailed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bizshop.catalog import errors, images, services
from bizshop.catalog.models import Emoticon, EmoticonPriceHistory, RankingEntry, SalesDaily, Sticker
from bizshop.core.errors import ApplicationError


def _checked_image(upload: Any, formats: dict[str, str] = images.STICKER_FORMATS) -> Any:
    """Form-side use of the service's image rules, so the admin shows the rule's message next to the field."""
    if upload:
        try:
            images.image_validate(upload, formats=formats)
        except ApplicationError as exc:
            raise forms.ValidationError(str(exc.message), code=exc.code) from exc
    return upload


REPRESENTATIVE_IMAGE_REQUIRED = _("판매하려면 대표이미지(정사각형 PNG)를 올려 주세요.")


class EmoticonAdminForm(forms.ModelForm[Emoticon]):
    price_30 = forms.IntegerField(label=_("30일 단가(원, VAT 별도)"), min_value=1, required=False)
    price_60 = forms.IntegerField(label=_("60일 단가(원, VAT 별도)"), min_value=1, required=False)

    class Meta:
        model = Emoticon
        fields = [
            "title",
            "creator",
            "description",
            "representative_image",
            "on_sale",
            "min_quantity",
            "max_quantity",
        ]
        # A plain file field: the shop's own rules (images.image_validate) speak, not Django's generic one.
        field_classes = {"representative_image": forms.FileField}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for price in self.instance.prices.all():
                self.fields[f"price_{price.period_days}"].initial = price.unit_price

    def clean_representative_image(self) -> Any:
        return _checked_image(self.cleaned_data.get("representative_image"), images.REPRESENTATIVE_FORMATS)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("min_quantity"), data.get("max_quantity")
        if low is not None and high is not None and high < low:
            self.add_error("max_quantity", _("최대 구매수량은 최소 구매수량 이상이어야 합니다."))
        if data.get("on_sale") and not (data.get("price_30") or data.get("price_60")):
            self.add_error("on_sale", _("판매하려면 30일 또는 60일 단가를 하나 이상 입력해 주세요."))
        # Every emoticon put on sale has its image (the API's image_url); one already on sale before
        # images were required stays editable.
        image = data.get("representative_image")
        has_image = bool(image) or (image is None and bool(self.instance.representative_image))
        putting_on_sale = not self.instance.pk or "on_sale" in self.changed_data or image is False
        if data.get("on_sale") and putting_on_sale and not has_image and "representative_image" not in self.errors:
            self.add_error("representative_image", REPRESENTATIVE_IMAGE_REQUIRED)
        return data


class StickerForm(forms.ModelForm[Sticker]):
    class Meta:
        model = Sticker
        fields = ["file", "position"]
        field_classes = {"file": forms.FileField}

    def clean_file(self) -> Any:
        return _checked_image(self.cleaned_data.get("file"))


class StickerFormSet(BaseInlineFormSet[Sticker, Emoticon, forms.ModelForm[Sticker]]):
    def clean(self) -> None:
        """The set's size rule of services.sticker_set_change, as a form error before anything is saved."""
        super().clean()
        if any(self.errors):
            return
        kept = sum(
            1
            for form in self.forms
            if form not in self.deleted_forms and (form.instance.pk or form.cleaned_data.get("file"))
        )
        if kept and not images.STICKERS_MIN <= kept <= images.STICKERS_MAX:
            message = errors.STICKER_COUNT_OUT_OF_RANGE.message
            raise forms.ValidationError(
                gettext("%(message)s 지금 %(count)s개입니다.") % {"message": message, "count": kept},
                code=errors.STICKER_COUNT_OUT_OF_RANGE.code,
            )


class StickerInline(admin.TabularInline[Sticker, Emoticon]):
    """스티커 세트: 8–32 files; a new emoticon gets eight empty rows to fill at once."""

    model = Sticker
    form = StickerForm
    formset = StickerFormSet
    fields = ("preview", "file", "position", "dimensions")
    readonly_fields = ("preview", "dimensions")
    max_num = images.STICKERS_MAX

    def get_extra(self, request: HttpRequest, obj: Emoticon | None = None, **kwargs: Any) -> int:
        existing = obj.stickers.count() if obj and obj.pk else 0
        return max(images.STICKERS_MIN - existing, 1) if existing < images.STICKERS_MAX else 0

    @admin.display(description=_("미리보기"))
    def preview(self, sticker: Sticker) -> str:
        if not sticker.pk or not sticker.thumbnail:
            return "-"
        return format_html('<img src="{}" alt="" width="80" height="80">', sticker.thumbnail.url)

    @admin.display(description=_("크기"))
    def dimensions(self, sticker: Sticker) -> str:
        if not sticker.pk:
            return "-"
        animated = gettext(" · 움직임 %(frames)s프레임") % {"frames": sticker.frame_count} if sticker.animated else ""
        return f"{sticker.width}×{sticker.height}{animated}"


@admin.register(Emoticon)
class EmoticonAdmin(admin.ModelAdmin[Emoticon]):
    form = EmoticonAdminForm
    list_display = ("id", "thumbnail", "title", "creator", "price_list", "on_sale", "min_quantity", "max_quantity")
    list_display_links = ("id", "title")
    list_filter = ("on_sale",)
    search_fields = ("title", "creator")
    inlines = [StickerInline]
    actions = ["start_sale", "stop_sale"]
    readonly_fields = ("thumbnail", "price_history_table")
    fieldsets = (
        (None, {"fields": ("title", "creator", "description")}),
        (
            _("대표이미지"),
            {
                "fields": ("thumbnail", "representative_image"),
                "description": _(
                    "대표이미지: 정사각형 PNG, 360px 이상, 2MB 이하. 스티커(아래): PNG·WebP·GIF(움직이는 GIF/WebP는 "
                    "24프레임 이하), 정사각형 360px 이상, 한 개 2MB 이하, 세트는 8~32개. 형식은 파일 이름이 아닌 "
                    "내용으로 확인합니다."
                ),
            },
        ),
        (_("판매"), {"fields": ("on_sale", "price_30", "price_60", "min_quantity", "max_quantity")}),
        (_("가격 변경 이력"), {"fields": ("price_history_table",)}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Emoticon]:
        return super().get_queryset(request).prefetch_related("prices")

    @admin.display(description=_("썸네일"))
    def thumbnail(self, emoticon: Emoticon) -> str:
        if not emoticon.representative_thumbnail:
            return "-"
        return format_html('<img src="{}" alt="" width="64" height="64">', emoticon.representative_thumbnail.url)

    @admin.display(description=_("단가"))
    def price_list(self, emoticon: Emoticon) -> str:
        prices = sorted(emoticon.prices.all(), key=lambda price: price.period_days)
        return (
            " · ".join(
                gettext("%(days)s일 %(amount)s원") % {"days": price.period_days, "amount": f"{price.unit_price:,}"}
                for price in prices
            )
            or "-"
        )

    @admin.display(description=_("가격 변경 이력"))
    def price_history_table(self, emoticon: Emoticon) -> SafeString | str:
        rows = EmoticonPriceHistory.objects.filter(emoticon=emoticon).select_related("changed_by")[:50]
        if not emoticon.pk or not rows:
            return "-"
        body = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    f"{row.changed_at:%Y-%m-%d %H:%M}",
                    gettext("%(days)s일") % {"days": row.period_days},
                    gettext("%(amount)s원") % {"amount": f"{row.previous_unit_price:,}"}
                    if row.previous_unit_price
                    else "-",
                    gettext("%(amount)s원") % {"amount": f"{row.unit_price:,}"},
                    row.changed_by or "-",
                )
                for row in rows
            ),
        )
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            gettext("변경 시각"),
            gettext("사용기간"),
            gettext("이전 단가"),
            gettext("새 단가"),
            gettext("변경한 운영자"),
            body,
        )

    def save_model(self, request: HttpRequest, obj: Emoticon, form: forms.ModelForm[Emoticon], change: bool) -> None:
        """Through the services, so that a changed price always leaves its history row."""
        from bizshop.backoffice.models import OperatorAction
        from bizshop.backoffice.services import operator_action_record

        data = form.cleaned_data
        fields = {name: data[name] for name in services.EMOTICON_FIELDS}
        prices: dict[int, int | None] = {30: data.get("price_30"), 60: data.get("price_60")}
        operator = request.user  # staff only: the admin site lets no one else in
        if change:
            services.emoticon_update(emoticon_id=obj.pk, operator=operator, prices=prices, **fields)  # type: ignore[arg-type]
        else:
            created = services.emoticon_create(
                prices={period: price for period, price in prices.items() if price},
                operator=operator,  # type: ignore[arg-type]
                **fields,
            )
            obj.pk = created.pk
            obj._state.adding = False
        upload = data.get("representative_image")
        if upload is False:
            services.emoticon_representative_image_clear(emoticon_id=obj.pk)
        elif "representative_image" in form.changed_data and upload:
            services.emoticon_representative_image_set(emoticon_id=obj.pk, upload=upload)
        obj.refresh_from_db()
        operator_action_record(
            operator=operator,  # type: ignore[arg-type]
            kind=OperatorAction.Kind.EMOTICON_SAVED,
            target=obj,
            data={"created": not change, "changed": list(form.changed_data)},
        )

    def save_formset(
        self, request: HttpRequest, form: Any, formset: BaseInlineFormSet[Any, Any, Any], change: bool
    ) -> None:
        """Through services.sticker_set_change: the whole set's change at once, its size rule held."""
        # The admin's change message reads these three lists, which formset.save() would have set.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        deleted = set(formset.deleted_forms)
        delete = [sticker_form.instance.pk for sticker_form in formset.initial_forms if sticker_form in deleted]
        change_items = [
            services.StickerChange(
                sticker_id=sticker_form.instance.pk,
                position=sticker_form.cleaned_data["position"],
                upload=sticker_form.cleaned_data["file"] if "file" in sticker_form.changed_data else None,
            )
            for sticker_form in formset.initial_forms
            if sticker_form not in deleted and sticker_form.has_changed()
        ]
        add = [
            (sticker_form.cleaned_data["file"], sticker_form.cleaned_data.get("position"))
            for sticker_form in formset.extra_forms
            if sticker_form not in deleted and sticker_form.has_changed() and sticker_form.cleaned_data.get("file")
        ]
        if not (delete or change_items or add):
            return
        before = set(Sticker.objects.filter(emoticon_id=form.instance.pk).values_list("pk", flat=True))
        stickers = services.sticker_set_change(
            emoticon_id=form.instance.pk, add=add, change=change_items, delete=delete
        )
        formset.deleted_objects = [f.instance for f in formset.initial_forms if f in deleted]
        changed_ids = {item.sticker_id for item in change_items}
        formset.changed_objects = [(s, ["position"]) for s in stickers if s.pk in changed_ids]
        formset.new_objects = [s for s in stickers if s.pk not in before]

    @admin.action(description=_("선택한 이모티콘 판매 시작"))
    def start_sale(self, request: HttpRequest, queryset: QuerySet[Emoticon]) -> None:
        self._set_on_sale(request, queryset, on_sale=True)

    @admin.action(description=_("선택한 이모티콘 판매 중지"))
    def stop_sale(self, request: HttpRequest, queryset: QuerySet[Emoticon]) -> None:
        self._set_on_sale(request, queryset, on_sale=False)

    def _set_on_sale(self, request: HttpRequest, queryset: QuerySet[Emoticon], *, on_sale: bool) -> None:
        changed = 0
        for emoticon in queryset:
            if on_sale and not emoticon.representative_image:
                self.message_user(request, f"{emoticon.title}: {REPRESENTATIVE_IMAGE_REQUIRED}", messages.ERROR)
                continue
            services.emoticon_update(emoticon_id=emoticon.pk, operator=request.user, on_sale=on_sale)  # type: ignore[arg-type]
            changed += 1
        self.message_user(
            request, gettext("%(count)s개 이모티콘을 변경했습니다.") % {"count": changed}, messages.SUCCESS
        )


@admin.register(EmoticonPriceHistory)
class EmoticonPriceHistoryAdmin(admin.ModelAdmin[EmoticonPriceHistory]):
    list_display = ("emoticon", "period_days", "previous_unit_price", "unit_price", "changed_at", "changed_by")
    list_filter = ("period_days",)
    search_fields = ("emoticon__title",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(RankingEntry)
class RankingEntryAdmin(admin.ModelAdmin[RankingEntry]):
    list_display = ("rank", "emoticon", "transactions", "units", "computed_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SalesDaily)
class SalesDailyAdmin(admin.ModelAdmin[SalesDaily]):
    list_display = ("day", "emoticon", "transactions", "units", "supply_amount", "total_amount")
    date_hierarchy = "day"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
