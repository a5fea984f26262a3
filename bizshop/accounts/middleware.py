"""Session middleware of accounts: sessions of a former backend, and pending policy consent."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode

# What sessions made before bizshop.accounts.backends.UserBackend (2026-12-01) name.
FORMER_BACKENDS = frozenset({"django.contrib.auth.backends.ModelBackend"})


class FormerBackendSessionMiddleware:
    """Points sessions naming a former backend at the current one, before the user is loaded.

    django.contrib.auth only loads a session's user through a backend still listed in
    AUTHENTICATION_BACKENDS; without this, changing the backend signed everybody out.
    It can go once SESSION_COOKIE_AGE has passed since the change.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.COOKIES.get(settings.SESSION_COOKIE_NAME):  # no cookie: nothing to read
            session = request.session
            if session.get(BACKEND_SESSION_KEY) in FORMER_BACKENDS:
                session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        return self.get_response(request)


# Set at sign-in when a policy version in force is still to be accepted (views.LoginView);
# cleared once it is. Kept in the session, so an ordinary request costs no query.
POLICY_CONSENT_SESSION_KEY = "accounts.policy_consent_required"
# Reachable while consent is pending: the consent page itself, the documents, signing out,
# the language switch, and what is not a page (API, static and media files).
CONSENT_OPEN_PREFIXES = ("/api/", "/static/", "/media/", "/i18n/", "/healthz", "/readyz")
CONSENT_OPEN_ROUTES = frozenset({"accounts:consent", "accounts:logout", "policies:terms", "policies:privacy"})


class PolicyConsentMiddleware:
    """While a new 이용약관 or 개인정보처리방침 awaits the signed-in user's consent, every page
    leads to the consent page (약관 동의) and nothing else is reachable until it is given."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.COOKIES.get(settings.SESSION_COOKIE_NAME)
            and request.session.get(POLICY_CONSENT_SESSION_KEY)
            and not request.path_info.startswith(CONSENT_OPEN_PREFIXES)
            and request.user.is_authenticated
        ):
            try:
                route = resolve(request.path_info).view_name
            except Resolver404:
                route = ""
            if route not in CONSENT_OPEN_ROUTES and not route.startswith("policies:"):
                target = request.get_full_path() if request.method == "GET" else ""
                query = f"?{urlencode({'next': target})}" if target else ""
                return HttpResponseRedirect(reverse("accounts:consent") + query)
        return self.get_response(request)
