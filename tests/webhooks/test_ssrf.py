"""Webhook SSRF: every delivery resolves the name once, refuses any special-purpose address,
connects to the address it checked and never follows a redirect (issue 15, item 2).

Real HTTP servers on loopback play the partner's receiver and a service of the shop's own
network; a scripted resolver plays the partner's DNS, which may change its answer (rebinding).
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from bizshop.webhooks import transport
from bizshop.webhooks.models import WebhookDelivery, WebhookEvent
from bizshop.webhooks.services import delivery_attempt, webhook_emit
from tests.helpers.api import ApiClient
from tests.helpers.dns import ScriptedResolver
from tests.helpers.webhooks import Receiver

if TYPE_CHECKING:
    from pytest_django import Settings

# One address from each entry of IANA's IPv4 and IPv6 special-purpose address registries
# (and multicast), including the few entries the registry marks globally reachable (AS112,
# AMT, 6to4 relays): no partner's receiver lives there, so refusing them costs nothing.
SPECIAL_PURPOSE = [
    "0.1.2.3",
    "10.0.0.5",
    "100.64.0.1",
    "100.127.255.254",
    "127.0.0.1",
    "127.8.8.8",
    "169.254.169.254",
    "172.16.0.1",
    "172.31.255.254",
    "192.0.0.8",
    "192.0.0.170",
    "192.0.2.1",
    "192.31.196.1",
    "192.52.193.1",
    "192.88.99.1",
    "192.168.1.1",
    "192.175.48.1",
    "198.18.0.1",
    "198.19.255.254",
    "198.51.100.7",
    "203.0.113.9",
    "224.0.0.1",
    "239.255.255.250",
    "240.0.0.1",
    "255.255.255.255",
    "::",
    "::1",
    "::ffff:127.0.0.1",
    "::ffff:8.8.8.8",
    "64:ff9b::a00:5",
    "64:ff9b:1::1",
    "100::1",
    "2001::1",
    "2001:2::1",
    "2001:db8::1",
    "2002:a00:5::1",
    "2620:4f:8000::1",
    "3fff::1",
    "5f00::1",
    "fc00::1",
    "fd12:3456::1",
    "fe80::1",
    "fec0::1",
    "ff02::1",
]
PUBLIC = ["8.8.8.8", "1.1.1.1", "93.184.215.14", "2606:4700:4700::1111", "2001:4860:4860::8888"]


@pytest.mark.parametrize("address", SPECIAL_PURPOSE)
def test_every_special_purpose_address_is_refused(address: str) -> None:
    assert not transport.address_is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are_allowed(address: str) -> None:
    assert transport.address_is_public(ipaddress.ip_address(address))


def test_carrier_grade_nat_is_refused_when_an_endpoint_is_created(api: ApiClient, settings: Settings) -> None:
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False

    response = api.post("/api/v1/webhooks/endpoints/", {"url": "http://100.64.0.1/h", "events": ["order.paid"]})

    assert (response.status_code, response.json()["error"]["code"]) == (422, "invalid_webhook_url")


def test_a_name_resolving_to_any_private_address_is_refused_when_an_endpoint_is_created(
    api: ApiClient, settings: Settings, dns: ScriptedResolver
) -> None:
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    dns.script("hooks.partner.example", ["93.184.215.14", "100.100.1.1"])

    response = api.post(
        "/api/v1/webhooks/endpoints/", {"url": "https://hooks.partner.example/h", "events": ["order.paid"]}
    )

    assert (response.status_code, response.json()["error"]["code"]) == (422, "invalid_webhook_url")


def test_a_redirect_into_our_network_is_not_followed_and_is_a_failed_attempt(
    api: ApiClient, receiver: Receiver, internal_service: Receiver
) -> None:
    api.post("/api/v1/webhooks/endpoints/", {"url": receiver.url, "events": ["order.paid"]})
    receiver.statuses = [302]
    receiver.location = internal_service.url

    [delivery_id] = webhook_emit(partner_id=api.partner.pk, event=WebhookEvent.ORDER_PAID, data={"order_id": 1})
    delivery_attempt(delivery_id=delivery_id)

    assert len(receiver.requests) == 1
    assert internal_service.requests == []
    [logged] = api.get("/api/v1/webhooks/deliveries/").json()["results"]
    assert (logged["status"], logged["attempts"], logged["last_status_code"]) == ("pending", 1, 302)
    assert "redirect" in logged["last_error"]
    assert logged["next_attempt_at"] is not None


def test_a_name_that_rebinds_to_a_private_address_after_the_check_is_not_called(
    api: ApiClient, settings: Settings, dns: ScriptedResolver, internal_service: Receiver
) -> None:
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    port = internal_service.server.server_port
    dns.script("hooks.partner.example", ["93.184.215.14"], ["127.0.0.1"])
    created = api.post(
        "/api/v1/webhooks/endpoints/", {"url": f"http://hooks.partner.example:{port}/h", "events": ["order.paid"]}
    )
    assert created.status_code == 201

    [delivery_id] = webhook_emit(partner_id=api.partner.pk, event=WebhookEvent.ORDER_PAID, data={"order_id": 1})
    delivery_attempt(delivery_id=delivery_id)

    assert internal_service.requests == []
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, None)
    assert "127.0.0.1" in delivery.last_error and "refused" in delivery.last_error


def test_a_delivery_resolves_once_and_connects_to_the_address_it_checked(
    api: ApiClient, dns: ScriptedResolver, receiver: Receiver
) -> None:
    # A name no real DNS knows: only the checked address can have been connected to.
    port = receiver.server.server_port
    dns.script("hooks.partner.example", ["127.0.0.1"])
    api.post("/api/v1/webhooks/endpoints/", {"url": f"http://hooks.partner.example:{port}/h", "events": ["order.paid"]})
    dns.lookups.clear()

    [delivery_id] = webhook_emit(partner_id=api.partner.pk, event=WebhookEvent.ORDER_PAID, data={"order_id": 1})
    delivered = delivery_attempt(delivery_id=delivery_id)

    assert delivered.status == "succeeded"
    assert dns.lookups == ["hooks.partner.example"]
    assert receiver.requests[0]["headers"]["Host"] == f"hooks.partner.example:{port}"


def test_the_scripted_resolver_answers_in_order_then_repeats_its_last_answer() -> None:
    fake = ScriptedResolver()
    fake.script("a.example", ["1.1.1.1"], ["10.0.0.1"])

    answers = [fake.resolve("a.example", 80) for _ in range(3)]

    assert answers == [["1.1.1.1"], ["10.0.0.1"], ["10.0.0.1"]]
    with pytest.raises(OSError):
        fake.resolve("unknown.example", 80)


def test_the_system_resolver_resolves_localhost_to_loopback() -> None:
    addresses = transport.SystemResolver().resolve("localhost", 80)

    assert addresses and all(ipaddress.ip_address(a).is_loopback for a in addresses)


def _certificate_for(name: str, directory: Any) -> tuple[str, str]:
    """A self-signed certificate for ``name`` and its key, written as PEM files."""
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / f"{name}.crt", directory / f"{name}.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return str(cert_path), str(key_path)


@pytest.fixture
def tls_receiver(receiver: Receiver, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Receiver:
    """The receiver over HTTPS with a certificate for hooks.partner.example, trusted as a CA."""
    import ssl

    cert, key = _certificate_for("hooks.partner.example", tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    receiver.server.socket = context.wrap_socket(receiver.server.socket, server_side=True)
    monkeypatch.setenv("SSL_CERT_FILE", cert)
    return receiver


def test_https_to_the_checked_address_still_verifies_the_certificate_of_the_name(
    api: ApiClient, dns: ScriptedResolver, tls_receiver: Receiver
) -> None:
    port = tls_receiver.server.server_port
    dns.script("hooks.partner.example", ["127.0.0.1"])
    dns.script("impostor.partner.example", ["127.0.0.1"])
    for name in ("hooks", "impostor"):
        url = f"https://{name}.partner.example:{port}/h"
        api.post("/api/v1/webhooks/endpoints/", {"url": url, "events": ["order.paid"]})

    delivery_ids = webhook_emit(partner_id=api.partner.pk, event=WebhookEvent.ORDER_PAID, data={"order_id": 1})
    results = {
        d.endpoint.url.split("//")[1].split(".")[0]: d
        for d in (delivery_attempt(delivery_id=delivery_id) for delivery_id in delivery_ids)
    }

    assert results["hooks"].status == "succeeded"
    assert tls_receiver.requests[0]["headers"]["Host"] == f"hooks.partner.example:{port}"
    assert results["impostor"].status == "pending" and "certificate" in results["impostor"].last_error.lower()
    assert len(tls_receiver.requests) == 1


def test_a_delivery_tries_the_next_checked_address_when_one_cannot_be_reached_but_only_a_few(
    api: ApiClient, dns: ScriptedResolver, receiver: Receiver
) -> None:
    # The receiver listens on 127.0.0.1 only: 127.0.0.2 refuses the connection.
    port = receiver.server.server_port
    dns.script("hooks.partner.example", ["127.0.0.2", "127.0.0.1"])
    dns.script("far.partner.example", ["127.0.0.2"] * transport.ADDRESSES_TRIED + ["127.0.0.1"])
    for name in ("hooks", "far"):
        url = f"http://{name}.partner.example:{port}/h"
        api.post("/api/v1/webhooks/endpoints/", {"url": url, "events": ["order.paid"]})

    delivery_ids = webhook_emit(partner_id=api.partner.pk, event=WebhookEvent.ORDER_PAID, data={})
    attempts = [delivery_attempt(delivery_id=delivery_id) for delivery_id in delivery_ids]
    delivered = {d.endpoint.url.split("//")[1].split(".")[0]: d for d in attempts}

    assert delivered["hooks"].status == "succeeded"
    assert delivered["far"].status == "pending" and "127.0.0.2" in delivered["far"].last_error
    assert len(receiver.requests) == 1
