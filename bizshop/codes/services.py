"""Issuance of codes and their registration by end users."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import QuerySet
from django.utils import timezone

from bizshop.accounts.models import User
from bizshop.audit.models import AuditEvent
from bizshop.audit.services import audit_record
from bizshop.billing.models import Order
from bizshop.billing.selectors import order_get_for_partner
from bizshop.billing.services import order_mark_issued, order_reserve_issuance
from bizshop.codes import errors, export, export_store, selectors, throttle
from bizshop.codes import format as code_format
from bizshop.codes.crypto import get_keyring
from bizshop.codes.models import CodeExport, CodeExportDownload, CodeStatus, Issuance, Registration, SerialCode
from bizshop.codes.writer import write_codes, write_one_code
from bizshop.core.errors import ApplicationError
from bizshop.partners.models import Partner
from bizshop.webhooks.models import WebhookEndpoint, WebhookEvent
from bizshop.webhooks.services import webhook_emit

logger = logging.getLogger(__name__)


def issuance_start(*, order_id: int, partner: Partner, quantity: int | None = None) -> Issuance:
    """Reserve units of a paid order and queue the task that creates their codes."""
    from bizshop.codes.tasks import issuance_run_task

    with transaction.atomic():
        order, units = order_reserve_issuance(order_id=order_id, partner=partner, quantity=quantity)
        issuance = Issuance.objects.create(
            order=order,
            quantity=units,
            registration_deadline=timezone.now() + timedelta(days=settings.CODE_REGISTRATION_WINDOW_DAYS),
        )
        issuance_id = issuance.pk
        transaction.on_commit(lambda: issuance_run_task.delay(issuance_id))
    return issuance


def _issue_chunk(*, issuance_id: int, chunk_size: int) -> bool:
    """Create the next chunk of codes; True while more remain.

    The chunk's codes and the new ``issued_count`` commit together under the issuance's row
    lock, so a worker killed mid-chunk leaves nothing behind and a second worker on the same
    issuance waits instead of issuing twice.
    """
    with transaction.atomic():
        issuance = Issuance.objects.select_for_update().get(pk=issuance_id)
        if issuance.status in (Issuance.Status.COMPLETED, Issuance.Status.FAILED):
            return False
        remaining = issuance.quantity - issuance.issued_count
        if remaining == 0:
            issuance.status = Issuance.Status.COMPLETED
            issuance.completed_at = timezone.now()
            issuance.save(update_fields=["status", "completed_at", "progressed_at"])
            order_id = issuance.order_id
            order_mark_issued(
                order_id=order_id,
                every_code_written=lambda: (
                    not Issuance.objects.filter(
                        order_id=order_id, status__in=[Issuance.Status.QUEUED, Issuance.Status.RUNNING]
                    ).exists()
                ),
            )
            webhook_emit(
                partner_id=Order.objects.values_list("partner_id", flat=True).get(pk=issuance.order_id),
                event=WebhookEvent.ISSUANCE_COMPLETED,
                data={"issuance_id": issuance.pk, "order_id": issuance.order_id, "quantity": issuance.quantity},
            )
            return False
        count = min(chunk_size, remaining)
        write_codes(keyring=get_keyring(), order_id=issuance.order_id, issuance_id=issuance.pk, count=count)
        issuance.issued_count += count
        issuance.status = Issuance.Status.RUNNING
        issuance.save(update_fields=["issued_count", "status", "progressed_at"])
        return True


def issuance_run(*, issuance_id: int, chunk_size: int | None = None) -> Issuance:
    """Issue every code of the issuance; safe to run again after a crash, resumes where it stopped.

    Taking it up beats its heart (``progressed_at``), and so does every chunk committed: an
    issuance ``running`` whose heart stops has lost its worker (``issuance_resume_stalled``).
    """
    size = chunk_size or settings.CODE_ISSUANCE_CHUNK_SIZE
    Issuance.objects.filter(pk=issuance_id, status__in=[Issuance.Status.QUEUED, Issuance.Status.RUNNING]).update(
        status=Issuance.Status.RUNNING, progressed_at=timezone.now()
    )
    while _issue_chunk(issuance_id=issuance_id, chunk_size=size):
        pass
    return Issuance.objects.get(pk=issuance_id)


def code_register(*, user: User, raw_code: str, client_ip: str | None = None) -> Registration:
    """An end user registers a code: exactly once, whatever the concurrency.

    Failed attempts count against the account and the IP (``throttle``); past the limit
    every attempt is refused with ``too_many_attempts`` before the code is even read. Each
    attempt is counted before it is tried (one atomic step with the check) and taken back
    when it succeeds, so parallel guesses cannot slip past the limit. An account that signed
    up by itself registers once its e-mail address is verified (not counted: it is no guess).
    """
    if not user.email_verified:
        raise errors.EMAIL_NOT_VERIFIED()
    attempt = throttle.attempt_reserve(user_id=user.pk, client_ip=client_ip)
    if attempt.retry_after is not None:
        raise errors.TOO_MANY_ATTEMPTS(retry_after=attempt.retry_after)
    try:
        registration = _register(user=user, raw_code=raw_code)
    except ApplicationError:
        raise  # a refused code stays counted
    except BaseException:
        attempt.release()  # the shop failed, not the guess
        raise
    attempt.release()
    return registration


def code_preview(*, user: User, raw_code: str, client_ip: str | None = None) -> SerialCode:
    """The code a signed-in end user is about to register, with its emoticon (the page shows which
    one a code link is for). Throttled exactly like ``code_register``: telling an unknown code
    from a known one is a guess all the same, so a refusal stays counted; a registrable code is
    taken back. Refused with the errors its registration would meet."""
    if not user.email_verified:
        raise errors.EMAIL_NOT_VERIFIED()
    attempt = throttle.attempt_reserve(user_id=user.pk, client_ip=client_ip)
    if attempt.retry_after is not None:
        raise errors.TOO_MANY_ATTEMPTS(retry_after=attempt.retry_after)
    try:
        code = selectors.code_find(raw_code=raw_code)
        refusal = _status_refusal(code.status)
        if refusal is None and code.issuance.registration_deadline <= timezone.now():
            refusal = errors.REGISTRATION_PERIOD_OVER()
    except ApplicationError:
        raise
    except BaseException:
        attempt.release()
        raise
    if refusal is not None:
        raise refusal
    attempt.release()
    return code


def _register(*, user: User, raw_code: str) -> Registration:
    raw = code_format.normalize(raw_code)
    code = selectors.code_find(raw_code=raw)
    now = timezone.now()
    refusal = _status_refusal(code.status)
    if refusal is not None:
        raise refusal
    if code.issuance.registration_deadline <= now:
        raise errors.REGISTRATION_PERIOD_OVER()
    registration = Registration(
        code=code,
        user=user,
        emoticon=code.order.emoticon,  # already loaded with the code: the response needs its title
        period_days=code.order.period_days,
        registered_at=now,
        usage_expires_at=now + timedelta(days=code.order.period_days),
    )
    if connection.vendor == "postgresql" and not code.order.has_webhook_endpoints:  # type: ignore[attr-defined]
        if _register_in_one_statement(registration):
            return registration
        # Taken by a racer or voided, or else the partner added a webhook endpoint since code_find.
        refusal = _refusal(code)
        if refusal is not None:
            raise refusal
    with transaction.atomic():
        if _register_in_transaction(registration, display_code=code_format.display(raw)):
            return registration
    raise _refusal(code) or errors.CODE_ALREADY_REGISTERED()


def _status_refusal(status: str) -> ApplicationError | None:
    """The error a code in this status answers to a registration; None for an issued code."""
    if status == CodeStatus.VOIDED:
        return errors.CODE_VOIDED()
    if status == CodeStatus.REGISTERED:
        return errors.CODE_ALREADY_REGISTERED()
    if status == CodeStatus.EXPIRED:
        return errors.REGISTRATION_PERIOD_OVER()
    return None


def _refusal(code: SerialCode) -> ApplicationError | None:
    """After a lost gate, the error the code's committed status calls for; None if still issued."""
    return _status_refusal(SerialCode.objects.values_list("status", flat=True).get(pk=code.pk))


