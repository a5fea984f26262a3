"""Where a fresh sign-in goes next: the pages the shop holds a user on before the one asked for.

Shared by the accounts' sign-in and the partner invitation's sign-up, so it is not in a views module.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import urlencode

from bizshop.accounts import policies, services
from bizshop.accounts.middleware import POLICY_CONSENT_SESSION_KEY
from bizshop.accounts.models import User


def with_next(route: str, next_url: str) -> str:
    """The page of ``route`` that goes on to ``next_url`` when it is done."""
    return f"{reverse(route)}?{urlencode({'next': next_url})}"


def after_sign_in(request: HttpRequest, *, user: User, target: str) -> str:
    """Where a fresh sign-in goes: first the consent page if a policy version in force is still
    to be accepted (required: the session is held there until it is), then the 90-day password
    question (optional); each page goes on to the next, the last to ``target``."""
    if services.password_change_due(user=user):
        target = with_next("accounts:password-prompt", target)
    if policies.policies_to_accept(user=user):
        request.session[POLICY_CONSENT_SESSION_KEY] = True
        target = with_next("accounts:consent", target)
    return target
