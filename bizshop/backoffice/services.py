"""Operator writes: the audit record every operator action leaves, and the permission it needs."""

from __future__ import annotations

from typing import Any

from django.db import models

from bizshop.accounts.models import User
from bizshop.backoffice import errors
from bizshop.backoffice.models import OperatorAction


def operator_require(*, operator: User, permission: str) -> None:
    """Staff with ``permission`` (app_label.codename) may go on; anyone else gets permission_denied."""
    if not (operator.is_active and operator.is_staff and operator.has_perm(permission)):
        raise errors.OPERATOR_PERMISSION_DENIED(permission=permission)


def operator_action_record(
    *, operator: User, kind: str, target: models.Model, data: dict[str, Any] | None = None
) -> OperatorAction:
    """Write the audit row; call it inside the action's own transaction so both commit or neither."""
    return OperatorAction.objects.create(
        operator=operator,
        kind=kind,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_repr=str(target)[:200],
        data=data or {},
    )