def _register_in_transaction(registration: Registration, *, display_code: str) -> bool:
    """The gate, the registration and the partner's webhook deliveries, in the caller's transaction."""
    code = registration.code
    # The conditional update is the gate: of N concurrent registrations one matches a row.
    won = SerialCode.objects.filter(pk=code.pk, status=CodeStatus.ISSUED).update(
        status=CodeStatus.REGISTERED, registered_at=registration.registered_at
    )
    if not won:
        return False
    webhook_emit(
        partner_id=code.order.partner_id,
        event=WebhookEvent.CODE_REGISTERED,
        data={
            "code": display_code,
            "order_id": code.order_id,
            "issuance_id": code.issuance_id,
            "registered_at": registration.registered_at,
        },
    )
    registration.save(force_insert=True)
    return True


_REGISTER_SQL = f"""
    WITH won AS (
        UPDATE {SerialCode._meta.db_table} SET status = %s, registered_at = %s
         WHERE id = %s AND status = %s
           AND NOT EXISTS (SELECT 1 FROM {WebhookEndpoint._meta.db_table}
                            WHERE partner_id = %s AND disabled_at IS NULL)
     RETURNING id
    )
    INSERT INTO {Registration._meta.db_table}
           (code_id, user_id, emoticon_id, period_days, registered_at, usage_expires_at)
    SELECT id, %s, %s, %s, %s, %s FROM won
    RETURNING id
"""  # noqa: S608 -- table names come from the models, every value is a parameter


