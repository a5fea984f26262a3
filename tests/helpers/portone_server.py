"""A local stand-in for PortOne's V2 REST API, for tests that drive the real ``portone-server-sdk``.

It answers the calls the shop makes the way PortOne's published API does (the bodies are the
recorded examples in ``tests/fixtures/portone/``, whose shapes the SDK's own types accept):
``GET /payments/{id}``, ``POST /payments/{id}/cancel``, ``POST /payments/{id}/instant`` (a
virtual account), ``POST /payments/{id}/virtual-account/close``; errors as
``{"type": "PAYMENT_NOT_FOUND", "message": …}``. Every request body is checked against the SDK's
request type for that call (``contract_violations``): a field PortOne's document does not define
is a violation. It also signs webhooks the Standard Webhooks way, as PortOne does.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import json
import re
import threading
import time
import types
import typing
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from portone_server_sdk._generated.payment.cancel_payment_body import CancelPaymentBody
from portone_server_sdk._generated.payment.instant_payment_input import InstantPaymentInput

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "portone"
SECRET = "test-portone-api-secret"
STORE_ID = "store-4b8e2f6a-9c1d-4a7e-8b3f-6d2c9e5a1f84"
# A Standard Webhooks secret: whsec_ + base64 of the raw key.
WEBHOOK_SECRET = "whsec_" + base64.b64encode(b"bizshop-test-webhook-key-32bytes").decode()


def fixture(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    return loaded


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _dataclasses_in(annotation: Any) -> list[type]:
    """The dataclass types an annotation (Optional[X], list[X], Union[…]) may hold."""
    if dataclasses.is_dataclass(annotation) and isinstance(annotation, type):
        return [annotation]
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType, list):
        return [found for arg in typing.get_args(annotation) for found in _dataclasses_in(arg)]
    return []


def unknown_fields(body: Any, request_type: type, path: str = "") -> list[str]:
    """Fields of ``body`` that the SDK's request type (PortOne's document) does not define."""
    if isinstance(body, list):
        return [problem for item in body for problem in unknown_fields(item, request_type, path + "[]")]
    if not isinstance(body, dict) or not dataclasses.is_dataclass(request_type):
        return []
    hints = typing.get_type_hints(request_type)
    known = {_camel(f.name): hints[f.name] for f in dataclasses.fields(request_type)}
    problems = []
    for key, value in body.items():
        if key not in known:
            problems.append(f"{path}{key}")
            continue
        if key == "bypass":  # PG-specific parameters: free-form by definition
            continue
        for nested in _dataclasses_in(known[key]):
            problems += unknown_fields(value, nested, f"{path}{key}.")
    return problems


REQUEST_TYPES: dict[str, type] = {"cancel": CancelPaymentBody, "instant": InstantPaymentInput}


@dataclass
class Recorded:
    method: str
    path: str
    body: Any
    authorization: str


@dataclass
class FakePortOne:
    """PortOne's API for one test: ``payments`` by id, what was asked, how it should misbehave."""

    payments: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)
    contract_violations: list[str] = field(default_factory=list)
    stall_seconds: float = 0.0  # GET /payments/{id} answers this late (a PG timeout)
    refuse_cancel: bool = False
    fail_close: bool = False  # closing a virtual account answers 500 with an error PortOne does not document
    url: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    # --- the state of PortOne's payments ------------------------------------------------------
    def add_paid(self, payment_id: str, *, total: int, currency: str = "KRW", store_id: str = STORE_ID) -> None:
        payment = fixture("paid_payment")
        payment.update(id=payment_id, currency=currency, storeId=store_id)
        payment["amount"].update(total=total, paid=total, vat=None, supply=None)
        payment["amount"] = {k: v for k, v in payment["amount"].items() if v is not None}
        self.payments[payment_id] = payment

    def add_failed(self, payment_id: str, *, total: int) -> None:
        payment = fixture("failed_payment")
        payment.update(id=payment_id)
        payment["amount"]["total"] = total
        self.payments[payment_id] = payment

    def add_pay_pending(self, payment_id: str, *, total: int) -> None:
        payment = fixture("pay_pending_payment")
        payment.update(id=payment_id)
        payment["amount"]["total"] = total
        self.payments[payment_id] = payment

    def deposit(self, payment_id: str, *, amount: int | None = None) -> dict[str, Any]:
        """Money arrives on an issued virtual account: the payment becomes PAID, as PortOne's does."""
        payment = self.payments[payment_id]
        paid = amount if amount is not None else payment["amount"]["total"]
        payment.update(status="PAID", paidAt="2026-12-06T11:30:00Z", disputes=[])
        payment["amount"]["paid"] = paid
        return payment

    def status_of(self, payment_id: str) -> str:
        return str(self.payments[payment_id]["status"])

    def calls(self, method: str, suffix: str = "") -> list[Recorded]:
        return [r for r in self.requests if r.method == method and r.path.endswith(suffix)]

    # --- the HTTP side ----------------------------------------------------------------------
    def answer(self, method: str, path: str, body: Any, authorization: str) -> tuple[int, Any, float]:
        """(status, JSON body, seconds to wait first) for one request."""
        with self.lock:
            self.requests.append(Recorded(method, path, body, authorization))
            if authorization != f"PortOne {SECRET}":
                return 401, {"type": "UNAUTHORIZED", "message": "인증 정보가 올바르지 않습니다."}, 0.0
            match = re.fullmatch(r"/payments/([^/]+)(?:/(cancel|instant|virtual-account/close))?", path)
            if match is None:
                return 404, {"type": "INVALID_REQUEST", "message": f"no route {path}"}, 0.0
            payment_id, action = unquote(match.group(1)), match.group(2)
            if action in REQUEST_TYPES:
                for problem in unknown_fields(body, REQUEST_TYPES[action]):
                    self.contract_violations.append(f"{action}: {problem}")
            if method == "GET" and action is None:
                if payment_id not in self.payments:
                    return 404, fixture("error_payment_not_found"), self.stall_seconds
                return 200, self.payments[payment_id], self.stall_seconds
            if method == "POST" and action == "cancel":
                return self._cancel(payment_id, body)
            if method == "POST" and action == "instant":
                return self._issue(payment_id, body)
            if method == "POST" and action == "virtual-account/close":
                if self.fail_close:
                    return 500, {"type": "INTERNAL_SERVER_ERROR", "message": "일시적인 오류"}, 0.0
                payment = self.payments.get(payment_id)
                if payment is None:
                    return 404, fixture("error_payment_not_found"), 0.0
                if payment["status"] != "VIRTUAL_ACCOUNT_ISSUED":
                    return 409, {"type": "PAYMENT_NOT_WAITING_FOR_DEPOSIT", "message": "입금 대기 중이 아닙니다."}, 0.0
                payment["status"] = "CANCELLED"
                return 200, fixture("close_virtual_account_response"), 0.0
            return 405, {"type": "INVALID_REQUEST", "message": "method not allowed"}, 0.0

    def _cancel(self, payment_id: str, body: dict[str, Any]) -> tuple[int, Any, float]:
        payment = self.payments.get(payment_id)
        if payment is None:
            return 404, fixture("error_payment_not_found"), 0.0
        if payment["status"] == "CANCELLED":
            return 409, {"type": "PAYMENT_ALREADY_CANCELLED", "message": "이미 취소된 결제입니다."}, 0.0
        if payment["status"] != "PAID":
            return 409, {"type": "PAYMENT_NOT_PAID", "message": "결제가 완료되지 않았습니다."}, 0.0
        if self.refuse_cancel:
            return 400, fixture("error_pg_provider"), 0.0
        if "reason" not in body:
            return 400, {"type": "INVALID_REQUEST", "message": "reason is required"}, 0.0
        balance = payment["amount"]["paid"] - payment["amount"]["cancelled"]
        given = body.get("currentCancellableAmount")
        if given is not None and given != balance:
            return 409, {"type": "CANCELLABLE_AMOUNT_CONSISTENCY_BROKEN", "message": "취소 가능 잔액 불일치"}, 0.0
        response = fixture("cancel_payment_response")
        cancelled = body.get("amount", balance)
        response["cancellation"].update(totalAmount=cancelled, reason=body["reason"])
        payment["amount"]["cancelled"] += cancelled
        payment.update(status="CANCELLED", cancelledAt="2026-12-06T11:05:00Z", cancellations=[response["cancellation"]])
        return 200, response, 0.0

    def _issue(self, payment_id: str, body: dict[str, Any]) -> tuple[int, Any, float]:
        if payment_id in self.payments:
            return 409, {"type": "ALREADY_PAID", "message": "이미 결제된 결제 건입니다."}, 0.0
        account = body["method"]["virtualAccount"]
        payment = fixture("virtual_account_issued_payment")
        payment.update(id=payment_id, orderName=body["orderName"], currency=body["currency"])
        payment["amount"]["total"] = body["amount"]["total"]
        payment["method"].update(bank=account["bank"], expiredAt=account["expiry"]["dueDate"])
        payment["method"]["accountNumber"] = f"5621{len(self.payments):010d}"
        self.payments[payment_id] = payment
        return 200, fixture("pay_instantly_response"), 0.0

    # --- webhooks ---------------------------------------------------------------------------
    def webhook(
        self, payment_id: str, *, kind: str = "Transaction.Paid", secret: str = WEBHOOK_SECRET, webhook_id: str = ""
    ) -> tuple[bytes, dict[str, str]]:
        """A webhook as PortOne sends it: (body, headers), signed the Standard Webhooks way."""
        payment = self.payments[payment_id]
        body = json.dumps(
            {
                "type": kind,
                "timestamp": "2026-12-06T11:30:00.000Z",
                "data": {
                    "paymentId": payment_id,
                    "storeId": payment["storeId"],
                    "transactionId": payment["transactionId"],
                },
            }
        ).encode()
        return body, standard_webhook_headers(body, secret=secret, webhook_id=webhook_id or f"msg_{payment_id}_{kind}")


def standard_webhook_headers(
    body: bytes, *, secret: str, webhook_id: str, timestamp: int | None = None
) -> dict[str, str]:
    """webhook-id / webhook-timestamp / webhook-signature per standardwebhooks.com: v1, base64 of
    HMAC-SHA256 over "{id}.{timestamp}.{body}" keyed with the base64-decoded secret."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = hmac.new(key, f"{webhook_id}.{stamp}.".encode() + body, hashlib.sha256).digest()
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": stamp,
        "webhook-signature": "v1," + base64.b64encode(signed).decode(),
    }


def _handler(fake: FakePortOne) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw) if raw else None
            status, answer, delay = fake.answer(
                self.command, urlsplit(self.path).path, body, self.headers.get("Authorization", "")
            )
            if delay:
                time.sleep(delay)
            payload = json.dumps(answer).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (its timeout): as PortOne's answer would be lost

        do_GET = _serve
        do_POST = _serve

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def portone_server() -> Iterator[FakePortOne]:
    """Run the stand-in on a free local port for the duration of the block."""
    fake = FakePortOne()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    server.daemon_threads = True
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
