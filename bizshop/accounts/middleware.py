"""Sessions signed in before the shop had its own authentication backend."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.http import HttpRequest, HttpResponse

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
