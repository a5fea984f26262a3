"""Popbill (팝빌, Linkhub) as the e-invoicing provider: 전자세금계산서 즉시발행 through the
``popbill`` SDK, which signs with the supplier's 공동인증서 registered on Popbill and files with
the NTS (국세청 전송) by itself.

- ``transmit``: ``registIssue`` (즉시발행) of one invoice, its ``invoicerMgtKey`` (문서번호) being our
  invoice number. A retry after a lost answer finds the number taken: on any refusal the adapter
  asks ``getInfo`` for that number, and an invoice Popbill already holds under it counts as issued
  (no second one). Amendments (수정세금계산서) carry ``modifyCode`` and ``orgNTSConfirmNum``.
- ``transmit_many``: up to 100 invoices per ``bulkSubmit`` (초대량 발행) under a ``submitID`` derived
  from the invoice numbers (the same batch resubmitted gets the same ID, which Popbill
  deduplicates), then ``getBulkResult`` until Popbill has processed it.
- ``statuses``: ``getInfos`` (up to 1,000 numbers per call): Popbill's ``stateCode`` and the NTS
  approval number (``ntsconfirmNum``); 304 is confirmed by the NTS, 305 refused
  (``ntssendErrCode``), 600 cancelled.

Settings: ``POPBILL_LINK_ID``, ``POPBILL_SECRET_KEY``, ``POPBILL_IS_TEST`` and ``POPBILL_CORP_NUM``
(the Popbill member's 사업자등록번호; empty: the supplier's on each invoice).

Error codes, from the SDK and Popbill's published error table (전자세금계산서 오류코드, API 응답코드):
Popbill answers ``{"code": <negative 8 digits>, "message": "..."}`` with a non-200 status.

=====================  =========  ============================================================
code                   class      meaning
=====================  =========  ============================================================
(no code)              retry      network error, timeout, connection reset, a non-JSON answer
                                  (a proxy's 502/503/504 page): the SDK raises no
                                  PopbillException for these
-99999999              retry      generic failure (also the SDK's own message for empty input,
                                  which this adapter never sends)
-10000032, -10000033   retry      token generation/interpretation failed (Linkhub auth server)
-11000001              retry      "unable to process the request" (server side, temporary)
-990xxxxx              final      points (포인트) errors, e.g. exhausted: an operator tops up,
                                  then clears the refusal (admin action)
-100xxxxx (others)     final      Popbill member/partner errors (LinkID unknown, member not
                                  joined, IP not allowed, …)
-110xxxxx (others)     final      invoice validation: -11001014 invalid supplier 등록번호,
                                  -11001009 invalid modifyCode, -11001010 amendment amounts …;
                                  certificate not registered/expired (공동인증서)
-11000005              (lookup)   document number (mgtKey) not found: getInfo's "no such
                                  invoice", i.e. the refusal of registIssue stands
other negative codes   final      recorded for an operator rather than retried forever
=====================  =========  ============================================================

A document number already in use has its own -110* code; the adapter relies on no particular
code for it (the published table was not at hand to pin it down): after any refusal that is not
retryable it asks getInfo, and only when Popbill holds no invoice under the number (-11000005)
is the refusal recorded. Each call has a timeout (``timeout``, 30 s; the SDK sets none), except
the Linkhub token request, whose connection the SDK creates per call.

NTS results (``stateCode`` from getInfo/getInfos): 300 발행완료, 301 전송 대기, 302 전송중,
303 전송 결과 대기, 304 전송성공 (confirmed), 305 전송실패 (refused: ``ntssendErrCode`` such as
ERR001 unregistered supplier, SYN002 signature error), 600 발행취소.

The SDK's service object is a process-wide singleton with one HTTP connection; calls are
serialized by a lock here (Celery's prefork workers are separate processes anyway).
"""

from __future__ import annotations

import hashlib
import http.client
import logging
import threading
import time
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from bizshop.invoices.transmitters.base import (
    BatchOutcome,
    NtsInvoice,
    ProviderStatus,
    TransmissionFailed,
    TransmissionReceipt,
    TransmissionRejected,
)

logger = logging.getLogger(__name__)

KST = ZoneInfo("Asia/Seoul")
MGT_KEY_TYPE = "SELL"  # 정발행: we are the supplier (공급자)
BATCH_SIZE = 100  # bulkSubmit's documented maximum per submission
POLL_SIZE = 1000  # getInfos' documented maximum per call
# 수정사유 (Popbill's modifyCode, NTS code 0n): 1 기재사항의 착오·정정, 2 공급가액 변동, 3 환입,
# 4 계약의 해제, 5 내국신용장 사후개설, 6 착오에 의한 이중발급.
MODIFY_CODES = {"계약의 해제": 4}

