"""Account reads: who counts as an end user."""

from __future__ import annotations

from bizshop.accounts.models import User


def user_is_end_user(*, user: User) -> bool:
    """An end user (code holder) is neither an operator nor a member of any partner."""
    from bizshop.partners.models import Member  # partners builds on accounts

    if user.is_staff or user.is_superuser:
        return False
    return not Member.objects.filter(user_id=user.pk).exists()
