"""Delivery reads: the partner's deliveries, their counts and recipients, free codes of an order."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from bizshop.billing.selectors import order_get_for_partner
from bizshop.campaigns import contacts, errors
from bizshop.campaigns.models import Delivery, Recipient
from bizshop.codes.models import CodeStatus, SerialCode
from bizshop.partners.models import Partner

RECIPIENT_STATUS_FILTERS = ("queued", "sending", "sent", "failed", "registered")


def free_codes_for_order(*, order_id: int) -> QuerySet[SerialCode]:
    """Issued codes of the order that no recipient holds, still registrable (not registered,
    voided or past their deadline), oldest first."""
    return SerialCode.objects.filter(
        order_id=order_id,
        status=CodeStatus.ISSUED,
        issuance__registration_deadline__gt=timezone.now(),
        delivery_recipient__isnull=True,
    ).order_by("pk")


def delivery_list_for_order(*, order_id: int) -> QuerySet[Delivery]:
    return Delivery.objects.filter(order_id=order_id).order_by("-pk")


def delivery_get(*, order_id: int, partner: Partner, delivery_id: int) -> Delivery:
    order = order_get_for_partner(partner=partner, order_id=order_id)
    delivery = Delivery.objects.filter(order=order, pk=delivery_id).select_related("order__emoticon").first()
    if delivery is None:
        raise errors.DELIVERY_NOT_FOUND()
    return delivery


def delivery_counts(*, delivery: Delivery) -> dict[str, int]:
    """How many recipients are queued, being sent, sent, failed; and how many registered their code."""
    row = Recipient.objects.filter(delivery=delivery).aggregate(
        queued=Count("pk", filter=Q(status=Recipient.Status.QUEUED)),
        sending=Count("pk", filter=Q(status=Recipient.Status.SENDING)),
        sent=Count("pk", filter=Q(status=Recipient.Status.SENT)),
        failed=Count("pk", filter=Q(status=Recipient.Status.FAILED)),
        registered=Count("pk", filter=Q(code__status=CodeStatus.REGISTERED)),
    )
    return {name: int(value or 0) for name, value in row.items()}


def delivery_counts_for_order(*, order_id: int) -> dict[str, int]:
    """Codes of the order given to recipients, sent, failed (for GET /orders/{id}/stats/)."""
    row = Recipient.objects.filter(delivery__order_id=order_id).aggregate(
        assigned=Count("pk"),
        sent=Count("pk", filter=Q(status=Recipient.Status.SENT)),
        failed=Count("pk", filter=Q(status=Recipient.Status.FAILED)),
    )
    return {name: int(value or 0) for name, value in row.items()}


def recipient_list(*, delivery: Delivery, status: str | None = None) -> QuerySet[Recipient]:
    recipients = Recipient.objects.filter(delivery=delivery).select_related("code")
    if status == "registered":
        recipients = recipients.filter(code__status=CodeStatus.REGISTERED)
    elif status:
        recipients = recipients.filter(status=status)
    return recipients


def recipient_status(recipient: Recipient) -> str:
    """The row's status, ``registered`` once its code has been registered."""
    if recipient.code.status == CodeStatus.REGISTERED:
        return "registered"
    return str(recipient.status)


def recipient_contacts(recipient: Recipient, *, masked: bool = True) -> dict[str, Any]:
    """Name, e-mail and mobile (masked unless asked otherwise); None once erased."""
    if recipient.name_sealed is None:
        return {"name": None, "email": None, "phone": None}
    key_id = recipient.key_id
    name = contacts.unseal(recipient.name_sealed, key_id=key_id)
    email = contacts.unseal(recipient.email_sealed, key_id=key_id) or None
    phone = contacts.unseal(recipient.phone_sealed, key_id=key_id) or None
    if not masked:
        return {"name": name, "email": email, "phone": phone}
    return {
        "name": contacts.mask_name(name),
        "email": contacts.mask_email(email) if email else None,
        "phone": contacts.mask_phone(phone) if phone else None,
    }
