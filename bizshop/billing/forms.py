"""Portal forms of orders: they parse input only; every rule stays in billing.services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bizshop.billing import errors
from bizshop.billing.gateways.sandbox import APPROVE_TOKEN, DECLINE_TOKEN
from bizshop.billing.models import OrderStatus
from bizshop.billing.services import MEMO_MAX
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
    """구매내역 filters; the dates are read as YYYY-MM-DD (what <input type="date"> sends)."""

    status = forms.ChoiceField(label=_("주문 상태"), required=False, choices=[("", _("전체")), *OrderStatus.choices])
    q = forms.CharField(label=_("메모·이모티콘 검색"), required=False, max_length=100, strip=True)
    ordered_from = forms.DateField(
        label=_("주문일 시작"),
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("날짜를 YYYY-MM-DD 형식으로 입력해 주세요.")},
    )
    ordered_to = forms.DateField(
        label=_("주문일 종료"),
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("날짜를 YYYY-MM-DD 형식으로 입력해 주세요.")},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("ordered_from"), data.get("ordered_to")
        if first and last and first > last:
            self.add_error("ordered_to", str(errors.INVALID_DATE_RANGE.message))
        return data

    def filters(self) -> dict[str, Any]:
        """The valid form's values as order_list_filtered's arguments (call after is_valid)."""
        data = self.cleaned_data
        return {
            "status": data.get("status") or "",
            "search": data.get("q") or "",
            "ordered_from": data.get("ordered_from"),
            "ordered_to": data.get("ordered_to"),
        }


class OrderMemoForm(forms.Form):
    memo = forms.CharField(
        label=_("메모"),
        required=False,
        max_length=MEMO_MAX,
        strip=True,
        help_text=_("우리 회사 멤버에게만 보입니다. 캠페인 이름 등 200자까지."),
        error_messages={"max_length": _("메모는 200자까지 쓸 수 있습니다.")},
    )


class QuoteForm(forms.Form):
    """견적서 request: the same three values an order is made of, parsed only."""

    emoticon_id = FormIntegerField()
    period_days = FormIntegerField()
    quantity = FormIntegerField()
