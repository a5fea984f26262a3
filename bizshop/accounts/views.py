"""Sign-up page of end users (code holders) and its e-mail verification; sign-in (throttled),
sign-out and password reset are Django's own views with Korean templates."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bizshop.accounts import services
from bizshop.accounts.forms import LoginForm, SignupForm
from bizshop.core.errors import ApplicationError
from bizshop.core.http import client_ip

# Which field a refusal of user_create is about.
SIGNUP_ERROR_FIELDS = {"invalid_email": "email", "email_taken": "email", "weak_password": "password1"}


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("codes:register")


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_next_url(request))
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(
                email=form.cleaned_data["email"], password=form.cleaned_data["password1"], email_verified=False
            )
        except ApplicationError as exc:
            field = SIGNUP_ERROR_FIELDS.get(exc.code)
            # Each broken password rule gets its own line next to the field.
            for problem in exc.details.get("problems") or [str(exc.message)]:
                form.add_error(field, problem)
        else:
            services.email_verification_send(user=user)
            login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
            messages.success(
                request, _("가입이 완료되었습니다. 메일로 보내 드린 링크를 눌러 이메일 주소를 인증해 주세요.")
            )
            return redirect(_next_url(request))
    return render(request, "accounts/signup.html", {"form": form, "next": _next_url(request)})


def verify_email(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The link of the verification e-mail: the account is verified, and registration goes on
    (the code typed before signing up is still in the browser: static/bizshop/register.js)."""
    user = services.user_email_verify(uidb64=uidb64, token=token)
    if user is None:
        return render(request, "accounts/verify_email_invalid.html", status=400)
    messages.success(request, _("이메일 인증이 완료되었습니다. 일련번호를 등록할 수 있습니다."))
    register_url = reverse("codes:register")
    if request.user.is_authenticated and request.user.pk == user.pk:
        return redirect(register_url)
    return redirect(f"{reverse('accounts:login')}?{urlencode({'next': register_url})}")


@require_POST
@login_required
def verify_email_resend(request: HttpRequest) -> HttpResponse:
    try:
        services.email_verification_resend(user=request.user, client_ip=client_ip(request))  # type: ignore[arg-type]
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("인증 메일을 다시 보냈습니다. 메일함을 확인해 주세요."))
    return redirect("codes:register")


def answer_429_when_throttled(response: HttpResponse) -> HttpResponse:
    """A sign-in refused by the throttle is a 429 page with Retry-After (the form says how long)."""
    form = (getattr(response, "context_data", None) or {}).get("form")
    retry_after = getattr(form, "retry_after", None)
    if retry_after:
        _too_many_requests(response, retry_after)
    return response


def _too_many_requests(response: HttpResponse, retry_after: int) -> HttpResponse:
    response.status_code = 429
    response["Retry-After"] = str(retry_after)
    return response


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return answer_429_when_throttled(super().post(request, *args, **kwargs))


class PasswordResetView(auth_views.PasswordResetView):
    """비밀번호 재설정: an e-mail with a one-time link (Django's token), in Korean."""

    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-done")
    # Links point at the configured site, never at whatever Host header the request carried.
    extra_email_context = {"site_url": settings.SITE_URL}

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            services.password_reset_throttle(email=form.cleaned_data["email"], client_ip=client_ip(self.request))
        except ApplicationError as exc:
            form.add_error("email", str(exc.message))
            return _too_many_requests(self.form_invalid(form), exc.details["retry_after"])
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.password_reset_record(user=form.user, client_ip=client_ip(self.request))
        return response
