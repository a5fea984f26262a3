"""Portal forms of partners: they parse input; the rules live in partners.services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.utils.translation import gettext_lazy as _

from bizshop.partners.models import Member
from bizshop.partners.services import API_KEY_SCOPES

PASSWORD_MISMATCH = _("비밀번호가 서로 다릅니다. 같은 비밀번호를 두 번 입력해 주세요.")


class _NewPasswordMixin(forms.Form):
    password1 = forms.CharField(
        label=_("비밀번호"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("비밀번호 확인"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password1"].help_text = password_validators_help_text_html()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", PASSWORD_MISMATCH)
        return cleaned


class PartnerSignupForm(_NewPasswordMixin):
    business_registration_number = forms.CharField(
        label=_("사업자등록번호"), max_length=20, help_text=_("10자리 숫자 (하이픈은 있어도 됩니다)")
    )
    name = forms.CharField(label=_("회사명"), max_length=100)
    representative = forms.CharField(label=_("대표자"), max_length=50)
    address = forms.CharField(label=_("사업장 주소"), max_length=200)
    contact_name = forms.CharField(label=_("담당자명"), max_length=50)
    contact_phone = forms.CharField(label=_("담당자 연락처"), max_length=20)
    invoice_email = forms.EmailField(label=_("세금계산서 수신 이메일"), max_length=254)
    email = forms.CharField(
        label=_("로그인 이메일"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    agree_terms = forms.BooleanField(label=_("이용약관에 동의합니다 (필수)"), required=False)
    agree_privacy = forms.BooleanField(
        label=_("개인정보 수집·이용(개인정보처리방침)에 동의합니다 (필수)"), required=False
    )

    field_order = [
        "business_registration_number",
        "name",
        "representative",
        "address",
        "contact_name",
        "contact_phone",
        "invoice_email",
        "email",
        "password1",
        "password2",
        "agree_terms",
        "agree_privacy",
    ]


class PartnerInfoForm(forms.Form):
    name = forms.CharField(label=_("회사명"), max_length=100)
    representative = forms.CharField(label=_("대표자"), max_length=50)
    address = forms.CharField(label=_("사업장 주소"), max_length=200, required=False)
    contact_name = forms.CharField(label=_("담당자명"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("담당자 연락처"), max_length=20, required=False)
    invoice_email = forms.EmailField(label=_("세금계산서 수신 이메일"), max_length=254)


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("초대할 이메일"), max_length=254)
    role = forms.ChoiceField(label=_("권한"), choices=Member.Role.choices, initial=Member.Role.MEMBER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("권한"), choices=Member.Role.choices)


class InvitationAcceptForm(_NewPasswordMixin):
    name = forms.CharField(label=_("이름"), max_length=100, required=False)
    field_order = ["name", "password1", "password2"]


SCOPE_LABELS = {
    "orders": _("주문·결제"),
    "codes": _("일련번호 발급·조회"),
    "invoices": _("세금계산서"),
    "webhooks": _("웹훅"),
    "partner": _("파트너정보·탈퇴"),
}


class ApiKeyForm(forms.Form):
    name = forms.CharField(label=_("키 이름"), max_length=100, help_text=_("예: 사내 ERP 연동"))
    scopes = forms.MultipleChoiceField(
        label=_("권한 범위"),
        choices=[(scope, SCOPE_LABELS[scope]) for scope in API_KEY_SCOPES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("선택하지 않으면 모든 API를 사용할 수 있습니다."),
    )


class WithdrawalForm(forms.Form):
    password = forms.CharField(
        label=_("비밀번호 확인"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
