"""Portal form of merge requests: the payments to invoice together."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class MergeRequestForm(forms.Form):
    payment_ids = forms.TypedMultipleChoiceField(
        label=_("병합할 결제"), coerce=int, widget=forms.CheckboxSelectMultiple, choices=()
    )

    def __init__(self, *args: Any, payment_ids: list[int], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["payment_ids"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = [(pid, str(pid)) for pid in payment_ids]
