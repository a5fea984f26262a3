"""Portal form of webhook endpoints; the URL and events are checked again by the service."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from bizshop.webhooks.models import WebhookEvent


class WebhookEndpointForm(forms.Form):
    url = forms.URLField(
        label=_("수신 URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_("예: https://erp.example.co.kr/hooks/bizshop"),
    )
    events = forms.MultipleChoiceField(
        label=_("받을 이벤트"), choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple
    )
