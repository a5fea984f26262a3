"""Fixtures of deliveries: an order with issued codes, and the SMTP settings of a local sink."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from bizshop.billing.models import Order
from bizshop.campaigns.sms.sandbox import SandboxSmsProvider
from tests.helpers.smtp_sink import SinkHandler, smtp_sink


@pytest.fixture
def order_with_codes(api: Any, make_order: Callable[..., Order], issue_codes: Any) -> tuple[Order, list[str]]:
    order = make_order(api.partner, quantity=100, paid=True)
    return order, issue_codes(order, quantity=10)


@pytest.fixture
def sink(settings: Any) -> Iterator[SinkHandler]:
    with smtp_sink() as (handler, port):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        yield handler


@pytest.fixture(autouse=True)
def _sandbox_sms() -> Iterator[None]:
    SandboxSmsProvider.reset()
    yield
    SandboxSmsProvider.reset()


class CommittedApi:
    """The partner's API client whose requests run their on-commit work (the queued tasks) at once,
    as after a real commit."""

    def __init__(self, api: Any, capture: Any) -> None:
        self._api, self._capture = api, capture
        self.partner = api.partner

    def get(self, path: str, **extra: Any) -> Any:
        with self._capture(execute=True):
            return self._api.get(path, **extra)

    def post(self, path: str, data: Any = None, **extra: Any) -> Any:
        with self._capture(execute=True):
            return self._api.post(path, data, **extra)


@pytest.fixture
def api_committed(api: Any, django_capture_on_commit_callbacks: Any) -> CommittedApi:
    return CommittedApi(api, django_capture_on_commit_callbacks)
