"""Integer input that reads ASCII digits only (API.md: "Numbers are ASCII digits only").

Python's ``int()`` reads every Unicode decimal digit, so DRF's and Django's ``IntegerField`` take
"１００" (full-width) as 100 and "٣" as 3: text a person typed in another script would become a
quantity nobody checked. These fields refuse any string that is not plain ASCII, with the
field's usual "invalid" error (422 ``invalid_request`` in the API, a form error in the portal).
"""

from __future__ import annotations

from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


class IntegerField(serializers.IntegerField):
    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, str) and not data.isascii():
            self.fail("invalid")
        return super().to_internal_value(data)


class FormIntegerField(forms.IntegerField):
    def to_python(self, value: Any) -> int | None:
        if isinstance(value, str) and not value.isascii():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


FieldT = TypeVar("FieldT", bound=serializers.Field[Any, Any, Any, Any])


def described(field: FieldT, schema: dict[str, Any]) -> FieldT:
    """``field`` as the OpenAPI schema shows it, for bounds a service checks (and refuses with
    its own error code) rather than the field: the schema still tells clients what is valid."""
    return extend_schema_field(schema)(field)  # type: ignore[type-var,no-any-return]  # works on instances too
