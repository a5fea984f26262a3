"""Registrations placed on known days, for campaign statistics."""

from __future__ import annotations

from datetime import datetime

from bizshop.codes.models import Registration, SerialCode
from bizshop.codes.services import code_register
from tests.factories import UserFactory


def register_at(code: str, when: datetime) -> SerialCode:
    """Register ``code`` for a new end user through the real service, then move it to ``when``."""
    registration = code_register(user=UserFactory.create(), raw_code=code)
    Registration.objects.filter(pk=registration.pk).update(registered_at=when)
    SerialCode.objects.filter(pk=registration.code_id).update(registered_at=when)
    return SerialCode.objects.get(pk=registration.code_id)
