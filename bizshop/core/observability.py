"""Structured JSON logs with a request id, carried from the web request into Celery tasks."""

from __future__ import annotations

import contextvars
import json
import logging
import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from celery import signals
from django.http import HttpRequest, HttpResponse

REQUEST_ID_HEADER = "X-Request-ID"
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


class RequestIdMiddleware:
    """Take the caller's X-Request-ID when it is a sane token (else make one), log with it, echo it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request.request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex  # type: ignore[attr-defined]
        token = request_id.set(request.request_id)  # type: ignore[attr-defined]
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id.get()
            return response
        finally:
            request_id.reset(token)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        # django.request logs 4xx/5xx after the middleware has returned, with the request attached.
        record.request_id = getattr(getattr(record, "request", None), "request_id", None) or request_id.get()
        return True


class ExpectedClientErrorFilter(logging.Filter):
    """django.request logs every 4xx at WARNING; a refused code or a missing page is the shop working
    as designed (the registration bench wrote 2,590 such warnings in 20 s), so they become INFO and
    WARNING is left for what an operator should look at (5xx stay ERROR)."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if record.levelno == logging.WARNING and isinstance(status, int) and 400 <= status < 500:
            record.levelno, record.levelname = logging.INFO, "INFO"
            return logging.getLogger(record.name).isEnabledFor(logging.INFO)
        return True


# gunicorn's access log passes its atoms as the record's args; these become the JSON line's fields.
_ACCESS_FIELDS = {
    "h": "remote_addr",
    "m": "method",
    "U": "path",
    "s": "status",
    "B": "bytes",
    "M": "duration_ms",
    "a": "user_agent",
    "{x-request-id}o": "request_id",
}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request_id, exception; a gunicorn
    access line as fields (method, path, status, bytes, duration, the request id the app answered)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", request_id.get()),
        }
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            atoms = record.args
            for atom, field in _ACCESS_FIELDS.items():
                value = (
                    str(atoms[atom]) if atom in atoms or "{" in atom else "-"
                )  # gunicorn's atoms answer "-" if absent
                if value == "-":
                    continue
                entry[field] = int(value) if field in ("status", "bytes", "duration_ms") and value.isdigit() else value
            entry["message"] = f"{entry.get('method', '')} {entry.get('path', '')} {entry.get('status', '')}".strip()
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


# Celery: the id travels in the task message's headers and is restored around the task.
@signals.before_task_publish.connect
def _send_request_id(headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
    if headers is not None and request_id.get() != "-":
        headers["bizshop_request_id"] = request_id.get()


_task_tokens: dict[str, contextvars.Token[str]] = {}


@signals.task_prerun.connect
def _restore_request_id(task_id: str | None = None, task: Any = None, **kwargs: Any) -> None:
    incoming = getattr(getattr(task, "request", None), "bizshop_request_id", None)
    if incoming and task_id:
        _task_tokens[task_id] = request_id.set(str(incoming))


@signals.task_postrun.connect
def _forget_request_id(task_id: str | None = None, **kwargs: Any) -> None:
    token = _task_tokens.pop(task_id or "", None)
    if token is not None:
        request_id.reset(token)
