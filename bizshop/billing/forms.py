"""Portal forms of orders: they parse input only; every rule stays in billing.services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bizshop.billing.gateways.sandbox import APPROVE_TOKEN, DECLINE_TOKEN
from bizshop.billing.models import OrderStatus
from bizshop.catalog.models import Emoticon, UsagePeriod
from bizshop.core.fields import FormIntegerField


class OrderForm(forms.Form):
    """주문하기: an emoticon, a usage period and a quantity."""

    emoticon_id = FormIntegerField(widget=forms.HiddenInput)
    period_days = forms.TypedChoiceField(
        label=_("사용기간"), coerce=int, choices=UsagePeriod.choices, widget=forms.RadioSelect
    )
    quantity = FormIntegerField(label=_("수량"))

    def __init__(self, *args: Any, emoticon: Emoticon | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if emoticon is not None:
            self.show_for(emoticon)

    def show_for(self, emoticon: Emoticon) -> None:
        """Offer only the periods this emoticon is priced for."""
        priced = {price.period_days for price in emoticon.prices.all()}
        period_field = self.fields["period_days"]
        assert isinstance(period_field, forms.TypedChoiceField)
        period_field.choices = [(value, label) for value, label in UsagePeriod.choices if value in priced]


class CardPaymentForm(forms.Form):
    """카드 결제 in the sandbox: the card token decides the PG's answer."""

    card_token = forms.ChoiceField(
        label=_("테스트 카드"),
        choices=[
            # People read which card it is; the token stays the option's value, the PG's business.
            (APPROVE_TOKEN, _("테스트 카드 (승인)")),
            (DECLINE_TOKEN, _("테스트 카드 (거절)")),
        ],
    )


class IssueForm(forms.Form):
    """일련번호 발급: blank quantity means every remaining unit."""

    quantity = FormIntegerField(label=_("발급 수량"), required=False)


class OrderFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("주문 상태"), required=False, choices=[("", _("전체")), *OrderStatus.choices])


class QuoteForm(forms.Form):
    """견적서 request: the same three values an order is made of, parsed only."""

    emoticon_id = FormIntegerField()
    period_days = FormIntegerField()
    quantity = FormIntegerField()
