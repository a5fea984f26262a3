"""A local stand-in for Popbill and its Linkhub token server, for tests of the Popbill transmitter
through the real ``popbill`` SDK.

It answers the paths, headers and JSON bodies the SDK sends (``tests/fixtures/popbill/``): the
Linkhub token (HMAC-checked with the secret key), 즉시발행 (``POST /Taxinvoice``, ISSUE), 초대량
발행 (BULKISSUE with ``x-pb-submit-id``) and its result, getInfo and getInfos. It keeps the
invoices it issued by document number (mgtKey), refuses a number already in use, and lets a
test script failures (``fail_next``) and the NTS's verdict (``nts_file``).

``redirect_sdk_transport(server)`` points the SDK's HTTPS connections (popbill.base and
linkhub.linkhub create them with ``http.client.HTTPSConnection(host)``) at this server over plain
HTTP; nothing else of the SDK is replaced.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import threading
import time
import types
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "popbill"


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


ERRORS = fixture("errors.json")


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: Any

    @property
    def action(self) -> str:
        return self.headers.get("x-http-method-override", "")


@dataclass
class Failure:
    """Answer the next request matching ``action``/``path_prefix`` with this instead."""

    action: str
    path_prefix: str
    status: int
    body: Any = None
    raw: str | None = None
    # Do the real work first, then answer with the failure (a lost answer).
    after_processing: bool = False


@dataclass
class PopbillState:
    link_id: str
    secret_key: str
    invoices: dict[str, dict[str, Any]] = field(default_factory=dict)
    bulk: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)  # mgtKey → the NTS's error code
    refuse_issue: dict[str, str] = field(default_factory=dict)  # mgtKey → errors.json case at issuance
    delays: list[tuple[str, float]] = field(default_factory=list)  # (action, seconds) before answering
    sequence: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class FakePopbill:
    def __init__(self, *, link_id: str, secret_key: str) -> None:
        self.state = PopbillState(link_id=link_id, secret_key=secret_key)
        handler = type("Handler", (_Handler,), {"state": self.state})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self) -> FakePopbill:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)

    # What tests script and read ------------------------------------------------------------------

    def fail_next(self, name: str, *, action: str = "", path_prefix: str = "/Taxinvoice", lost: bool = False) -> None:
        """The next matching request gets the error ``name`` of errors.json; with ``lost`` the
        request is carried out first and only its answer is the error."""
        error = ERRORS[name]
        self.state.failures.append(
            Failure(
                action=action,
                path_prefix=path_prefix,
                status=error["status"],
                body=error.get("body"),
                raw=error.get("raw"),
                after_processing=lost,
            )
        )

    def delay_next(self, seconds: float, *, action: str) -> None:
        """The next request with ``action`` is carried out, but answered only after ``seconds``."""
        self.state.delays.append((action, seconds))

    def refuse_issue(self, mgt_key: str, name: str = "invalid_invoicer_corp_num") -> None:
        """Issuing ``mgt_key`` (alone or in a batch) is refused with the errors.json case ``name``."""
        self.state.refuse_issue[mgt_key] = name

    def nts_file(self) -> None:
        """The NTS's verdict on everything issued: confirmed (304), or refused (305) where
        ``refuse_at_nts`` said so."""
        with self.state.lock:
            for key, info in self.state.invoices.items():
                if info["stateCode"] == 300:
                    code = self.state.refuse.get(key)
                    info["stateCode"] = 305 if code else 304
                    info["ntssendErrCode"] = code or "SUC001"
                    info["ntsresult"] = "전송실패" if code else "전송완료"
                    info["stateMemo"] = "공급자 사업자등록번호 오류" if code else None

    def refuse_at_nts(self, mgt_key: str, code: str = "ERR001") -> None:
        self.state.refuse[mgt_key] = code

    def requests(self, *, action: str | None = None, path: str | None = None) -> list[Recorded]:
        return [
            r
            for r in self.state.requests
            if (action is None or r.action == action) and (path is None or r.path.startswith(path))
        ]

    @property
    def invoices(self) -> dict[str, dict[str, Any]]:
        return self.state.invoices


class _Handler(BaseHTTPRequestHandler):
    state: PopbillState

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def _handle(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        headers = {k.lower(): v for k, v in self.headers.items()}
        record = Recorded(method=method, path=self.path, headers=headers, body=body)
        with self.state.lock:
            self.state.requests.append(record)
            failure = self._failure_for(record)
            delay = next((d for d in self.state.delays if d[0] == record.action), None)
            if delay is not None:
                self.state.delays.remove(delay)
        if failure is not None and not failure.after_processing:
            self._fail(failure)
            return
        status, answer = self._route(record, raw)
        if delay is not None:
            time.sleep(delay[1])
        if failure is not None:
            self._fail(failure)
            return
        self._send(status, answer)

    def _failure_for(self, record: Recorded) -> Failure | None:
        for failure in self.state.failures:
            if record.path.startswith(failure.path_prefix) and (not failure.action or failure.action == record.action):
                self.state.failures.remove(failure)
                return failure
        return None

    def _fail(self, failure: Failure) -> None:
        if failure.raw is not None:
            data = failure.raw.encode()
            self.send_response(failure.status)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        else:
            self._send(failure.status, failure.body)

    def _send(self, status: int, answer: Any) -> None:
        data = json.dumps(answer, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    # Routes --------------------------------------------------------------------------------------

    def _route(self, r: Recorded, raw: bytes) -> tuple[int, Any]:
        path = r.path.split("?", 1)[0]
        if r.method == "POST" and path.endswith("/Token"):
            return self._token(r, raw, service_id=path.strip("/").split("/")[0])
        if not r.headers.get("authorization", "").startswith("Bearer "):
            return 401, {"code": -10000034, "message": "인증 토큰이 입력되지 않았습니다."}
        if r.method == "POST" and path == "/Taxinvoice" and r.action == "ISSUE":
            return self._issue(r.body)
        if r.method == "POST" and path == "/Taxinvoice" and r.action == "BULKISSUE":
            return self._bulk_submit(r, raw)
        if r.method == "GET" and path.startswith("/Taxinvoice/BULK/") and path.endswith("/State"):
            return self._bulk_result(path.split("/")[3])
        if r.method == "GET" and path.startswith("/Taxinvoice/SELL/"):
            return self._info(path.split("/")[3])
        if r.method == "POST" and path == "/Taxinvoice/SELL":
            return self._infos(r.body)
        return 404, {"code": -99999999, "message": f"no route {r.method} {path}"}

    def _token(self, r: Recorded, raw: bytes, *, service_id: str) -> tuple[int, Any]:
        # linkhub.Token.get: HMAC-SHA256 (key: base64 secret) over method, body digest, date,
        # version and path, sent as "LINKHUB <LinkID> <signature>".
        target = "\n".join(
            [
                "POST",
                base64.b64encode(hashlib.sha256(raw).digest()).decode(),
                r.headers.get("x-lh-date", ""),
                r.headers.get("x-lh-version", ""),
                r.path,
            ]
        )
        expected = base64.b64encode(
            hmac.new(base64.b64decode(self.state.secret_key), target.encode(), hashlib.sha256).digest()
        ).decode()
        if r.headers.get("authorization") != f"LINKHUB {self.state.link_id} {expected}":
            return 401, {"code": -99999999, "message": "링크허브 인증에 실패했습니다."}
        token = fixture("token_response.json")
        token.update(serviceID=service_id, linkID=self.state.link_id, scope=r.body["scope"])
        return 200, token

    def _register(self, doc: dict[str, Any]) -> tuple[int, Any]:
        key = doc.get("invoicerMgtKey") or ""
        if key in self.state.refuse_issue:
            error = ERRORS[self.state.refuse_issue[key]]
            return error["status"], error["body"]
        if key in self.state.invoices:
            error = ERRORS["mgtkey_in_use"]
            return error["status"], error["body"]
        corp_num = str(doc.get("invoicerCorpNum") or "")
        if len(corp_num) != 10 or not corp_num.isdigit():
            error = ERRORS["invalid_invoicer_corp_num"]
            return error["status"], error["body"]
        self.state.sequence += 1
        confirm = f"20260405{corp_num[:8]}{self.state.sequence:08d}"
        info = fixture("get_info_response.json")
        info.update(
            itemKey=f"0260405{self.state.sequence:011d}",
            invoicerMgtKey=key,
            invoicerCorpNum=corp_num,
            invoicerCorpName=doc.get("invoicerCorpName"),
            invoiceeCorpNum=doc.get("invoiceeCorpNum"),
            invoiceeCorpName=doc.get("invoiceeCorpName"),
            writeDate=doc.get("writeDate"),
            supplyCostTotal=doc.get("supplyCostTotal"),
            taxTotal=doc.get("taxTotal"),
            purposeType=doc.get("purposeType"),
            modifyCode=doc.get("modifyCode"),
            stateCode=300,
            ntsconfirmNum=confirm,
            ntsresult=None,
            ntssendErrCode=None,
            stateMemo=None,
        )
        info["_document"] = doc
        self.state.invoices[key] = info
        return 200, {"code": 1, "message": "발행 완료", "ntsConfirmNum": confirm}

    def _issue(self, doc: dict[str, Any]) -> tuple[int, Any]:
        with self.state.lock:
            return self._register(doc)

    def _bulk_submit(self, r: Recorded, raw: bytes) -> tuple[int, Any]:
        digest = base64.b64encode(hashlib.sha1(raw).digest()).decode()  # the SDK sends SHA-1
        if r.headers.get("x-pb-message-digest") != digest:
            return 400, {"code": -99999999, "message": "메시지 다이제스트가 일치하지 않습니다."}
        submit_id = r.headers.get("x-pb-submit-id", "")
        with self.state.lock:
            if submit_id in self.state.bulk:  # the same submission again: the first answer
                return 200, {"code": 1, "message": "접수 완료", "receiptID": self.state.bulk[submit_id]["receiptID"]}
            results = []
            for doc in r.body["invoices"]:
                status, answer = self._register(doc)
                info = self.state.invoices.get(doc["invoicerMgtKey"], {})
                results.append(
                    {
                        "invoicerMgtKey": doc["invoicerMgtKey"],
                        "trusteeMgtKey": None,
                        "code": answer["code"],
                        "message": answer["message"],
                        "ntsconfirmNum": answer.get("ntsConfirmNum") or info.get("ntsconfirmNum"),
                        "issueDT": "20260405000602" if status == 200 else None,
                    }
                )
            result = fixture("bulk_result_response.json")
            result.update(
                submitID=submit_id,
                submitCount=len(results),
                successCount=sum(1 for item in results if item["code"] == 1),
                failCount=sum(1 for item in results if item["code"] != 1),
                receiptID=f"02204{len(self.state.bulk) + 1:013d}",
                issueResult=results,
            )
            self.state.bulk[submit_id] = result
        return 200, {"code": 1, "message": "접수 완료", "receiptID": result["receiptID"]}

    def _bulk_result(self, submit_id: str) -> tuple[int, Any]:
        with self.state.lock:
            result = self.state.bulk.get(submit_id)
        if result is None:
            return 400, {"code": -99999999, "message": "접수 정보가 존재하지 않습니다."}
        return 200, result

    def _public(self, info: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in info.items() if not k.startswith("_")}

    def _info(self, key: str) -> tuple[int, Any]:
        with self.state.lock:
            info = self.state.invoices.get(key)
        if info is None:
            error = ERRORS["mgtkey_not_found"]
            return error["status"], error["body"]
        return 200, self._public(info)

    def _infos(self, keys: list[str]) -> tuple[int, Any]:
        if len(keys) > 1000:
            return 400, {"code": -99999999, "message": "최대 1000건까지 조회할 수 있습니다."}
        with self.state.lock:
            return 200, [self._public(self.state.invoices[key]) for key in keys if key in self.state.invoices]


@contextmanager
def redirect_sdk_transport(server: FakePopbill) -> Iterator[None]:
    """The SDK's HTTPS connections (to Popbill's and Linkhub's hosts) go to ``server`` instead,
    over plain HTTP; the SDK's service singleton starts afresh (no connection or token cached
    from another test's server)."""
    import linkhub.linkhub  # type: ignore[import-untyped]
    import popbill.base  # type: ignore[import-untyped]

    def connection(host: str, *args: Any, **kwargs: Any) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)

    shim = types.SimpleNamespace(HTTPSConnection=connection, HTTPConnection=connection)
    saved = popbill.base.httpclient, linkhub.linkhub.httpclient
    popbill.base.httpclient = shim
    linkhub.linkhub.httpclient = shim
    popbill.base.Singleton._instances.clear()
    try:
        yield
    finally:
        popbill.base.httpclient, linkhub.linkhub.httpclient = saved
        popbill.base.Singleton._instances.clear()
