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
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen and translation.check_for_language(chosen) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
