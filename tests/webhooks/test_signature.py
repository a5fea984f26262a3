"""The signature's format, checked against values computed without ``signing.sign`` (issue 15,
item 21): OpenSSL's HMAC of a fixed message, the standard library's over a real delivery, and the
verifier printed in the README, run as a partner would copy it."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bizshop.webhooks import signing
from bizshop.webhooks.models import WebhookEvent
from bizshop.webhooks.services import delivery_attempt, webhook_emit
from tests.helpers.api import ApiClient
from tests.helpers.webhooks import Receiver

README = Path(__file__).resolve().parents[2] / "README.md"
API_GUIDE = Path(__file__).resolve().parents[2] / "docs" / "api.md"
Verifier = Callable[[str, bytes, str], bool]


def delivered(api: ApiClient, receiver: Receiver) -> tuple[str, bytes, str]:
    """The secret, the raw body and the signature header of one real delivery to the receiver."""
    created = api.post("/api/v1/webhooks/endpoints/", {"url": receiver.url, "events": ["order.paid"]}).json()
    [delivery_id] = webhook_emit(partner_id=api.partner.pk, event=WebhookEvent.ORDER_PAID, data={"order_id": 7})
    delivery_attempt(delivery_id=delivery_id)
    [request] = receiver.requests
    return created["secret"], request["body"], request["headers"][signing.HEADER]


def test_a_fixed_message_signs_to_the_hmac_openssl_computes() -> None:
    # printf '1700000000.{"type":"order.paid","data":{"order_id":7}}' | openssl dgst -sha256 -hmac whsec_test
    body = b'{"type":"order.paid","data":{"order_id":7}}'

    header = signing.sign(secret="whsec_test", body=body, timestamp=1_700_000_000)

    assert header == "t=1700000000,v1=cb8486e0e01a69bb2514f19430d2a481869bdc5866ce5389b80da1341a3b0ad6"


def test_a_delivery_carries_hmac_sha256_of_its_timestamp_a_dot_and_its_raw_body(
    api: ApiClient, receiver: Receiver
) -> None:
    secret, body, header = delivered(api, receiver)

    found = re.fullmatch(r"t=(\d+),v1=([0-9a-f]{64})", header)
    assert found, header
    timestamp, digest = found.groups()
    assert abs(time.time() - int(timestamp)) < 60
    assert digest == hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    assert digest != hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    assert json.loads(body)["type"] == "order.paid"


@pytest.fixture(params=[(README, "Verifying on the receiving side"), (API_GUIDE, "### Verifying the signature")])
def readme_verifier(request: pytest.FixtureRequest) -> Verifier:
    """The verifier as printed in the README (under 'Verifying on the receiving side') and in docs/api.md."""
    document, heading = request.param
    text = document.read_text(encoding="utf-8")
    section = text[text.index(heading) :]
    code = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert code, f"{document.name} prints a Python verifier"
    namespace: dict[str, Any] = {}
    exec(code.group(1), namespace)  # our own documentation, run as a partner would paste it
    return namespace["verify"]  # type: ignore[no-any-return]


def test_the_verifier_in_the_readme_accepts_a_real_delivery(
    api: ApiClient, receiver: Receiver, readme_verifier: Verifier
) -> None:
    secret, body, header = delivered(api, receiver)

    assert readme_verifier(secret, body, header)


def test_the_verifier_in_the_readme_rejects_a_changed_body_a_wrong_secret_an_old_or_malformed_header(
    api: ApiClient, receiver: Receiver, readme_verifier: Verifier
) -> None:
    secret, body, header = delivered(api, receiver)
    old = signing.sign(secret=secret, body=body, timestamp=int(time.time()) - 3600)

    assert not readme_verifier(secret, body.replace(b"7", b"8"), header)
    assert not readme_verifier("whsec_someone_else", body, header)
    assert not readme_verifier(secret, body, old)
    assert not readme_verifier(secret, body, "v1=" + header.split("v1=")[1])
    assert not readme_verifier(secret, body, "")
