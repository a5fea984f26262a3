"""Sign-up page of end users (code holders) and its e-mail verification; sign-in (throttled, with
로그인 상태 유지 and the questions asked after it), password change, policy consent and the policy
pages; sign-out and password reset are Django's own views with Korean templates."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bizshop.accounts import policies, services
from bizshop.accounts.forms import LoginForm, PasswordChangeForm, PolicyConsentFields, SignupForm
from bizshop.accounts.middleware import POLICY_CONSENT_SESSION_KEY
from bizshop.accounts.models import User
from bizshop.accounts.navigation import after_sign_in
from bizshop.core.errors import ApplicationError
from bizshop.core.http import client_ip
from bizshop.core.portal import show_error

# Which field a refusal of user_create is about.
SIGNUP_ERROR_FIELDS = {"invalid_email": "email", "email_taken": "email", "weak_password": "password1"}
PASSWORD_CHANGE_ERROR_FIELDS = {
    "wrong_current_password": "current_password",
    "too_many_login_attempts": "current_password",
    "password_unchanged": "new_password1",
    "weak_password": "new_password1",
}


def _next_url(request: HttpRequest, default: str = "codes:register") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse(default)


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_next_url(request))
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.end_user_signup(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                terms_agreed=form.cleaned_data["agree_terms"],
                privacy_agreed=form.cleaned_data["agree_privacy"],
                client_ip=client_ip(request),
            )
        except ApplicationError as exc:
            show_error(form, SIGNUP_ERROR_FIELDS.get(exc.code), exc)
        else:
            services.email_verification_send(user=user)
            login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
            messages.success(
                request, _("가입이 완료되었습니다. 메일로 보내 드린 링크를 눌러 이메일 주소를 인증해 주세요.")
            )
            return redirect(_next_url(request))
    return render(request, "accounts/signup.html", {"form": form, "next": _next_url(request), **_policies_context()})


def _policies_context() -> dict[str, Any]:
    return {"policies": {policy.document: policy for policy in policies.policies_in_force()}}


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

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)  # signs in: a new session
        session = self.request.session
        # 0: the cookie has no expiry, so the browser drops it when it closes.
        session.set_expiry(settings.SESSION_COOKIE_AGE if form.cleaned_data.get("remember_me") else 0)
        response["Location"] = after_sign_in(self.request, user=form.get_user(), target=self.get_success_url())
        return response


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


def _signed_in_user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # login_required let only a signed-in user in
    return request.user


def _password_change_form(request: HttpRequest) -> tuple[PasswordChangeForm, bool]:
    """The change form bound to the request; True once the password was changed (this session
    stays signed in, every other one of the user's ends)."""
    user = _signed_in_user(request)
    form = PasswordChangeForm(request.POST if request.method == "POST" else None)
    if request.method != "POST" or not form.is_valid():
        return form, False
    try:
        services.password_change(
            user=user,
            current_password=form.cleaned_data["current_password"],
            new_password=form.cleaned_data["new_password1"],
            client_ip=client_ip(request),
        )
    except ApplicationError as exc:
        show_error(form, PASSWORD_CHANGE_ERROR_FIELDS.get(exc.code), exc)
        return form, False
    update_session_auth_hash(request, user)
    messages.success(request, _("비밀번호를 변경했습니다. 다른 기기에서는 다시 로그인해 주세요."))
    return form, True


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    """비밀번호 변경, for partner members and end users alike."""
    form, changed = _password_change_form(request)
    if changed:
        return redirect(_next_url(request, default="accounts:password-change"))
    return render(request, "accounts/password_change.html", {"form": form, "next": request.GET.get("next", "")})


@login_required
def password_prompt(request: HttpRequest) -> HttpResponse:
    """비밀번호 변경 안내, asked after signing in with a password over 90 days old: change it here,
    or 나중에 변경하기, which puts the question off for another 90 days."""
    next_url = _next_url(request, default="catalog:home")
    if request.method == "POST" and "defer" in request.POST:
        services.password_prompt_defer(user=_signed_in_user(request))
        messages.info(request, _("90일 후에 다시 안내해 드립니다."))
        return redirect(next_url)
    form, changed = _password_change_form(request)
    if changed:
        return redirect(next_url)
    return render(request, "accounts/password_prompt.html", {"form": form, "next": next_url})


@login_required
def consent(request: HttpRequest) -> HttpResponse:
    """약관 동의: the versions in force the user has not accepted; nothing else opens until they are."""
    user = _signed_in_user(request)
    next_url = _next_url(request, default="catalog:home")
    pending = policies.policies_to_accept(user=user)
    if not pending:
        request.session.pop(POLICY_CONSENT_SESSION_KEY, None)
        return redirect(next_url)
    form = PolicyConsentFields(request.POST or None)
    if request.method == "POST" and form.is_valid():
        pending_documents = {policy.document for policy in pending}
        try:
            services.policies_accept(
                user=user,
                client_ip=client_ip(request),
                # A document with nothing new is not asked about again.
                terms=form.cleaned_data["agree_terms"] or "terms" not in pending_documents,
                privacy=form.cleaned_data["agree_privacy"] or "privacy" not in pending_documents,
                versions=pending,
            )
        except ApplicationError as exc:
            show_error(form, None, exc)
        else:
            request.session.pop(POLICY_CONSENT_SESSION_KEY, None)
            messages.success(request, _("동의해 주셔서 감사합니다."))
            return redirect(next_url)
    return render(request, "accounts/consent.html", {"form": form, "pending": pending, "next": next_url})


def policy_document(request: HttpRequest, document: str, version: str | None = None) -> HttpResponse:
    """이용약관 / 개인정보처리방침, public: the version in force, or a given one, with every version listed."""
    in_force = policies.policy_in_force(document=document)
    shown = in_force if version is None else policies.policy_version(document=document, version=version)
    if shown is None:
        raise Http404(_("없는 버전입니다."))
    context = {
        "policy": shown,
        "in_force": in_force,
        "upcoming": policies.policy_upcoming(document=document),
        "versions": policies.policy_versions(document=document),
    }
    return render(request, "accounts/policy.html", context)