RETRYABLE_CODES = frozenset({-99999999, -10000032, -10000033, -11000001})
MGTKEY_NOT_FOUND = -11000005
STATE_CONFIRMED = "304"
STATE_REFUSED = "305"
STATE_CANCELLED = "600"
# Issued by Popbill (signed and registered), whatever the NTS says later.
ISSUED_STATES = frozenset({"300", "301", "302", "303", "304", "305"})

_lock = threading.RLock()


def is_retryable(code: int) -> bool:
    return code in RETRYABLE_CODES


def _failure(exc: BaseException, *, what: str) -> TransmissionFailed:
    """A retryable ``TransmissionFailed`` or a final ``TransmissionRejected`` for what the SDK raised."""
    from popbill import PopbillException  # type: ignore[import-untyped]

    if isinstance(exc, PopbillException):
        code = int(exc.code)
        if is_retryable(code):
            return TransmissionFailed(f"Popbill {what}: {code} {exc.message}")
        return TransmissionRejected(str(code), str(exc.message))
    return TransmissionFailed(f"Popbill {what}: {type(exc).__name__}: {exc}")


# What a call can raise besides PopbillException: the network, a broken or non-JSON answer.
TRANSPORT_ERRORS: tuple[type[BaseException], ...] = (OSError, http.client.HTTPException, ValueError, AttributeError)


def _amount(value: int) -> str:
    return str(int(value))


def taxinvoice_fields(invoice: NtsInvoice, *, corp_num: str) -> dict[str, Any]:
    """The Popbill ``Taxinvoice`` document for an invoice (field names: Popbill's Taxinvoice)."""
    fields: dict[str, Any] = {
        "writeDate": f"{invoice.write_date:%Y%m%d}",
        "chargeDirection": "정과금",
        "issueType": "정발행",
        "purposeType": invoice.receipt_mark or "영수",
        "taxType": "과세",
        "invoicerCorpNum": corp_num,
        "invoicerMgtKey": invoice.invoice_number,
        "invoicerCorpName": invoice.supplier.name,
        "invoicerCEOName": invoice.supplier.representative,
        "invoicerAddr": invoice.supplier.address,
        "invoiceeType": "사업자",
        "invoiceeCorpNum": invoice.recipient.registration_number,
        "invoiceeCorpName": invoice.recipient.name,
        "invoiceeCEOName": invoice.recipient.representative,
        "invoiceeAddr": invoice.recipient.address,
        "invoiceeEmail1": invoice.recipient.email,
        "supplyCostTotal": _amount(invoice.supply_amount),
        "taxTotal": _amount(invoice.vat_amount),
        "totalAmount": _amount(invoice.total_amount),
        "detailList": [
            {
                "serialNum": position,
                "purchaseDT": f"{line.supply_date:%Y%m%d}",
                "itemName": line.item,
                "qty": str(line.quantity),
                "unitCost": _amount(line.unit_price),
                "supplyCost": _amount(line.supply_amount),
                "tax": _amount(line.vat_amount),
            }
            for position, line in enumerate(invoice.lines, start=1)
        ],
    }
    if invoice.kind == "amended":
        fields["modifyCode"] = MODIFY_CODES.get(invoice.amendment_reason, 4)
        fields["orgNTSConfirmNum"] = invoice.original_approval_number
    return fields


def submit_id(invoice_numbers: list[str]) -> str:
    """The same batch gets the same ID (Popbill answers a resubmission with the first result)."""
    digest = hashlib.sha256(",".join(sorted(invoice_numbers)).encode()).hexdigest()
    return f"bizshop-{digest[:28]}"


def _parse_dt(value: str | None) -> datetime:
    """Popbill's yyyyMMddHHmmss (Asia/Seoul), or now."""
    if value:
        try:
            return datetime.strptime(str(value)[:14], "%Y%m%d%H%M%S").replace(tzinfo=KST)
        except ValueError:
            pass
    return timezone.now()


