"""Deliveries: taking an upload of winners, giving each a code, sending, resending, erasing."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, Max, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from bizshop.accounts.models import User
from bizshop.billing.models import Order
from bizshop.billing.selectors import order_get_for_partner
from bizshop.campaigns import contacts, errors, messages, selectors, senders
from bizshop.campaigns.models import Channel, Delivery, Recipient
from bizshop.campaigns.recipients import Row, validate_rows
from bizshop.codes import export
from bizshop.codes import format as code_format
from bizshop.codes.crypto import get_keyring
from bizshop.codes.models import Issuance, SerialCode
from bizshop.partners.models import Partner

logger = logging.getLogger(__name__)


def batch_size() -> int:
    """Recipients per sending task (DELIVERY_BATCH_SIZE); each task queues the next."""
    return int(settings.DELIVERY_BATCH_SIZE)


# Contacts are kept this long after the order's last registration deadline (개인정보 파기).
CONTACTS_KEPT_FOR = timedelta(days=30)
# A row claimed for sending this long ago whose worker never reported back is sent again.
SENDING_STALE_AFTER = timedelta(minutes=15)


def delivery_create(
    *,
    order_id: int,
    partner: Partner,
    channel: str,
    template: str,
    recipients: list[object],
    user: User | None = None,
) -> Delivery:
    """Check the template and every row, give each recipient one free code of the order, queue the sending.

    Nothing is kept when any row is wrong (``invalid_recipients``) or codes are short
    (``not_enough_codes``). The order's row lock makes concurrent deliveries of one order take
    their codes one after the other; the unique index on ``Recipient.code`` is the last word.
    """
    from bizshop.campaigns.tasks import delivery_send_batch_task

    order_get_for_partner(partner=partner, order_id=order_id)  # another partner's order: 404 first
    if channel not in Channel.values:
        raise errors.INVALID_RECIPIENTS(rows=[], channel=channel)
    messages.template_check(template)
    rows = validate_rows(channel=channel, rows=recipients)
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        code_ids = list(selectors.free_codes_for_order(order_id=order.pk).values_list("pk", flat=True)[: len(rows)])
        if len(code_ids) < len(rows):
            raise errors.NOT_ENOUGH_CODES(available=len(code_ids), needed=len(rows))
        delivery = Delivery.objects.create(
            order=order, channel=channel, template=template, recipient_count=len(rows), created_by=user
        )
        _store_recipients(delivery=delivery, rows=rows, code_ids=code_ids)
        delivery_id = delivery.pk
        transaction.on_commit(lambda: delivery_send_batch_task.delay(delivery_id, 0))
    return delivery


_COPY_SQL = (
    f"COPY {Recipient._meta.db_table} (delivery_id, row_number, key_id, name_sealed, email_sealed, phone_sealed, "
    "code_id, status, attempts, last_error, message_id) FROM STDIN (FORMAT BINARY)"
)
_COPY_TYPES = ["int8", "int4", "varchar", "bytea", "bytea", "bytea", "int8", "varchar", "int2", "varchar", "varchar"]


def _store_recipients(*, delivery: Delivery, rows: list[Row], code_ids: list[int]) -> None:
    """The recipients with their contacts sealed, by a binary COPY on PostgreSQL (``bulk_create``
    spent 4.4 s on 10,000 rows building its INSERTs; the COPY about a tenth of that)."""
    key_id = contacts.current_key_id()
    seal = contacts.seal
    sealed = (
        (
            row.number,
            seal(row.name, key_id=key_id),
            seal(row.email, key_id=key_id),
            seal(row.phone, key_id=key_id),
            code,
        )
        for row, code in zip(rows, code_ids, strict=True)
    )
    if connection.vendor != "postgresql":
        Recipient.objects.bulk_create(
            (
                Recipient(
                    delivery=delivery,
                    row_number=n,
                    key_id=key_id,
                    name_sealed=a,
                    email_sealed=b,
                    phone_sealed=c,
                    code_id=code,
                )
                for n, a, b, c, code in sealed
            ),
            batch_size=5000,
        )
        return
    queued = Recipient.Status.QUEUED.value
    # psycopg's own cursor (cursor.cursor): Django's wrapper has no COPY.
    with connection.cursor() as cursor, cursor.cursor.copy(_COPY_SQL) as copy:
        copy.set_types(_COPY_TYPES)
        for number, name, email, phone, code in sealed:
            copy.write_row((delivery.pk, number, key_id, name, email, phone, code, queued, 0, "", ""))


@dataclass(frozen=True)
class _Context:
    delivery: Delivery
    title: str
    period_days: int
    page_url: str


def _context(delivery_id: int) -> _Context:
    delivery = Delivery.objects.select_related("order__emoticon").get(pk=delivery_id)
    return _Context(
        delivery=delivery,
        title=delivery.order.emoticon.title,
        period_days=delivery.order.period_days,
        page_url=export.registration_url(),
    )


def _claim(recipient_ids: Iterable[int]) -> list[int]:
    """Mark queued rows as being sent, in one conditional UPDATE: a row another task (or this
    task's earlier run) claimed or sent is not returned, so it is never sent twice."""
    ids = list(recipient_ids)
    if not ids:
        return []
    if connection.vendor != "postgresql":
        # The embedded SQLite shop: its transactions take the write lock when they begin
        # (settings: transaction_mode IMMEDIATE), so reading and then updating is as safe.
        with transaction.atomic():
            claimed = list(
                Recipient.objects.filter(pk__in=ids, status=Recipient.Status.QUEUED).values_list("pk", flat=True)
            )
            Recipient.objects.filter(pk__in=claimed).update(status=Recipient.Status.SENDING, claimed_at=timezone.now())
        return claimed
    table = Recipient._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET status = %s, claimed_at = %s WHERE id = ANY(%s) AND status = %s RETURNING id",  # noqa: S608
            [Recipient.Status.SENDING, timezone.now(), ids, Recipient.Status.QUEUED],
        )
        return [row[0] for row in cursor.fetchall()]


