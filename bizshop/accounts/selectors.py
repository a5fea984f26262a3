"""Account reads: who counts as an end user."""

from __future__ import annotations

from bizshop.accounts.models import User


def user_is_end_user(*, user: User) -> bool:
    """An end user (code holder) is neither an operator nor a member of any partner."""
    if user.is_staff or user.is_superuser:
        return False
    # ``membership`` is the reverse of partners' Member.user: asked by name, since partners builds
    # on accounts and accounts imports nothing of it.
    return not User.objects.filter(pk=user.pk, membership__isnull=False).exists()
