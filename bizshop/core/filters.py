"""Query filters of the API's lists that refuse what they cannot read, instead of ignoring it.

django-filter drops a parameter given empty (``?created_from=``) and reads numbers with
``Decimal()``, which takes full-width digits: the list then answers as if the client had asked
for something else. Here both are 422 ``invalid_request`` naming the parameter, as the schema
(a date, an integer, one of the choices) says they should be.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

BIGINT_MAX = 2**63 - 1


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": BIGINT_MAX})
class IdFilter(django_filters.NumberFilter):
    """An object's id: an integer the database can hold (``NumberFilter`` reads decimals up to 1e50)."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", BIGINT_MAX)
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "string", "minLength": 1, "maxLength": 100})
class TextFilter(django_filters.CharFilter):
    """Free text (a memo's words, say): any script, never empty (FilterSet refuses ``?memo=``), 100 characters."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 100)
        super().__init__(*args, **kwargs)


class FilterSet(django_filters.FilterSet):
    def is_valid(self) -> bool:
        valid: bool = super().is_valid()
        for name in self.filters:
            if name not in self.data:
                continue
            values = self.data.getlist(name) if hasattr(self.data, "getlist") else [self.data[name]]
            if any(value == "" for value in values):
                self.form.add_error(name, _("값을 입력하거나 이 조건을 빼 주세요."))
            # Dates, numbers and choices are ASCII; free text (a memo, say) is whatever the client wrote.
            elif not isinstance(self.filters[name], django_filters.CharFilter) and not all(
                str(value).isascii() for value in values
            ):
                self.form.add_error(name, _("영문·숫자(ASCII)로만 입력해 주세요."))
        return valid and not self.form.errors
