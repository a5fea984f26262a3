"""Who may open a portal page: the member and owner decorators every app's pages share.

They live in ``partners`` rather than ``core`` because they look up the signed-in user's
membership: core is the ground every app stands on and imports no domain app, while any
domain app may import ``partners``. The domain-free half of the portal plumbing (``run_action``,
a refusal shown next to its field) is in ``bizshop/core/portal.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _

from bizshop.core.errors import ApplicationError
from bizshop.partners import errors, selectors
from bizshop.partners.models import Member

PartnerView = Callable[..., HttpResponseBase]


def member_required(view: PartnerView) -> Callable[..., HttpResponseBase]:
    """Signed-in members of an active partner; the view receives the membership."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        membership = selectors.membership_for_user(user=request.user)  # type: ignore[arg-type]
        if membership is None:
            raise Http404(_("파트너 회원만 이용할 수 있습니다."))
        return view(request, membership, *args, **kwargs)

    return login_required(wrapper)


def partner_member_required(view: PartnerView) -> Callable[..., HttpResponseBase]:
    """Signed-in members of an active partner; the view receives that partner after the request."""

    @wraps(view)
    def wrapper(request: HttpRequest, membership: Member, *args: Any, **kwargs: Any) -> HttpResponseBase:
        return view(request, membership.partner, *args, **kwargs)

    return member_required(wrapper)


def owner_required(view: PartnerView) -> Callable[..., HttpResponseBase]:
    """Owners only; a member sees the refusal page (403) with the error code."""

    @wraps(view)
    def wrapper(request: HttpRequest, membership: Member, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if membership.role != Member.Role.OWNER:
            return forbidden(request, errors.OWNER_REQUIRED())
        return view(request, membership, *args, **kwargs)

    return member_required(wrapper)


def forbidden(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    return render(request, "partners/forbidden.html", {"error": exc}, status=403)
