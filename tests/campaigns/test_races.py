"""Real threads, real commits: concurrent deliveries never share a code; a batch task run twice
(or twice at once) sends each recipient once."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from bizshop.campaigns import services, tasks
from bizshop.campaigns.models import Recipient
from tests.helpers.races import outcome, run_together

pytestmark = pytest.mark.django_db(transaction=True)


def _people(prefix: str, count: int) -> list[dict[str, str]]:
    return [{"name": f"{prefix}{i}", "email": f"{prefix}{i}@example.com"} for i in range(count)]


def test_concurrent_deliveries_never_assign_the_same_code(api: Any, make_order: Any, issue_codes: Any) -> None:
    order = make_order(api.partner, quantity=100, paid=True)
    issue_codes(order, quantity=10)

    def deliver(prefix: str) -> Any:
        return outcome(
            lambda: services.delivery_create(
                order_id=order.pk,
                partner=api.partner,
                channel="email",
                template="{code}",
                recipients=_people(prefix, 4),
            )
        )

    results = run_together(deliver("a"), deliver("b"), deliver("c"))

    assert sorted(results) == ["not_enough_codes", "ok", "ok"]
    code_ids = list(Recipient.objects.values_list("code_id", flat=True))
    assert len(code_ids) == 8 == len(set(code_ids))
    assert Recipient.objects.filter(status=Recipient.Status.SENT).count() == 8
    assert len(mail.outbox) == 8


def test_a_batch_task_run_twice_at_once_sends_each_recipient_once(
    api: Any, make_order: Any, issue_codes: Any, settings: Any
) -> None:
    order = make_order(api.partner, quantity=100, paid=True)
    issue_codes(order, quantity=20)
    settings.CELERY_TASK_ALWAYS_EAGER = False  # keep the POST's own task out of it
    from bizshop.celery import app

    app.conf.task_always_eager = False
    try:
        from unittest import mock

        with mock.patch.object(tasks.delivery_send_batch_task, "delay"):
            delivery = services.delivery_create(
                order_id=order.pk, partner=api.partner, channel="email", template="{code}", recipients=_people("p", 20)
            )
    finally:
        app.conf.task_always_eager = True
    assert len(mail.outbox) == 0

    run_together(
        lambda: services.delivery_send_batch(delivery_id=delivery.pk),
        lambda: services.delivery_send_batch(delivery_id=delivery.pk),
        lambda: services.recipients_send(
            delivery_id=delivery.pk, recipient_ids=list(delivery.recipients.values_list("pk", flat=True))
        ),
    )
    services.delivery_send_batch(delivery_id=delivery.pk)  # and once more, afterwards

    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"p{i}@example.com" for i in range(20))
    assert Recipient.objects.filter(delivery=delivery, status=Recipient.Status.SENT).count() == 20
    delivery.refresh_from_db()
    assert delivery.status == "done"
