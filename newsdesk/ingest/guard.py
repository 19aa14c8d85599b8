"""The private-address guard: a shared desk must not become a probe into the network it runs in.

A URL's host name says nothing about where a connection goes: ``intranet.example.com`` may resolve to
10.0.0.5, and a public page may redirect to ``http://169.254.169.254/``. So the check runs where the
socket is opened: every address a name resolves to is checked, and the connection is made to an
address that passed, never to a second resolution that could answer differently (DNS rebinding).
Because the check lives in the connection layer, every redirect hop and every robots.txt request
passes through it too.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable

import httpcore
import httpx

ALLOW_HINT = "set allow_private_addresses = true or NEWSDESK_ALLOW_PRIVATE_ADDRESSES=1 to fetch from it"


class BlockedAddress(Exception):
    """A connection the guard refused; the message names the address and how to allow it."""


def forbidden_reason(address: str) -> str | None:
    """Why connecting to this IP address is refused, or None when it is a public address."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_unspecified:
        return "an unspecified address"
    if ip.is_private or not ip.is_global:
        return "a private address"
    return None


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (IPv4 and IPv6), in the resolver's order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


def checked_addresses(host: str, port: int) -> list[str]:
    """The addresses of ``host``, all public; raises ``BlockedAddress`` if any one is not.

    Refusing when *any* address is private (not only the first) closes the trick of a name that
    answers with one public and one internal address.
    """
    try:
        addresses = resolve(host, port)
    except socket.gaierror as exc:
        raise httpcore.ConnectError(f"cannot resolve {host}: {exc.strerror or exc}") from exc
    for address in addresses:
        reason = forbidden_reason(address)
        if reason:
            shown = host if host == address else f"{host} ({address})"
            raise BlockedAddress(f"refused to connect to {shown}: {reason}; {ALLOW_HINT}")
    return addresses


class GuardedBackend(httpcore.SyncBackend):
    """Opens TCP connections only to checked public addresses (TLS still verifies the host name)."""

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None, socket_options: Iterable | None = None):
        last_error: Exception | None = None
        for address in checked_addresses(host, port):
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last_error = exc
        raise last_error or httpcore.ConnectError(f"no address for {host}")

    def connect_unix_socket(self, *args, **kwargs):
        raise BlockedAddress("refused to connect to a unix socket")


def transport(allow_private: bool, limits: httpx.Limits) -> httpx.HTTPTransport:
    """An httpx transport; guarded unless the user allowed private addresses.

    Environment proxies are ignored (``trust_env`` off in the client): a proxy would move the real
    connection out of the guard's sight.
    """
    base = httpx.HTTPTransport(limits=limits, trust_env=False)
    if allow_private:
        return base
    # httpx builds its connection pool without a way to pass a network backend, so the pool is
    # rebuilt here with the same limits and the guarded backend.
    base._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(trust_env=False),
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=GuardedBackend(),
    )
    return base
