"""How a webhook reaches a partner's receiver without becoming a way into the shop's own network.

Each delivery resolves the receiver's name once, refuses it if any address is not public (every
IANA special-purpose range, multicast, and whatever Python's ``is_global`` says is not global),
connects to the address it checked (TLS still verifies the certificate of the name, sent as SNI
and Host), and never follows a redirect: a 3xx is answered as a failed attempt.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
ADDRESSES_TRIED = 3

# IANA IPv4 and IPv6 Special-Purpose Address Registries (RFC 6890 and later), every entry, the
# few marked globally reachable too (AS112, AMT, 6to4 relays, TURN): no receiver belongs there.
# IPv4-mapped, NAT64 and 6to4 IPv6 prefixes are refused whole rather than unwrapped, so an IPv4
# address cannot come in wearing an IPv6 form.
SPECIAL_PURPOSE_NETWORKS = tuple(
    ipaddress.ip_network(network)
    for network in (
        "0.0.0.0/8",  # "this network"
        "10.0.0.0/8",  # private
        "100.64.0.0/10",  # shared address space (carrier-grade NAT)
        "127.0.0.0/8",  # loopback
        "169.254.0.0/16",  # link-local (cloud metadata services)
        "172.16.0.0/12",  # private
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",  # documentation (TEST-NET-1)
        "192.31.196.0/24",  # AS112-v4
        "192.52.193.0/24",  # AMT
        "192.88.99.0/24",  # deprecated 6to4 relay anycast
        "192.168.0.0/16",  # private
        "192.175.48.0/24",  # direct delegation AS112 service
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",  # documentation (TEST-NET-2)
        "203.0.113.0/24",  # documentation (TEST-NET-3)
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, and 255.255.255.255 (limited broadcast)
        "::/128",  # unspecified
        "::1/128",  # loopback
        "::ffff:0:0/96",  # IPv4-mapped
        "64:ff9b::/96",  # IPv4-IPv6 translation (NAT64)
        "64:ff9b:1::/48",  # local-use IPv4-IPv6 translation
        "100::/64",  # discard-only
        "100:0:0:1::/64",  # dummy IPv6 prefix
        "2001::/23",  # IETF protocol assignments (Teredo, benchmarking, ORCHID, AMT, …)
        "2001:db8::/32",  # documentation
        "2002::/16",  # 6to4
        "2620:4f:8000::/48",  # direct delegation AS112 service
        "3fff::/20",  # documentation
        "5f00::/16",  # segment routing (SRv6) SIDs
        "fc00::/7",  # unique local
        "fe80::/10",  # link-local
        "fec0::/10",  # deprecated site-local
        "ff00::/8",  # multicast
    )
)


def address_is_public(address: IPAddress) -> bool:
    """Whether a webhook may be sent to this address: globally routable and in no special range."""
    if any(address in network for network in SPECIAL_PURPOSE_NETWORKS if network.version == address.version):
        return False
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


class Resolver(Protocol):
    def resolve(self, host: str, port: int) -> list[str]:
        """Every address ``host`` has now, as text; OSError when it has none."""
        ...


class SystemResolver:
    """The operating system's resolver (``getaddrinfo``), which also reads IP literals."""

    def resolve(self, host: str, port: int) -> list[str]:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        return list(dict.fromkeys(str(info[4][0]) for info in infos))


# Replaced by tests with a scripted resolver (tests/helpers/dns.py).
resolver: Resolver = SystemResolver()


class AddressRefused(Exception):
    """The receiver's URL cannot be called: a bad URL, a name that does not resolve, or an address
    that is not public."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    addresses: tuple[IPAddress, ...]


def resolve_target(url: str, *, allow_private: bool) -> Target:
    """Resolve the URL's host once and check every address it has; raise AddressRefused otherwise."""
    parts = urlsplit(url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise AddressRefused(f"invalid port in {url}") from exc
    host = parts.hostname
    if parts.scheme not in ("http", "https") or not host:
        raise AddressRefused(f"not an http(s) URL: {url}")
    try:
        answers = resolver.resolve(host, port)
        # A scope (fe80::1%eth0) names an interface: it does not change what the address is.
        addresses = tuple(ipaddress.ip_address(answer.split("%", 1)[0]) for answer in answers)
    except (OSError, ValueError, UnicodeError) as exc:
        raise AddressRefused(f"{host} does not resolve: {exc}") from exc
    if not addresses:
        raise AddressRefused(f"{host} has no address")
    refused = [str(address) for address in addresses if not address_is_public(address)]
    if refused and not allow_private:
        raise AddressRefused(f"{host} resolves to a refused (non-public) address: {', '.join(refused)}")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(scheme=parts.scheme, host=host, port=port, path=path, addresses=addresses)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """An HTTP connection to ``address`` for the name ``host`` (sent as Host)."""

    def __init__(self, host: str, port: int, *, address: IPAddress, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((str(self.address), self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """An HTTPS connection to ``address`` whose certificate must be valid for ``host`` (sent as SNI
    and Host), so pinning the address weakens no check TLS makes."""

    def __init__(self, host: str, port: int, *, address: IPAddress, timeout: float) -> None:
        self.tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self.tls)
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((str(self.address), self.port), self.timeout)
        self.sock = self.tls.wrap_socket(sock, server_hostname=self.host)


@dataclass(frozen=True)
class Answer:
    status: int | None  # None when no HTTP answer came back
    error: str  # empty on a 2xx


def post(*, url: str, body: bytes, headers: dict[str, str], timeout: float, allow_private: bool) -> Answer:
    """POST ``body`` to ``url`` once, under the rules above; never raises for the receiver's faults."""
    try:
        target = resolve_target(url, allow_private=allow_private)
    except AddressRefused as exc:
        return Answer(status=None, error=str(exc))
    connection_class = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    error = ""
    # The next checked address only when this one cannot be reached, and only a few: a partner's
    # DNS listing a hundred dead addresses must not hold a worker for a hundred timeouts.
    for address in target.addresses[:ADDRESSES_TRIED]:
        connection = connection_class(target.host, target.port, address=address, timeout=timeout)
        try:
            try:
                connection.connect()
            except OSError as exc:
                error = f"{address}: {exc}"
                continue
            try:
                connection.request("POST", target.path, body=body, headers=headers)
                response = connection.getresponse()
                response.read(65_536)  # the answer is not kept; read a little so the receiver can finish
            except (OSError, http.client.HTTPException) as exc:
                return Answer(status=None, error=f"{address}: {exc}")
        finally:
            connection.close()
        if 200 <= response.status < 300:
            return Answer(status=response.status, error="")
        if 300 <= response.status < 400:
            location = response.getheader("Location", "")
            return Answer(status=response.status, error=f"HTTP {response.status}: redirect not followed ({location})")
        return Answer(status=response.status, error=f"HTTP {response.status}")
    return Answer(status=None, error=error)
