"""Portal plumbing every app's pages share: a service refusal shown on the page or next to its field.

Only what needs no domain lives here (core is the ground: it imports no app). The member and owner
decorators need the membership lookup of ``partners``, so they live in ``bizshop/partners/portal.py``,
which depends on this module and never the other way round.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest

from bizshop.core.errors import ApplicationError


def show_error(form: Any, field: str | None, exc: ApplicationError) -> None:
    """The refusal next to its field (``None``: above the form); a broken password rule or a
    missing consent a line each."""
    if exc.code == "policies_not_accepted":
        consents = [f"agree_{document}" for document in exc.details.get("missing", [])]
        consents = [name for name in consents if name in form.fields]
        if consents:
            for name in consents:
                form.add_error(name, str(exc.message))
            return
    for problem in exc.details.get("problems") or [str(exc.message)]:
        form.add_error(field, problem)


def run_action(request: HttpRequest, action: Callable[[], Any], done: str) -> bool:
    """Call one service of a portal button: its refusal becomes the page's message (404s stay 404s)."""
    try:
        action()
    except ApplicationError as exc:
        if exc.status == 404:
            raise Http404(str(exc.message)) from exc
        messages.error(request, str(exc.message))
        return False
    messages.success(request, done)
    return True
