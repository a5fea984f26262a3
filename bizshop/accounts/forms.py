"""Forms of accounts: end-user sign-up, the throttled login, password change and policy consent;
the rules live in accounts.services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from bizshop.accounts import services
from bizshop.core.errors import ApplicationError
from bizshop.core.http import client_ip


class PolicyConsentFields(forms.Form):
    """The two consent checkboxes (필수): refused by accounts.services when one is left empty."""

    agree_terms = forms.BooleanField(label=_("이용약관에 동의합니다 (필수)"), required=False)
    agree_privacy = forms.BooleanField(
        label=_("개인정보 수집·이용(개인정보처리방침)에 동의합니다 (필수)"), required=False
    )


class SignupForm(PolicyConsentFields):
    email = forms.CharField(
        label=_("이메일"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password1 = forms.CharField(
        label=_("비밀번호"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("비밀번호 확인"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    field_order = ["email", "password1", "password2", "agree_terms", "agree_privacy"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password1"].help_text = password_validators_help_text_html()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _check_repeated(self, "password1", "password2")
        return cleaned


def _check_repeated(form: forms.Form, first: str, second: str) -> None:
    typed, repeated = form.cleaned_data.get(first), form.cleaned_data.get(second)
    if typed and repeated and typed != repeated:
        form.add_error(second, _("비밀번호가 서로 다릅니다. 같은 비밀번호를 두 번 입력해 주세요."))


class PasswordChangeForm(forms.Form):
    """비밀번호 변경: the current password, and the new one twice (checked by services.password_change)."""

    current_password = forms.CharField(
        label=_("현재 비밀번호"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password1 = forms.CharField(
        label=_("새 비밀번호"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("새 비밀번호 확인"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = password_validators_help_text_html()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _check_repeated(self, "new_password1", "new_password2")
        return cleaned


class ThrottledLoginMixin:
    """Failed logins count per account and per IP; past the limit the form refuses before checking
    the password, with a Korean message saying how long to wait."""

    request: Any
    cleaned_data: dict[str, Any]
    # Seconds to wait when the attempt was refused by the throttle: the view answers 429 with it.
    retry_after: int | None = None

    def clean(self) -> dict[str, Any]:
        email = str(self.cleaned_data.get("username") or "")
        if not email or not self.cleaned_data.get("password"):
            # A field is empty: its own error is shown, no password is checked, nothing counts.
            cleaned_as_is: dict[str, Any] = super().clean()  # type: ignore[misc]
            return cleaned_as_is
        ip = client_ip(self.request) if self.request is not None else ""
        try:
            services.login_attempt_begin(email=email, client_ip=ip)
        except ApplicationError as exc:
            self.retry_after = exc.details["retry_after"]
            raise ValidationError(str(exc.message), code=exc.code) from exc
        try:
            cleaned: dict[str, Any] = super().clean()  # type: ignore[misc]
        except ValidationError:
            services.login_attempt_failed(email=email, client_ip=ip)
            raise
        services.login_success_record(user=self.get_user(), client_ip=ip)  # type: ignore[attr-defined]
        return cleaned


class LoginForm(ThrottledLoginMixin, AuthenticationForm):
    # Checked: the session lasts SESSION_COOKIE_AGE (two weeks); unchecked: until the browser closes.
    remember_me = forms.BooleanField(label=_("로그인 상태 유지"), required=False)

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("이메일 또는 비밀번호가 올바르지 않습니다."),
        "inactive": _("사용할 수 없는 계정입니다."),
    }


class AdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    """The operators' admin login, throttled like the portal's."""
