"""Sign a browser in as a user without the login form: Django's test client makes the session and the
browser gets its cookie."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.test import Client


def sign_in(context: Any, user: Any, base_url: str) -> None:
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base_url}])
