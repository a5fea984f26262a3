"""Signed-in sessions without the login form: Django's test client logged in as a user (or a partner's
member), and a browser given that session's cookie."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.test import Client

from bizshop.partners.models import Member, Partner

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext

    from bizshop.accounts.models import User


def signed_in(who: User | Member | Partner) -> Client:
    """A test client signed in as ``who``: a user, a partner member's user, or a partner's owner
    (its first member when it has no owner)."""
    if isinstance(who, Partner):
        member = who.members.filter(role=Member.Role.OWNER).order_by("pk").first() or who.members.order_by("pk").first()
        assert member is not None, f"{who} has no member to sign in as"
        who = member
    client = Client()
    client.force_login(who.user if isinstance(who, Member) else who)
    return client


def sign_in(context: BrowserContext, user: User, base_url: str) -> None:
    """The browser context carries ``user``'s session cookie for ``base_url``."""
    session = signed_in(user).cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base_url}])