def _register_in_one_statement(registration: Registration) -> bool:
    """The gate and the registration as one PostgreSQL statement, atomic without a transaction block.

    For the partners without webhook endpoints (most): the same conditional update as
    ``_register_in_transaction`` (a concurrent loser re-checks the row once the winner commits
    and matches nothing, so it inserts nothing), in one round trip instead of five (begin,
    update, endpoints, insert, commit) and without building the ORM's queries, which together
    were a third of a registration's time (bench/register_load.py). The update also requires
    that the partner still has no endpoint: one added since ``code_find`` leaves the code
    issued, and the caller goes the transaction's way, so the partner hears of it.
    """
    r = registration
    with connection.cursor() as cursor:
        cursor.execute(
            _REGISTER_SQL,
            [
                *(CodeStatus.REGISTERED.value, r.registered_at, r.code.pk, CodeStatus.ISSUED.value),
                r.code.order.partner_id,
                *(r.user.pk, r.emoticon.pk, r.period_days, r.registered_at, r.usage_expires_at),
            ],
        )
        row = cursor.fetchone()
    if row is None:
        return False
    r.pk = row[0]
    r._state.adding, r._state.db = False, connection.alias
    return True


def code_lookup(*, partner: Partner, raw_code: str) -> SerialCode:
    """A partner checks one of its own codes; another partner's code is 'not found'."""
    code = selectors.code_find(raw_code=raw_code)
    if code.order.partner_id != partner.pk:
        raise errors.CODE_NOT_FOUND()
    return code


def code_keys_rotate(*, batch_size: int = 50_000, progress: Callable[[int], None] | None = None) -> int:
    """Re-encrypt every code not under the newest key, a short transaction per batch.

    On PostgreSQL by the COPY path, resumable (``rotation.encryption_rotate``); below, the
    portable one for the embedded SQLite default.

    The shop keeps serving meanwhile: the blind index does not change, registrations only
    touch ``status``, and until the last batch commits the old keys still decrypt what is left.
    Returns how many codes were re-encrypted.
    """
    if connection.vendor == "postgresql":
        from bizshop.codes.rotation import encryption_rotate

        return encryption_rotate(batch_size=batch_size, progress=progress)
    keyring = get_keyring()
    current = keyring.current_key_id
    done = 0
    last_id = 0
    while True:
        with transaction.atomic():
            batch = list(
                SerialCode.objects.select_for_update()
                .filter(id__gt=last_id)
                .exclude(key_id=current)
                .order_by("id")
                .only("id", "key_id", "ciphertext")[:batch_size]
            )
            if not batch:
                return done
            for code in batch:
                code.key_id, code.ciphertext = keyring.encrypt(keyring.decrypt(code.key_id, code.ciphertext))
            SerialCode.objects.bulk_update(batch, ["key_id", "ciphertext"], batch_size=1_000)
        last_id = batch[-1].pk
        done += len(batch)
        if progress:
            progress(done)


def code_export_request(*, order_id: int, partner: Partner, file_format: str) -> CodeExport:
    """Queue a file of every code of the order (for orders too large to download at once)."""
    from bizshop.codes.tasks import code_export_build_task

    if file_format not in CodeExport.Format.values:
        raise errors.UNSUPPORTED_EXPORT_FORMAT(format=file_format)
    order = order_get_for_partner(partner=partner, order_id=order_id)
    with transaction.atomic():
        code_export = CodeExport.objects.create(order=order, format=file_format)
        export_id = code_export.pk
        transaction.on_commit(lambda: code_export_build_task.delay(export_id))
    return code_export