def delivery_send_batch(
    *, delivery_id: int, after_id: int = 0, then: Callable[[int], object] | None = None
) -> tuple[int | None, list[int]]:
    """Send the next batch_size() queued recipients after ``after_id``.

    Answers the id to continue after (None when this was the last batch) and the ids that
    failed for now and are to be tried again later. ``then`` is called with that id before this
    batch is sent, so that the next batch can start on another worker meanwhile (the rows'
    claims keep two batches from sending one row).
    """
    Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.QUEUED).update(status=Delivery.Status.SENDING)
    size = batch_size()
    ids = list(
        Recipient.objects.filter(delivery_id=delivery_id, status=Recipient.Status.QUEUED, pk__gt=after_id)
        .order_by("pk")
        .values_list("pk", flat=True)[:size]
    )
    if not ids:
        delivery_finish_if_done(delivery_id=delivery_id)
        return None, []
    next_after = ids[-1] if len(ids) == size else None
    if then is not None and next_after is not None:
        then(next_after)
    transient = recipients_send(delivery_id=delivery_id, recipient_ids=ids)
    return next_after, transient


def recipients_send(*, delivery_id: int, recipient_ids: list[int]) -> list[int]:
    """Claim and send these recipients; the ids that failed for now (to retry) are answered."""
    claimed = _claim(recipient_ids)
    if not claimed:
        delivery_finish_if_done(delivery_id=delivery_id)
        return []
    context = _context(delivery_id)
    delivery = context.delivery
    keyring = get_keyring()
    rows = list(
        Recipient.objects.filter(pk__in=claimed)
        .select_related("code__issuance")
        .only(
            "pk",
            "row_number",
            "key_id",
            "name_sealed",
            "email_sealed",
            "phone_sealed",
            "attempts",
            "code__key_id",
            "code__ciphertext",
            "code__issuance__registration_deadline",
        )
        .order_by("pk")
    )
    now = timezone.now
    max_attempts = settings.DELIVERY_MAX_ATTEMPTS
    sent: list[Recipient] = []
    done_badly: list[Recipient] = []
    again: list[Recipient] = []
    sender = senders.EmailSender() if delivery.channel == Channel.EMAIL else None
    try:
        for row in rows:
            row.attempts += 1
            if row.name_sealed is None:
                row.status, row.last_error = Recipient.Status.FAILED, _("연락처가 삭제되었습니다.")
                done_badly.append(row)
                continue
            code = code_format.display(keyring.decrypt(row.code.key_id, row.code.ciphertext))
            url = export.code_registration_url(code, page_url=context.page_url)
            values = messages.Values(
                name=contacts.unseal(row.name_sealed, key_id=row.key_id),
                title=context.title,
                code=code,
                period_days=context.period_days,
                deadline=row.code.issuance.registration_deadline,
                registration_url=url,
            )
            text = messages.render(delivery.template, values)
            try:
                if sender is not None:
                    subject = _("[%(title)s] 이모티콘 일련번호를 보내 드립니다") % {"title": context.title}
                    row.message_id = sender.send(
                        to=contacts.unseal(row.email_sealed, key_id=row.key_id),
                        subject=subject,
                        text=text,
                        title=context.title,
                        code=code,
                        url=url,
                    )
                else:
                    row.message_id = senders.sms_send(
                        to=contacts.unseal(row.phone_sealed, key_id=row.key_id),
                        text=text,
                        reference=f"bizshop-{delivery_id}-{row.pk}",
                    )
            except senders.PermanentFailure as exc:
                row.status, row.last_error = Recipient.Status.FAILED, str(exc)
                done_badly.append(row)
            except senders.TransientFailure as exc:
                row.last_error = str(exc)
                if row.attempts >= max_attempts:
                    row.status = Recipient.Status.FAILED
                    done_badly.append(row)
                else:
                    row.status = Recipient.Status.QUEUED
                    again.append(row)
            else:
                row.status, row.sent_at, row.last_error = Recipient.Status.SENT, now(), ""
                sent.append(row)
    finally:
        if sender is not None:
            sender.close()
        _record([*sent, *done_badly, *again])
    if not again:
        delivery_finish_if_done(delivery_id=delivery_id)
    return [row.pk for row in again]


