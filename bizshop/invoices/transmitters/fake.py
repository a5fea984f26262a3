"""The default transmitter: accepts every invoice and records it (tests and the demo read it back)."""

from __future__ import annotations

import threading

from django.utils import timezone

from bizshop.invoices.transmitters.base import NtsInvoice, TransmissionReceipt


class RecordingTransmitter:
    """Keeps what it was sent, per process; a real provider keeps it at the NTS."""

    name = "recording"
    sent: list[NtsInvoice] = []
    _lock = threading.Lock()

    def transmit(self, *, invoice: NtsInvoice) -> TransmissionReceipt:
        with self._lock:
            self.sent.append(invoice)
        return TransmissionReceipt(transmission_id=f"rec-{invoice.approval_number}", transmitted_at=timezone.now())

    @classmethod
    def clear(cls) -> None:
        with cls._lock:
            cls.sent.clear()