def code_export_build(*, export_id: int) -> CodeExport:
    """Write the export's file, encrypted (``export_store``); running it again for a ready export does nothing."""
    with transaction.atomic():
        code_export = CodeExport.objects.select_for_update().select_related("order").get(pk=export_id)
        if code_export.status == CodeExport.Status.READY:
            return code_export
        code_export.status = CodeExport.Status.RUNNING
        code_export.save(update_fields=["status"])
    order = code_export.order
    keyring = get_keyring()
    stored_name = export_store.new_name()
    try:
        if code_export.format == CodeExport.Format.XLSX:
            with export.xlsx_file(order=order) as handle:
                parts: Iterator[bytes] = iter(lambda: handle.read(1024 * 1024), b"")
                size = export_store.write(keyring=keyring, export_id=export_id, stored_name=stored_name, parts=parts)
        else:
            parts = export.csv_stream(order=order)
            size = export_store.write(keyring=keyring, export_id=export_id, stored_name=stored_name, parts=parts)
    except Exception:
        export_store.delete(stored_name)
        CodeExport.objects.filter(pk=export_id).update(status=CodeExport.Status.FAILED, finished_at=timezone.now())
        raise
    code_export.stored_name, code_export.key_id, code_export.size = stored_name, keyring.current_key_id, size
    code_export.status = CodeExport.Status.READY
    code_export.row_count = SerialCode.objects.filter(order=order).count()
    code_export.finished_at = timezone.now()
    code_export.save(update_fields=["stored_name", "key_id", "size", "status", "row_count", "finished_at"])
    return code_export


def code_export_download(
    *, code_export: CodeExport, user: User | None = None, api_key_id: int | None = None, ip: str = ""
) -> Iterator[bytes]:
    """The ready export's file, decrypted as it is read; who fetched it is recorded first (audit)."""
    if code_export.status != CodeExport.Status.READY:
        raise errors.EXPORT_NOT_READY(status=code_export.status)
    CodeExportDownload.objects.create(
        export=code_export,
        export_number=code_export.pk,
        order_id=code_export.order_id,
        user=user,
        api_key_id=api_key_id,
        ip=(ip or "")[:45],
    )
    return export_store.read(
        keyring=get_keyring(), key_id=code_export.key_id, export_id=code_export.pk, stored_name=code_export.stored_name
    )


EXPORT_KEPT_FOR = timedelta(days=7)


def code_exports_delete_for_orders(*, order_ids: list[int]) -> int:
    """Delete the orders' exports, and their files once the deletion commits (a partner's withdrawal).

    Returns how many exports were deleted.
    """
    return _code_exports_delete(CodeExport.objects.filter(order_id__in=order_ids))


def code_exports_delete_expired(*, now: datetime | None = None) -> int:
    """Delete the exports made more than ``EXPORT_KEPT_FOR`` ago and their files; returns how many."""
    return _code_exports_delete(CodeExport.objects.filter(created_at__lt=(now or timezone.now()) - EXPORT_KEPT_FOR))


def _code_exports_delete(exports: QuerySet[CodeExport]) -> int:
    with transaction.atomic():
        rows = list(exports.select_for_update().values_list("id", "stored_name"))
        CodeExport.objects.filter(id__in=[export_id for export_id, _ in rows]).delete()
        names = [name for _, name in rows if name]
        # A rolled-back deletion keeps its files; a committed one leaves none behind.
        transaction.on_commit(lambda: _delete_files(names))
    return len(rows)


def _delete_files(names: list[str]) -> None:
    for name in names:
        export_store.delete(name)


def registration_expire_due(*, now: datetime | None = None, batch_size: int = 10_000) -> int:
    """Mark registrations whose usage period has ended; returns how many were marked."""
    now = now or timezone.now()
    marked = 0
    while True:
        due = list(
            Registration.objects.filter(usage_expires_at__lte=now, usage_expired_marked_at__isnull=True).values_list(
                "id", flat=True
            )[:batch_size]
        )
        if not due:
            return marked
        marked += Registration.objects.filter(id__in=due, usage_expired_marked_at__isnull=True).update(
            usage_expired_marked_at=now
        )


