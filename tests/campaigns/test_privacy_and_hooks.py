"""Contacts erased 30 days after the last registration deadline; the hooks other apps call."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bizshop.campaigns import selectors, services
from bizshop.campaigns.models import Delivery, Recipient
from bizshop.campaigns.tasks import delivery_contacts_erase_due_task
from bizshop.codes.models import Issuance, SerialCode


def _deliver(api: Any, order: Any, count: int) -> Delivery:
    people = [{"name": f"사람{i}", "email": f"p{i}@example.com", "phone": f"0101234{i:04d}"} for i in range(count)]
    return services.delivery_create(
        order_id=order.pk, partner=api.partner, channel="email", template="{name} {code}", recipients=people
    )


def test_contacts_are_erased_30_days_after_the_last_deadline(
    api: Any, order_with_codes: Any, time_machine: Any
) -> None:
    order, _ = order_with_codes
    delivery = _deliver(api, order, 3)
    last_deadline = max(Issuance.objects.filter(order=order).values_list("registration_deadline", flat=True))

    time_machine.move_to(last_deadline + timedelta(days=29))
    assert delivery_contacts_erase_due_task() == 0
    assert Recipient.objects.filter(delivery=delivery, name_sealed__isnull=True).count() == 0

    time_machine.move_to(last_deadline + timedelta(days=30, minutes=1))
    assert delivery_contacts_erase_due_task() == 1

    delivery.refresh_from_db()
    assert delivery.contacts_erased_at is not None
    rows = Recipient.objects.filter(delivery=delivery)
    assert rows.count() == 3
    assert all(r.name_sealed is None and r.email_sealed is None and r.phone_sealed is None for r in rows)
    assert selectors.recipient_contacts(rows[0]) == {"name": None, "email": None, "phone": None}
    assert selectors.delivery_counts(delivery=delivery)["queued"] == 3  # counts stay
    assert delivery_contacts_erase_due_task() == 0  # once


def test_beat_runs_the_erasure_and_the_resumption() -> None:
    from django.conf import settings

    from bizshop.celery import app

    schedule = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    for name in (
        "bizshop.campaigns.tasks.delivery_contacts_erase_due_task",
        "bizshop.campaigns.tasks.recipients_resume_stalled_task",
    ):
        assert schedule[name] <= 3600
        assert name in app.tasks


def test_counts_for_order_and_moving_a_recipient_to_a_new_code(api: Any, order_with_codes: Any) -> None:
    order, _ = order_with_codes
    delivery = _deliver(api, order, 2)
    recipient = delivery.recipients.order_by("pk").first()
    assert recipient is not None
    spare = selectors.free_codes_for_order(order_id=order.pk).first()
    assert spare is not None

    moved = services.recipient_move_to_code(old_code_id=recipient.code_id, new_code_id=spare.pk)

    assert moved is not None and moved.pk == recipient.pk
    assert Recipient.objects.get(pk=recipient.pk).code_id == spare.pk
    assert services.recipient_move_to_code(old_code_id=recipient.code_id, new_code_id=spare.pk) is None
    assert selectors.delivery_counts_for_order(order_id=order.pk) == {"assigned": 2, "sent": 0, "failed": 0}
    assert SerialCode.objects.filter(delivery_recipient__isnull=False).count() == 2


def test_masks() -> None:
    from bizshop.campaigns.contacts import mask_email, mask_name, mask_phone

    assert mask_name("홍길동") == "홍*동"
    assert mask_name("김철") == "김*"
    assert mask_phone("01012345678") == "010-****-5678"
    assert mask_email("hong@example.com") == "h***@example.com"


def test_email_url_configures_smtp() -> None:
    import environ  # type: ignore[import-untyped]

    parsed = environ.Env.email_url_config("smtp+tls://user:pa%40ss@mail.example.kr:587")

    assert parsed["EMAIL_HOST"] == "mail.example.kr" and parsed["EMAIL_PORT"] == 587
    assert parsed["EMAIL_USE_TLS"] is True and parsed["EMAIL_HOST_PASSWORD"] == "pa@ss"


def test_rows_left_sending_by_a_dead_worker_are_sent_again(api: Any, order_with_codes: Any) -> None:
    from django.core import mail
    from django.utils import timezone

    order, _ = order_with_codes
    delivery = _deliver(api, order, 3)  # its task waits for a commit that never comes here
    long_ago = timezone.now() - timedelta(minutes=20)
    Recipient.objects.filter(delivery=delivery, row_number__lte=2).update(
        status=Recipient.Status.SENDING, claimed_at=long_ago
    )
    Recipient.objects.filter(delivery=delivery, row_number=3).update(
        status=Recipient.Status.SENDING, claimed_at=timezone.now()
    )

    assert services.recipients_resume_stalled() == 2

    statuses = dict(Recipient.objects.filter(delivery=delivery).values_list("row_number", "status"))
    assert statuses == {1: "sent", 2: "sent", 3: "sending"}  # the third one's worker may still be at it
    assert sorted(m.to[0] for m in mail.outbox) == ["p0@example.com", "p1@example.com"]
