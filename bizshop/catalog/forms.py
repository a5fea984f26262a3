"""The catalog's search and filters on the home page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from bizshop.core.fields import FormIntegerField


class CatalogFilterForm(forms.Form):
    q = forms.CharField(label=_("이모티콘 검색"), required=False, max_length=100, strip=True)
    sort = forms.ChoiceField(
        label=_("정렬"),
        required=False,
        choices=[
            ("popular", _("판매랭킹순")),
            ("newest", _("최신순")),
            ("price", _("낮은 가격순")),
            ("-price", _("높은 가격순")),
            ("title", _("이름순")),
        ],
    )
    max_unit_price = FormIntegerField(label=_("최대 단가(원)"), required=False, min_value=0, max_value=100_000_000)
