"""The payment gateway in use, chosen by ``settings.PAYMENT_GATEWAY``."""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from bizshop.billing.gateways.base import PaymentGateway


@cache
def _load(path: str) -> PaymentGateway:
    gateway: PaymentGateway = import_string(path)()
    return gateway


def get_gateway() -> PaymentGateway:
    return _load(settings.PAYMENT_GATEWAY)
