"""Language of a request: pages are Korean until the visitor picks English; the API follows Accept-Language."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class KoreanFirstLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, except that a page's browser language does not count.

    A Korean shop shows Korean to a first-time visitor whatever the browser says; the
    language switch (a cookie) turns the portal English. Partner systems calling the API
    ask for English error messages with ``Accept-Language: en``.
    """

    def process_request(self, request: HttpRequest) -> None:
        if request.path_info.startswith("/api/"):
            super().process_request(request)
            return
        translation.activate(_chosen_language(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)))
        request.LANGUAGE_CODE = translation.get_language()


def _chosen_language(cookie: str | None) -> str:
    """The cookie's language if the shop offers it (settings.LANGUAGES, "en-us" read as "en"), else Korean.

    ``check_for_language`` alone is not enough: it accepts any language Django itself ships a
    catalog for, so a "fr" cookie would have turned the admin French and the page ``lang="fr"``.
    """
    if not cookie:
        return settings.LANGUAGE_CODE
    try:
        return translation.get_supported_language_variant(cookie)
    except LookupError:
        return settings.LANGUAGE_CODE
