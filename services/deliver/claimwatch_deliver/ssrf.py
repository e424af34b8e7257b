"""SSRF guard: a webhook target must resolve only to public addresses, unless allow-listed.

Why resolve here and pin: checking a hostname and then letting the HTTP client resolve it again
leaves a DNS-rebinding window (first answer public, second answer 169.254.169.254). The guard
resolves once, checks every address it got, and returns the one address the sender must connect
to (see ``transport.PinnedTransport``). Redirects are never followed, so a public target cannot
bounce a request inward either.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from claimwatch.urls import MAX_URL_LENGTH, http_url_problem

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], Awaitable[list[str]]]


# Cloud instance-metadata endpoints, named so the refusal reason says what was hit.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "169.254.170.2", "100.100.100.200", "fd00:ec2::254")
)


class TargetRefused(Exception):
    """A webhook target claimwatch will not call; ``reason`` is a short bounded code."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class CheckedTarget:
    """A target that passed the guard: connect to ``address``, send ``host`` (Host, SNI)."""

    url: str
    scheme: str
    host: str
    port: int
    address: str


@dataclass(frozen=True)
class AllowList:
    """Hosts (exact, case-insensitive) and networks exempt from the guard."""

    hosts: frozenset[str]
    networks: tuple[IPNetwork, ...]

    @classmethod
    def parse(cls, entries: Iterable[str]) -> AllowList:
        hosts: set[str] = set()
        nets: list[IPNetwork] = []
        for raw in entries:
            entry = raw.strip().strip("[]")
            if not entry:
                continue
            try:
                nets.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                hosts.add(entry.lower().rstrip("."))
        return cls(frozenset(hosts), tuple(nets))

    def allows_host(self, host: str) -> bool:
        return host.lower().rstrip(".") in self.hosts

    def allows_address(self, addr: IPAddress) -> bool:
        return any(addr in net for net in self.networks)


def forbidden_reason(addr: IPAddress) -> str | None:
    """Why an address is not a public unicast one, or ``None`` when it is."""
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    if addr in METADATA_ADDRESSES:
        return "metadata_address"
    checks = (
        ("loopback", addr.is_loopback),
        ("unspecified", addr.is_unspecified),
        ("link_local", addr.is_link_local),
        ("multicast", addr.is_multicast),
        ("reserved", addr.is_reserved),
        ("private", addr.is_private),
        ("not_global", not addr.is_global),
    )
    return next((name for name, hit in checks if hit), None)


async def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for ``host`` (A and AAAA)."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def parse_target(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of an http(s) URL, or ``TargetRefused('invalid_url')``."""
    problem = http_url_problem(url, MAX_URL_LENGTH)
    if problem is not None:
        raise TargetRefused("invalid_url", f"URL {problem}")
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    return scheme, host, parts.port or (443 if scheme == "https" else 80)


async def check_target(
    url: str, allow: AllowList, resolver: Resolver = system_resolver
) -> CheckedTarget:
    """Resolve ``url``'s host once and return the address to connect to, or refuse.

    Every resolved address must be public (or allow-listed): a host answering both a public
    and a private address is refused, since the client could be steered to either.
    """
    scheme, host, port = parse_target(url)
    try:
        literal: IPAddress | None = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        addresses = [str(literal)]
    else:
        try:
            addresses = await resolver(host, port)
        except (OSError, UnicodeError) as exc:
            raise TargetRefused("unresolvable", f"cannot resolve host: {exc}") from None
        if not addresses:
            raise TargetRefused("unresolvable", "host has no addresses")
    host_allowed = allow.allows_host(host)
    for text in addresses:
        addr = ipaddress.ip_address(text.split("%", 1)[0])
        reason = forbidden_reason(addr)
        if reason and not host_allowed and not allow.allows_address(addr):
            raise TargetRefused(
                reason, f"target resolves to a {reason.replace('_', ' ')} address ({addr})"
            )
    return CheckedTarget(url=url, scheme=scheme, host=host, port=port, address=addresses[0])
