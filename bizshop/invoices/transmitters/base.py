"""What an e-invoicing provider (전자세금계산서 ASP) adapter must do to send invoices to the NTS.

The shop hands every issued invoice to ``InvoiceTransmitter.transmit`` exactly once it has
succeeded (``TaxInvoice.transmitted_at`` is set only then; a failure is retried by the next
delivery pass). The default is ``RecordingTransmitter`` (``fake.py``), which accepts every
invoice and remembers it; a real adapter is a class with the same attribute and method,
selected by the dotted path in the ``INVOICE_TRANSMITTER`` setting.

A real adapter must:
- map ``NtsInvoice`` onto the provider's issuance call (전자세금계산서 발행/즉시전송): 작성일자,
  승인번호 (or let the provider assign it and return it), 공급자/공급받는자 등록번호·상호·대표자·
  주소·이메일, 품목 lines (공급일자, 품목, 수량, 단가, 공급가액, 세액), 합계, 영수/청구, and for an
  amendment (수정세금계산서) the 수정사유 code (계약의 해제 = 04) and the original 승인번호;
- be idempotent on ``invoice_number`` (the provider's 문서관리번호), so a retry after a lost
  answer never issues twice;
- return ``TransmissionReceipt`` on acceptance, raise ``TransmissionFailed`` otherwise
  (network errors, provider refusals) — never return on failure; a refusal that sending again
  cannot cure is ``TransmissionRejected`` (recorded on the invoice for an operator, not retried);
- carry its credentials (certificate, API key) from settings/environment, never from code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol


class TransmissionFailed(Exception):
    """The provider did not accept the invoice; it will be sent again later."""


class TransmissionRejected(TransmissionFailed):
    """The provider refused the invoice for a reason that sending it again cannot cure (a
    validation error, a certificate not registered): recorded on the invoice with the provider's
    code and message for an operator, and not sent again until an operator clears it."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


@dataclass(frozen=True)
class NtsParty:
    registration_number: str
    name: str
    representative: str
    address: str
    email: str = ""


@dataclass(frozen=True)
class NtsLine:
    supply_date: date
    item: str
    quantity: int
    unit_price: int
    supply_amount: int
    vat_amount: int


@dataclass(frozen=True)
class NtsInvoice:
    invoice_number: str
    approval_number: str
    kind: str
    write_date: date
    supplier: NtsParty
    recipient: NtsParty
    lines: tuple[NtsLine, ...]
    supply_amount: int
    vat_amount: int
    total_amount: int
    receipt_mark: str
    amendment_reason: str = ""
    original_approval_number: str = ""


@dataclass(frozen=True)
class TransmissionReceipt:
    transmission_id: str
    transmitted_at: datetime
    # What the provider reported on acceptance, when it does: the NTS approval number
    # (국세청 승인번호) and its own state code.
    nts_confirm_number: str = ""
    provider_state: str = ""


@dataclass(frozen=True)
class ProviderStatus:
    """One invoice as the provider reports it later (a status poll)."""

    invoice_number: str
    provider_state: str
    nts_confirm_number: str = ""
    # The NTS confirmed the invoice (final, good) or refused it (final, bad: ``error_code``).
    confirmed: bool = False
    rejected: bool = False
    error_code: str = ""
    error_message: str = ""


# A batch outcome per invoice number: a receipt, or the failure of that one invoice.
BatchOutcome = dict[str, "TransmissionReceipt | TransmissionFailed"]


class InvoiceTransmitter(Protocol):
    name: str

    def transmit(self, *, invoice: NtsInvoice) -> TransmissionReceipt: ...


class BatchTransmitter(InvoiceTransmitter, Protocol):
    """Optional: a transmitter that sends many invoices per call (the monthly run's delivery uses
    it when the transmitter has it). Raises ``TransmissionFailed`` when the whole batch failed."""

    batch_size: int

    def transmit_many(self, *, invoices: list[NtsInvoice]) -> BatchOutcome: ...


class StatusPoller(Protocol):
    """Optional: a transmitter that can say, later, what became of invoices it accepted (the
    status poll, Celery beat). Invoices it does not know are left out of the answer. The poll asks
    about the invoices whose receipt's ``transmission_id`` starts with ``"<name>:"``, so such a
    transmitter's receipts carry ids of that form."""

    poll_size: int

    def statuses(self, *, invoice_numbers: list[str]) -> list[ProviderStatus]: ...