class PopbillTransmitter:
    """``INVOICE_TRANSMITTER=popbill``."""

    name = "popbill"
    batch_size = BATCH_SIZE
    poll_size = POLL_SIZE
    # getBulkResult: how often and how long to wait for Popbill to process a bulk submission.
    bulk_poll_interval = 1.0
    bulk_poll_attempts = 30
    # Seconds a Popbill call may take (the SDK sets none): a hung call must not hold the rows.
    timeout = 30.0

    def __init__(self) -> None:
        from popbill import TaxinvoiceService  # type: ignore[import-untyped]

        link_id = settings.POPBILL_LINK_ID
        secret_key = settings.POPBILL_SECRET_KEY
        if not link_id or not secret_key:
            raise ImproperlyConfigured("INVOICE_TRANSMITTER=popbill needs POPBILL_LINK_ID and POPBILL_SECRET_KEY")
        self.service = TaxinvoiceService(link_id, secret_key)
        self.service.IsTest = settings.POPBILL_IS_TEST
        self.service.IPRestrictOnOff = True
        self.service.UseLocalTimeYN = True

    def _bounded(self) -> None:
        """Give the SDK's cached connection a timeout (it creates it without one); a timeout
        surfaces as ``OSError``, a retryable failure."""
        conn = self.service._getConn()
        conn.timeout = self.timeout
        if conn.sock is not None:
            conn.sock.settimeout(self.timeout)

    def _transport_failure(self, exc: BaseException, *, what: str) -> TransmissionFailed:
        """A network error or broken answer: the SDK's cached connection may be left mid-request
        (http.client then refuses every later request on it), so it is closed; the next call
        connects afresh."""
        try:
            self.service._getConn().close()
        except Exception:
            logger.debug("closing the Popbill connection failed", exc_info=True)
        return _failure(exc, what=what)

    def _corp_num(self, invoice: NtsInvoice | None = None) -> str:
        corp_num: str = settings.POPBILL_CORP_NUM or (invoice.supplier.registration_number if invoice else "")
        if not corp_num:
            corp_num = settings.SHOP_BRN
        return corp_num.replace("-", "")

    # Issue --------------------------------------------------------------------------------------

    def transmit(self, *, invoice: NtsInvoice) -> TransmissionReceipt:
        from popbill import PopbillException, Taxinvoice, TaxinvoiceDetail  # type: ignore[import-untyped]

        corp_num = self._corp_num(invoice)
        fields = taxinvoice_fields(invoice, corp_num=corp_num)
        fields["detailList"] = [TaxinvoiceDetail(**line) for line in fields["detailList"]]
        with _lock:
            try:
                self._bounded()
                response = self.service.registIssue(corp_num, Taxinvoice(**fields))
            except PopbillException as exc:
                if is_retryable(int(exc.code)):
                    raise _failure(exc, what="registIssue") from exc
                # Already issued under this number (a retry after a lost answer)?
                existing = self._issued(corp_num, invoice.invoice_number)
                if existing is not None:
                    logger.info("invoice %s was already issued on Popbill (%s)", invoice.invoice_number, exc.code)
                    return existing
                raise _failure(exc, what="registIssue") from exc
            except TRANSPORT_ERRORS as exc:
                raise self._transport_failure(exc, what="registIssue") from exc
        return TransmissionReceipt(
            transmission_id=f"popbill:{invoice.invoice_number}",
            transmitted_at=timezone.now(),
            nts_confirm_number=str(getattr(response, "ntsConfirmNum", None) or ""),
            provider_state="300",
        )

    def _issued(self, corp_num: str, mgt_key: str) -> TransmissionReceipt | None:
        """The invoice Popbill holds under ``mgt_key``, if it is issued (getInfo)."""
        from popbill import PopbillException  # type: ignore[import-untyped]

        try:
            self._bounded()
            info = self.service.getInfo(corp_num, MGT_KEY_TYPE, mgt_key)
        except PopbillException as exc:
            if int(exc.code) == MGTKEY_NOT_FOUND:
                return None
            raise _failure(exc, what="getInfo") from exc
        except TRANSPORT_ERRORS as exc:
            raise self._transport_failure(exc, what="getInfo") from exc
        state = str(info.stateCode or "")
        if state not in ISSUED_STATES:
            return None
        return TransmissionReceipt(
            transmission_id=f"popbill:{mgt_key}",
            transmitted_at=_parse_dt(info.issueDT),
            nts_confirm_number=str(info.ntsconfirmNum or ""),
            provider_state=state,
        )

    # Batches ------------------------------------------------------------------------------------

    def transmit_many(self, *, invoices: list[NtsInvoice]) -> BatchOutcome:
        """One ``bulkSubmit`` of up to ``batch_size`` invoices of one supplier."""
        from popbill import PopbillException, Taxinvoice, TaxinvoiceDetail  # type: ignore[import-untyped]

        if not invoices:
            return {}
        if len(invoices) > self.batch_size:
            raise ValueError(f"at most {self.batch_size} invoices per bulk submission")
        corp_num = self._corp_num(invoices[0])
        documents = []
        for invoice in invoices:
            fields = taxinvoice_fields(invoice, corp_num=corp_num)
            fields["detailList"] = [TaxinvoiceDetail(**line) for line in fields["detailList"]]
            documents.append(Taxinvoice(**fields))
        numbers = [invoice.invoice_number for invoice in invoices]
        sid = submit_id(numbers)
        with _lock:
            try:
                self._bounded()
                self.service.bulkSubmit(corp_num, sid, documents)
            except PopbillException as exc:
                # A validation refusal of the submission as a whole: send them one by one, which
                # records each invoice's own answer.
                if is_retryable(int(exc.code)):
                    raise _failure(exc, what="bulkSubmit") from exc
                logger.warning("Popbill bulkSubmit %s refused (%s); sending one by one", sid, exc.code)
                return {invoice.invoice_number: self._one(invoice) for invoice in invoices}
            except TRANSPORT_ERRORS as exc:
                raise self._transport_failure(exc, what="bulkSubmit") from exc
            result = self._bulk_result(corp_num, sid)
        by_number = {str(item.invoicerMgtKey): item for item in (result.issueResult or [])}
        outcome: BatchOutcome = {}
        for invoice in invoices:
            item = by_number.get(invoice.invoice_number)
            if item is None:
                outcome[invoice.invoice_number] = TransmissionFailed("Popbill bulk result has no answer for it")
            elif int(item.code) == 1:
                outcome[invoice.invoice_number] = TransmissionReceipt(
                    transmission_id=f"popbill:{invoice.invoice_number}",
                    transmitted_at=_parse_dt(item.issueDT),
                    nts_confirm_number=str(item.ntsconfirmNum or ""),
                    provider_state="300",
                )
            else:
                outcome[invoice.invoice_number] = self._refused_in_batch(corp_num, invoice, item)
        return outcome

    def _refused_in_batch(
        self, corp_num: str, invoice: NtsInvoice, item: Any
    ) -> TransmissionReceipt | TransmissionFailed:
        """One invoice of a batch refused: retryable, already issued by an earlier try (its
        number is taken), or a refusal to record."""
        code = int(item.code)
        if is_retryable(code):
            return TransmissionFailed(f"Popbill bulk item: {code} {item.message}")
        try:
            with _lock:
                existing = self._issued(corp_num, invoice.invoice_number)
        except TransmissionFailed as failure:
            return failure
        if existing is not None:
            return existing
        return TransmissionRejected(str(code), str(item.message or ""))

    def _one(self, invoice: NtsInvoice) -> TransmissionReceipt | TransmissionFailed:
        try:
            return self.transmit(invoice=invoice)
        except TransmissionFailed as failure:
            return failure

    def _bulk_result(self, corp_num: str, sid: str) -> Any:
        from popbill import PopbillException  # type: ignore[import-untyped]

        for attempt in range(self.bulk_poll_attempts):
            try:
                self._bounded()
                result = self.service.getBulkResult(corp_num, sid)
            except PopbillException as exc:
                raise _failure(exc, what="getBulkResult") from exc
            except TRANSPORT_ERRORS as exc:
                raise self._transport_failure(exc, what="getBulkResult") from exc
            # txState 3: Popbill has processed the submission (issueResult holds one answer per
            # invoice); before that it is received (접수) or being processed.
            if int(result.txState or 0) == 3:
                return result
            if attempt + 1 < self.bulk_poll_attempts:
                time.sleep(self.bulk_poll_interval)
        raise TransmissionFailed(f"Popbill bulk {sid} not processed yet")

    # Status -------------------------------------------------------------------------------------

    def statuses(self, *, invoice_numbers: list[str]) -> list[ProviderStatus]:
        from popbill import PopbillException  # type: ignore[import-untyped]

        if not invoice_numbers:
            return []
        corp_num = self._corp_num()
        answers: list[ProviderStatus] = []
        for start in range(0, len(invoice_numbers), self.poll_size):
            chunk = invoice_numbers[start : start + self.poll_size]
            with _lock:
                try:
                    self._bounded()
                    infos = self.service.getInfos(corp_num, MGT_KEY_TYPE, chunk)
                except PopbillException as exc:
                    raise _failure(exc, what="getInfos") from exc
                except TRANSPORT_ERRORS as exc:
                    raise self._transport_failure(exc, what="getInfos") from exc
            for info in infos:
                if not info.invoicerMgtKey:
                    continue
                state = str(info.stateCode or "")
                refused = state == STATE_REFUSED
                answers.append(
                    ProviderStatus(
                        invoice_number=str(info.invoicerMgtKey),
                        provider_state=state,
                        nts_confirm_number=str(info.ntsconfirmNum or ""),
                        confirmed=state == STATE_CONFIRMED,
                        rejected=refused or state == STATE_CANCELLED,
                        error_code=str(info.ntssendErrCode or "") if refused else "",
                        error_message=str(info.stateMemo or info.ntsresult or "") if refused else "",
                    )
                )
        return answers
