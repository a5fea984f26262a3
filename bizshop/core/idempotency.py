"""``Idempotency-Key`` for API POSTs: the same key and body get the first response again.

The first request claims the key by inserting its row (a unique constraint decides among
concurrent ones); the others wait for its response and replay it. A request that crashed
releases its key so that the client may retry.
"""

from __future__ import annotations

import functools
import hashlib
import time
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from rest_framework.request import Request
from rest_framework.response import Response

from bizshop.core.errors import ApplicationError, ErrorCode
from bizshop.core.models import IdempotencyRecord

HEADER = "HTTP_IDEMPOTENCY_KEY"
WAIT_SECONDS = 30.0
POLL_SECONDS = 0.05

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
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(scope=scope, key=key, request_fingerprint=fingerprint)
        except IntegrityError:
            return _wait_and_replay(scope, key, fingerprint)
        try:
            response = view_method(self, request, *args, **kwargs)
        except ApplicationError as exc:
            if exc.status == 429:  # a refusal to try now is not an answer to keep
                record.delete()
                raise
            response = Response(exc.as_dict(), status=exc.status)
        except BaseException:
            record.delete()
            raise
        if response.status_code >= 500:
            record.delete()
            return response
        record.status_code = response.status_code
        record.response_body = response.data
        record.save(update_fields=["status_code", "response_body"])
        return response

    wrapper.honours_idempotency_key = True  # type: ignore[attr-defined]  # read by the OpenAPI schema
    return wrapper


def _wait_and_replay(scope: str, key: str, fingerprint: str) -> Response:
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        record = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
        if record is None:
            raise IDEMPOTENCY_KEY_IN_PROGRESS()  # the first request failed; the client may retry
        if record.request_fingerprint != fingerprint:
            raise IDEMPOTENCY_KEY_REUSED()
        if record.status_code is not None:
            return _replay(record, fingerprint)
        if time.monotonic() > deadline:
            raise IDEMPOTENCY_KEY_IN_PROGRESS()
        time.sleep(POLL_SECONDS)
