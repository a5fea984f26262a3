"""The NTS transmitter in use, chosen by ``settings.INVOICE_TRANSMITTER``."""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from bizshop.invoices.transmitters.base import InvoiceTransmitter

DEFAULT_TRANSMITTER = "bizshop.invoices.transmitters.fake.RecordingTransmitter"


@cache
def _load(path: str) -> InvoiceTransmitter:
    transmitter: InvoiceTransmitter = import_string(path)()
    return transmitter


def get_transmitter() -> InvoiceTransmitter:
    return _load(settings.INVOICE_TRANSMITTER or DEFAULT_TRANSMITTER)
