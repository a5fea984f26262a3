"""Input fields of the API: integers read from ASCII digits only, and schema bounds a service checks.

Python's ``int()`` reads every Unicode decimal digit, so DRF's and Django's ``IntegerField`` take
"１００" (full-width) as 100 and "٣" as 3: text a person typed in another script would become a
quantity nobody checked. These fields refuse any string that is not plain ASCII, with the
field's usual "invalid" error (422 ``invalid_request`` in the API, a form error in the portal).

``schema=`` adds to a field's OpenAPI schema what a service, not the field, enforces (and refuses
with its own error code, e.g. ``invalid_period``): the schema still tells clients what is valid.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers


class IntegerField(serializers.IntegerField):
    def __init__(self, *, schema: dict[str, Any] | None = None, **kwargs: Any) -> None:
        self.schema = schema or {}
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, str) and not data.isascii():
            self.fail("invalid")
        return super().to_internal_value(data)


class CharField(serializers.CharField):
    def __init__(self, *, schema: dict[str, Any] | None = None, **kwargs: Any) -> None:
        self.schema = schema or {}
        super().__init__(**kwargs)


class ListField(serializers.ListField):
    def __init__(self, *, schema: dict[str, Any] | None = None, **kwargs: Any) -> None:
        self.schema = schema or {}
        super().__init__(**kwargs)


class FormIntegerField(forms.IntegerField):
    def to_python(self, value: Any) -> int | None:
        if isinstance(value, str) and not value.isascii():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


def _with_schema(auto_schema: Any, field: IntegerField | CharField | ListField, direction: Any) -> Any:
    return {**auto_schema._map_serializer_field(field, direction, bypass_extensions=True), **field.schema}


class IntegerFieldSchema(OpenApiSerializerFieldExtension):  # type: ignore[no-untyped-call]
    target_class = IntegerField

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> Any:
        return _with_schema(auto_schema, self.target, direction)


class CharFieldSchema(OpenApiSerializerFieldExtension):  # type: ignore[no-untyped-call]
    target_class = CharField

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> Any:
        return _with_schema(auto_schema, self.target, direction)


class ListFieldSchema(OpenApiSerializerFieldExtension):  # type: ignore[no-untyped-call]
    target_class = ListField

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> Any:
        return _with_schema(auto_schema, self.target, direction)