def _record(rows: list[Recipient]) -> None:
    """Each row's outcome in one UPDATE from arrays (``bulk_update``'s CASE per field cost more than
    the sending of the batch)."""
    if not rows:
        return
    if connection.vendor != "postgresql":  # the embedded SQLite shop: no arrays to unnest
        Recipient.objects.bulk_update(rows, ["status", "attempts", "last_error", "sent_at", "message_id"])
        return
    table = Recipient._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""UPDATE {table} AS r
                   SET status = v.status, attempts = v.attempts, last_error = v.last_error,
                       sent_at = v.sent_at, message_id = v.message_id
                  FROM unnest(%s::bigint[], %s::varchar[], %s::int[], %s::varchar[], %s::timestamptz[], %s::varchar[])
                       AS v(id, status, attempts, last_error, sent_at, message_id)
                 WHERE r.id = v.id""",  # noqa: S608 -- the table name is the model's, the values parameters
            [
                [row.pk for row in rows],
                [str(row.status) for row in rows],
                [row.attempts for row in rows],
                [row.last_error for row in rows],
                [row.sent_at for row in rows],
                [row.message_id for row in rows],
            ],
        )


def delivery_finish_if_done(*, delivery_id: int) -> bool:
    """Done once no recipient is queued or being sent."""
    busy = Recipient.objects.filter(
        delivery_id=OuterRef("pk"), status__in=[Recipient.Status.QUEUED, Recipient.Status.SENDING]
    )
    return bool(
        Delivery.objects.filter(pk=delivery_id)
        .exclude(status=Delivery.Status.DONE)
        .exclude(Exists(busy))
        .update(status=Delivery.Status.DONE, finished_at=timezone.now())
    )


def _reopen(delivery_id: int) -> None:
    Delivery.objects.filter(pk=delivery_id).update(status=Delivery.Status.SENDING, finished_at=None)


def recipient_resend(*, order_id: int, partner: Partner, delivery_id: int, recipient_id: int) -> Recipient:
    """Send one recipient's code again (the same code), whatever became of the first message."""
    from bizshop.campaigns.tasks import recipients_send_task

    delivery = selectors.delivery_get(order_id=order_id, partner=partner, delivery_id=delivery_id)
    with transaction.atomic():
        recipient = Recipient.objects.select_for_update().filter(delivery=delivery, pk=recipient_id).first()
        if recipient is None:
            raise errors.RECIPIENT_NOT_FOUND()
        if recipient.name_sealed is None:
            raise errors.CONTACTS_ERASED()
        if recipient.status in (Recipient.Status.QUEUED, Recipient.Status.SENDING):
            raise errors.RECIPIENT_BUSY()
        recipient.status, recipient.attempts, recipient.last_error = Recipient.Status.QUEUED, 0, ""
        recipient.save(update_fields=["status", "attempts", "last_error"])
        _reopen(delivery.pk)
        transaction.on_commit(lambda: recipients_send_task.delay(delivery.pk, [recipient_id]))
    return recipient