def code_void(*, code_id: int, operator: User) -> SerialCode:
    """Operator: void one code (사용중지); an end user registering it then gets ``code_voided``.

    The same conditional update as registration decides between them: a code already
    registered stays registered (``code_already_registered``), a voided one is refused
    (``code_voided``). The audit row commits with the change.
    """
    from bizshop.backoffice.models import OperatorAction
    from bizshop.backoffice.services import operator_action_record, operator_require

    operator_require(operator=operator, permission="backoffice.void_codes")
    with transaction.atomic():
        voided = SerialCode.objects.filter(pk=code_id, status__in=[CodeStatus.ISSUED, CodeStatus.EXPIRED]).update(
            status=CodeStatus.VOIDED
        )
        code = SerialCode.objects.select_related("order").filter(pk=code_id).first()
        if code is None:
            raise errors.CODE_NOT_FOUND(code_id=code_id)
        if not voided:
            raise errors.CODE_VOIDED() if code.status == CodeStatus.VOIDED else errors.CODE_ALREADY_REGISTERED()
        operator_action_record(
            operator=operator,
            kind=OperatorAction.Kind.CODE_VOIDED,
            target=code,
            data={"order_id": code.order_id, "issuance_id": code.issuance_id, "partner_id": code.order.partner_id},
        )
    return code


@dataclass(frozen=True)
class CodeReplacement:
    """What ``code_void_and_replace`` did: the voided code and the one issued in its place."""

    voided: SerialCode
    voided_last_characters: str  # what the audit row, the webhook and the answer show of it
    replacement: SerialCode
    replacement_code: str  # the new code's plaintext (canonical form), for the partner to send again
    registration_deadline: datetime


# Called with (old code id, new code id) inside the replacement's transaction, after the swap: the
# campaigns app registers one (in its AppConfig.ready) to move a delivery recipient assigned to the
# voided code over to its replacement, so both commit or neither does. Codes imports no campaigns.
CodeReplacedHook = Callable[[int, int], None]
_code_replaced_hooks: list[CodeReplacedHook] = []


def code_replaced_hook_register(hook: CodeReplacedHook) -> None:
    """Another app asks to hear of every replacement (``code_void_and_replace``), in its transaction."""
    if hook not in _code_replaced_hooks:
        _code_replaced_hooks.append(hook)


def code_void_and_replace(*, order_id: int, partner: Partner, code: str, actor: User | None) -> CodeReplacement:
    """Partner: void a code of its order sent to the wrong person, and issue a replacement at once.

    The replacement belongs to the same tranche (Issuance), so it has the same registration
    deadline, and is written like every code (``writer``: format, encryption, blind index).

    Counts: an issuance's ``quantity``/``issued_count`` and the order's ``issued_quantity``
    count *units* bought and issued, not rows: the replacement takes over the unit of the code it
    replaces, so none of them moves and their check constraints (``issued_count <= quantity``,
    ``issued_quantity <= quantity``) hold whatever the number of replacements; nothing is billed
    twice. The replacement is counted in the tranche's own ``replaced_count`` instead: the tranche
    holds ``issued_count + replaced_count`` code rows, of each replaced pair one ``voided``; the
    campaign stats count rows that way, so ``issued = registered + expired_unregistered + voided +
    unregistered_open`` holds.

    The same conditional update as registration and ``code_void`` decides between a partner
    voiding and an end user registering the code at the same moment: exactly one matches the row
    still ``issued``. A code already registered is refused (``code_already_registered``), one
    already voided too (``code_voided``), one past its registration deadline gets no replacement
    (``registration_period_over``: it would be born expired). A code of another order, or of
    another partner's, is ``code_not_found`` (another partner's order: ``not_found``), as
    the lookups answer. The swap, the audit row, the ``code.voided`` webhook deliveries and what
    the registered hooks (``code_replaced_hook_register``) write commit together.
    """
    order = order_get_for_partner(partner=partner, order_id=order_id)
    found = selectors.code_find(raw_code=code)
    if found.order_id != order.pk:
        raise errors.CODE_NOT_FOUND()
    refusal = _status_refusal(found.status)
    if refusal is not None:
        raise refusal
    with transaction.atomic():
        # The lock each issuance chunk and ``issuance_void`` take: a tranche voided by an operator
        # meanwhile gets no fresh usable code (its status is read again under the lock).
        issuance = Issuance.objects.select_for_update().get(pk=found.issuance_id)
        if issuance.registration_deadline <= timezone.now():
            raise errors.REGISTRATION_PERIOD_OVER()
        voided = SerialCode.objects.filter(pk=found.pk, status=CodeStatus.ISSUED).update(status=CodeStatus.VOIDED)
        if not voided:
            raise _refusal(found) or errors.CODE_ALREADY_REGISTERED()
        replacement, plain = write_one_code(keyring=get_keyring(), order_id=order.pk, issuance_id=issuance.pk)
        Issuance.objects.filter(pk=issuance.pk).update(replaced_count=models.F("replaced_count") + 1)
        for hook in _code_replaced_hooks:
            hook(found.pk, replacement.pk)
        found.status = CodeStatus.VOIDED
        result = CodeReplacement(
            voided=found,
            # Found by the blind index of what the partner typed: that is the stored code.
            voided_last_characters=code_format.normalize(code)[-4:],
            replacement=replacement,
            replacement_code=plain,
            registration_deadline=issuance.registration_deadline,
        )
        audit_record(
            action=AuditEvent.Action.CODE_REPLACED,
            actor=actor,
            partner=partner,
            order_id=order.pk,
            issuance_id=issuance.pk,
            voided_code_id=found.pk,
            voided_last_characters=result.voided_last_characters,
            replacement_code_id=replacement.pk,
        )
        webhook_emit(
            partner_id=partner.pk,
            event=WebhookEvent.CODE_VOIDED,
            data={
                "order_id": order.pk,
                "issuance_id": issuance.pk,
                "voided": {"id": found.pk, "last_characters": result.voided_last_characters},
                "replacement": {
                    "id": replacement.pk,
                    "code": code_format.display(plain),
                    "registration_deadline": issuance.registration_deadline,
                },
            },
        )
    return result


