"""Code reads for partners and end users."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from bizshop.accounts.models import User
from bizshop.billing.models import Order
from bizshop.codes.models import CodeExport, CodeStatus, Issuance, Registration, SerialCode


def code_effective_status(code: SerialCode, *, now: datetime | None = None) -> str:
    """The status as of now: an issued code past its registration deadline is expired."""
    if code.status == CodeStatus.ISSUED and code.issuance.registration_deadline <= (now or timezone.now()):
        return CodeStatus.EXPIRED.value
    return str(code.status)


def code_list_for_order(*, order: Order) -> QuerySet[SerialCode]:
    return SerialCode.objects.filter(order=order).select_related("issuance")


def issuance_list_for_order(*, order: Order) -> QuerySet[Issuance]:
    return Issuance.objects.filter(order=order).order_by("id")


def issuance_is_finished(issuance: Issuance) -> bool:
    """Completed or failed: its progress will not move any more."""
    return issuance.status in (Issuance.Status.COMPLETED, Issuance.Status.FAILED)


def registration_list_for_user(*, user: User) -> QuerySet[Registration]:
    return Registration.objects.filter(user=user).select_related("emoticon").order_by("-registered_at")


def code_export_list_for_order(*, order: Order) -> QuerySet[CodeExport]:
    return CodeExport.objects.filter(order=order).order_by("-id")


def order_ids_with_issuance_in_progress(*, partner_id: int) -> list[int]:
    """Ids of the partner's orders with a tranche whose codes are not all created yet."""
    from django.db.models import F

    return list(
        Issuance.objects.filter(order__partner_id=partner_id, issued_count__lt=F("quantity"))
        .order_by("order_id")
        .values_list("order_id", flat=True)
        .distinct()
    )
