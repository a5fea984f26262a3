"""Public registration form: one field for the serial code; the code rules live in codes.format and codes.services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class RegisterForm(forms.Form):
    code = forms.CharField(
        label=_("일련번호"),
        max_length=64,
        strip=False,
        help_text=_(
            "받으신 20자리 일련번호를 입력해 주세요 (예: ABCDE-12345-FGHJK-6789M). "
            "대소문자는 구분하지 않으며, 띄어쓰기와 하이픈(-)은 넣어도 되고 빼도 됩니다."
        ),
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "inputmode": "text",
                "placeholder": "XXXXX-XXXXX-XXXXX-XXXXX",
            }
        ),
    )


class CodeVoidForm(forms.Form):
    """잘못 보낸 코드 교체: the code of the order that went to the wrong person."""

    code = forms.CharField(
        label=_("잘못 보낸 일련번호"),
        max_length=64,
        strip=False,
        help_text=_(
            "아직 등록되지 않은 일련번호만 교체할 수 있습니다. 입력한 일련번호는 바로 사용중지되고, "
            "같은 등록기한의 새 일련번호가 발급됩니다."
        ),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "placeholder": "XXXXX-XXXXX-XXXXX-XXXXX",
            }
        ),
    )