def issuance_void(*, issuance_id: int, operator: User) -> int:
    """Operator: void every unregistered code of a completed tranche; returns how many were voided.

    Codes already registered stay with their users. A tranche still being issued is refused
    (``issuance_in_progress``): its later chunks would otherwise come out usable.
    """
    from bizshop.backoffice import errors as backoffice_errors
    from bizshop.backoffice.models import OperatorAction
    from bizshop.backoffice.services import operator_action_record, operator_require

    operator_require(operator=operator, permission="backoffice.void_codes")
    with transaction.atomic():
        # The issuance row lock is the one each issuance chunk takes: no chunk is written meanwhile.
        issuance = Issuance.objects.select_for_update().select_related("order").filter(pk=issuance_id).first()
        if issuance is None:
            raise errors.ISSUANCE_NOT_FOUND(issuance_id=issuance_id)
        if issuance.status != Issuance.Status.COMPLETED:
            raise backoffice_errors.ISSUANCE_IN_PROGRESS(issuance_id=issuance_id, status=issuance.status)
        voided = SerialCode.objects.filter(
            issuance_id=issuance_id, status__in=[CodeStatus.ISSUED, CodeStatus.EXPIRED]
        ).update(status=CodeStatus.VOIDED)
        registered = SerialCode.objects.filter(issuance_id=issuance_id, status=CodeStatus.REGISTERED).count()
        operator_action_record(
            operator=operator,
            kind=OperatorAction.Kind.ISSUANCE_VOIDED,
            target=issuance,
            data={
                "order_id": issuance.order_id,
                "partner_id": issuance.order.partner_id,
                "voided": voided,
                "registered_kept": registered,
            },
        )
    return voided


# A running issuance commits a chunk every second or so; silent this long, its worker is gone.
# With the sweep every 30 s (CELERY_BEAT_SCHEDULE) a dead worker is noticed within 50 s.
HEARTBEAT_STALE_AFTER = timedelta(seconds=20)
# A queued one may wait behind other tasks: only this long without a worker taking it up means
# its message was lost.
QUEUED_STALE_AFTER = timedelta(minutes=15)


def issuance_resume_stalled(*, now: datetime | None = None) -> list[int]:
    """Queue again the issuances that stopped moving (their worker died or their message was lost).

    Each is claimed by moving its ``progressed_at`` (a conditional update), so overlapping
    sweeps queue it once, and not again before it has had time to move. Safe even if the
    original is only slow: runs of one issuance take its row lock per chunk, so two workers
    share the remaining chunks and never issue a unit twice.
    """
    from bizshop.codes.tasks import issuance_run_task

    now = now or timezone.now()
    stale = models.Q(status=Issuance.Status.RUNNING, progressed_at__lt=now - HEARTBEAT_STALE_AFTER) | models.Q(
        status=Issuance.Status.QUEUED, progressed_at__lt=now - QUEUED_STALE_AFTER
    )
    stalled = []
    for issuance_id, progressed_at in Issuance.objects.filter(stale).values_list("id", "progressed_at"):
        if Issuance.objects.filter(stale, pk=issuance_id).update(progressed_at=now):
            logger.warning("issuance %s made no progress since %s: queued again", issuance_id, progressed_at)
            issuance_run_task.delay(issuance_id)
            stalled.append(issuance_id)
    return stalled
