"""``Idempotency-Key`` for API POSTs: the same key and body get the first response again.

The key is claimed, the request's effect made and its response stored in one transaction, so a
committed effect always has its answer: a connection that dies after the commit leaves an
answered key, and one that dies before it leaves neither effect nor key, so a retry is always
either replayed or run afresh (never told "in progress" for the 24 hours a key is kept).
Concurrent requests with the same key queue on the key's unique index: the second one's INSERT
waits for the first transaction and, once it commits, replays its answer.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from rest_framework.request import Request
from rest_framework.response import Response

from bizshop.core.errors import ApplicationError, ErrorCode
from bizshop.core.models import IdempotencyRecord

HEADER = "HTTP_IDEMPOTENCY_KEY"

IDEMPOTENCY_KEY_REUSED = ErrorCode(
    "idempotency_key_reused", 422, _("같은 Idempotency-Key 로 다른 요청을 보낼 수 없습니다.")
)
IDEMPOTENCY_KEY_IN_PROGRESS = ErrorCode(
    "idempotency_key_in_progress", 409, _("같은 Idempotency-Key 요청이 아직 처리 중입니다.")
)
INVALID_IDEMPOTENCY_KEY = ErrorCode("invalid_idempotency_key", 422, _("Idempotency-Key 는 1~255자여야 합니다."))


def _scope(request: Request) -> str:
    partner = getattr(request.auth, "partner", None)
    if partner is not None:
        return f"partner:{partner.pk}"
    return f"user:{request.user.pk}"


def _fingerprint(request: Request) -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode() if request.method else b"")
    digest.update(request.path.encode())
    digest.update(b"\0")
    digest.update(request.body)
    return digest.hexdigest()


def _replay(record: IdempotencyRecord, fingerprint: str) -> Response:
    if record.request_fingerprint != fingerprint:
        raise IDEMPOTENCY_KEY_REUSED()
    response = Response(record.response_body, status=record.status_code)
    response["Idempotent-Replayed"] = "true"
    return response


def idempotent(view_method: Callable[..., Response]) -> Callable[..., Response]:
    @functools.wraps(view_method)
    def wrapper(self: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = request.META.get(HEADER)
        if key is None:
            return view_method(self, request, *args, **kwargs)
        if not 1 <= len(key) <= 255:
            raise INVALID_IDEMPOTENCY_KEY()
        scope, fingerprint = _scope(request), _fingerprint(request)
        for _attempt in range(3):
            record = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
            if record is not None:
                if record.status_code is not None:
                    return _replay(record, fingerprint)
                if record.request_fingerprint != fingerprint:
                    raise IDEMPOTENCY_KEY_REUSED()
                # Claimed and never answered: only a version that committed the answer apart from
                # the effect left such a key behind. Its client was never told anything, so the
                # request runs again rather than being refused for a day.
                record.delete()
            response = _run_claimed(view_method, self, request, args, kwargs, scope, key, fingerprint)
            if response is not None:
                return response
            # Another request with this key committed first: its answer is there now.
        raise IDEMPOTENCY_KEY_IN_PROGRESS()

    wrapper.honours_idempotency_key = True  # type: ignore[attr-defined]  # read by the OpenAPI schema
    return wrapper


def _run_claimed(
    view_method: Callable[..., Response],
    view: Any,
    request: Request,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    scope: str,
    key: str,
    fingerprint: str,
) -> Response | None:
    """Claim the key, run the view and store its answer in one transaction; None if the key was taken."""
    refusal: ApplicationError | None = None
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(scope=scope, key=key, request_fingerprint=fingerprint)
        except IntegrityError:
            return None
        try:
            response = view_method(view, request, *args, **kwargs)
        except ApplicationError as exc:
            if exc.status == 429:  # a refusal to try now is not an answer to keep
                refusal = exc
            else:
                response = Response(exc.as_dict(), status=exc.status)
        # Any other exception rolls the whole transaction back: the effect and the key together.
        if refusal is not None or response.status_code >= 500:
            record.delete()  # nothing to replay; what the view committed stays, as without a key
        else:
            record.status_code = response.status_code
            record.response_body = response.data
            record.save(update_fields=["status_code", "response_body"])
    if refusal is not None:
        raise refusal
    return response