def delivery_resend_failed(*, order_id: int, partner: Partner, delivery_id: int) -> int:
    """Queue every failed recipient (with contacts) of the delivery again; how many."""
    from bizshop.campaigns.tasks import recipients_send_task

    delivery = selectors.delivery_get(order_id=order_id, partner=partner, delivery_id=delivery_id)
    with transaction.atomic():
        ids = list(
            Recipient.objects.select_for_update()
            .filter(delivery=delivery, status=Recipient.Status.FAILED, name_sealed__isnull=False)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not ids:
            return 0
        Recipient.objects.filter(pk__in=ids).update(status=Recipient.Status.QUEUED, attempts=0, last_error="")
        _reopen(delivery.pk)
        batches = [ids[i : i + batch_size()] for i in range(0, len(ids), batch_size())]
        transaction.on_commit(lambda: [recipients_send_task.delay(delivery.pk, batch) for batch in batches])
    return len(ids)


def recipients_resume_stalled(*, now: datetime | None = None) -> int:
    """Rows claimed long ago by a worker that died before it reported back: queued and sent again."""
    from bizshop.campaigns.tasks import recipients_send_task

    cutoff = (now or timezone.now()) - SENDING_STALE_AFTER
    stalled = list(
        Recipient.objects.filter(status=Recipient.Status.SENDING, claimed_at__lt=cutoff).values_list(
            "delivery_id", "pk"
        )[:10_000]
    )
    by_delivery: dict[int, list[int]] = {}
    for delivery_id, pk in stalled:
        by_delivery.setdefault(delivery_id, []).append(pk)
    for delivery_id, ids in by_delivery.items():
        Recipient.objects.filter(pk__in=ids, status=Recipient.Status.SENDING).update(status=Recipient.Status.QUEUED)
        for i in range(0, len(ids), batch_size()):
            recipients_send_task.delay(delivery_id, ids[i : i + batch_size()])
    return len(stalled)


def delivery_contacts_erase_due(*, now: datetime | None = None) -> int:
    """Erase the contacts of deliveries whose order's last registration deadline was over 30 days
    ago: names, e-mail addresses and numbers become NULL, the rows (and counts) stay. How many
    deliveries were erased."""
    moment = now or timezone.now()
    last_deadline = (
        Issuance.objects.filter(order_id=OuterRef("order_id"))
        .order_by()
        .values("order_id")
        .annotate(last=Max("registration_deadline"))
        .values("last")
    )
    due = list(
        Delivery.objects.filter(contacts_erased_at__isnull=True)
        .alias(last_deadline=Subquery(last_deadline))
        .filter(last_deadline__lte=moment - CONTACTS_KEPT_FOR)
        .values_list("pk", flat=True)
    )
    for delivery_id in due:
        with transaction.atomic():
            Recipient.objects.filter(delivery_id=delivery_id).update(
                name_sealed=None, email_sealed=None, phone_sealed=None
            )
            Delivery.objects.filter(pk=delivery_id).update(contacts_erased_at=moment)
    return len(due)


def recipient_move_to_code(*, old_code_id: int, new_code_id: int) -> Recipient | None:
    """A misdirected code voided and replaced (codes app): its recipient now holds the new code.

    The recipient is not sent anything by this; ``recipient_resend`` sends the new code."""
    with transaction.atomic():
        recipient = (
            Recipient.objects.select_for_update(of=("self",))
            .select_related("delivery")
            .filter(code_id=old_code_id)
            .first()
        )
        if recipient is None:
            return None
        # DoesNotExist for an unknown code or one of another order; the unique index refuses a
        # code some other recipient holds.
        SerialCode.objects.get(pk=new_code_id, order_id=recipient.delivery.order_id)
        recipient.code_id = new_code_id
        recipient.save(update_fields=["code"])
    return recipient
