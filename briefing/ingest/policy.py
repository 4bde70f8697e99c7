"""Where a fetch may go: the sites of the configured sources, and their own addresses.

A feed is written by someone else: its item links, and the redirects of any response,
could point at this machine's other services (a database on another port of 127.0.0.1),
the local network (a router, a Redis at 10.0.0.1) or a cloud's metadata service
(169.254.169.254). So a URL is fetched only when its host is on the site of a
configured source or in ``fetch.allow_hosts``, and a connection goes to a loopback,
private, link-local, multicast or reserved address only when a configured source itself
resolved there when the run started.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from briefing.errors import IngestError

__all__ = ["WEB_PORTS", "BlockedError", "FetchPolicy", "IPAddress", "Resolver", "ascii_host"]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# Ports a configured source on a private address may also be reached on: its site's
# http and https (a redirect from one to the other), not its other services.
WEB_PORTS = (80, 443)
Resolver = Callable[[str, int], list[IPAddress]]


class BlockedError(IngestError):
    """A fetch the policy does not allow: another site, or an address that must not be reached."""


def ascii_host(host: str) -> str:
    """``host`` as it goes on the wire: lower case, no trailing dot, an Arabic (IDN) name
    in its ``xn--`` form, as httpx sends it (``مثال.مصر`` is ``xn--mgbh0fb.xn--wgbh1c``)."""
    host = host.strip().strip("[]").lower().rstrip(".")
    if host.isascii():
        return host
    import idna  # httpx's own IDNA 2008 codec

    try:
        return str(idna.encode(host, uts46=True).decode("ascii"))
    except idna.IDNAError as exc:
        raise BlockedError(f"{host!r} is not a valid host name ({exc})") from exc


def _site(host: str) -> str:
    return ascii_host(host).removeprefix("www.")


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """Where fetches may go: the sites of the configured sources and ``allow_hosts``; and
    the non-public addresses that the configured sources themselves are at.

    A link is on a source's site when its host, a leading ``www.`` aside, is that host or
    one of its subdomains (a feed on ``www.spa.gov.sa`` lets items on ``spa.gov.sa`` and
    ``www.spa.gov.sa`` through, not ``gov.sa``). An ``allow_hosts`` entry lets its host
    and its subdomains through: a feed on ``rss.example.com`` whose items are on
    ``example.com`` needs ``allow_hosts = ["example.com"]``. (Parent domains are not let
    through: without the public-suffix list, ``gov.sa`` cannot be told from ``example.com``.)
    IP addresses match only themselves.
    """

    sites: frozenset[str]
    allowed: frozenset[str] = frozenset()
    private_endpoints: frozenset[tuple[str, int]] = frozenset()
    """(IP, port) of configured sources that resolved to non-public addresses when the
    run started: "the source itself is there", on its own port and the web's two (an
    intranet site that moves from http to https). Nothing else non-public is reached."""
    resolve: Resolver = field(default=lambda host, port: _resolve(host, port))
    """Host name to addresses: the system's resolver (tests hand in one that rebinds)."""

    @classmethod
    def for_sources(
        cls, urls: Iterable[str], allow_hosts: Iterable[str] = (), *, resolve: Resolver | None = None
    ) -> FetchPolicy:
        """The policy for a run whose configured web sources are ``urls`` (resolved now)."""
        resolve = resolve or _resolve
        sites: set[str] = set()
        endpoints: set[tuple[str, int]] = set()
        for url in urls:
            parts = urlsplit(url)
            if not parts.hostname:
                continue
            sites.add(_site(parts.hostname))
            port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
            for address in resolve(parts.hostname, port):
                if not _is_public(address):
                    endpoints.update((str(address), p) for p in {port, *WEB_PORTS})
        return cls(frozenset(sites), frozenset(_site(h) for h in allow_hosts), frozenset(endpoints), resolve)

    def check_url(self, url: str) -> None:
        """Raise BlockedError unless ``url`` is http(s) on an allowed site."""
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            raise BlockedError(f"not an http(s) URL: {url}")
        host = _site(parts.hostname)
        if not self._on_allowed_site(host):
            raise BlockedError(
                f"{parts.hostname} is not the site of a configured source; add it to fetch.allow_hosts to read from it"
            )

    def check_address(self, host: str, address: IPAddress, port: int) -> None:
        """Raise BlockedError unless connecting to ``address`` (resolved from ``host``) is allowed."""
        if _is_public(address) or (str(address), port) in self.private_endpoints:
            return
        raise BlockedError(
            f"refused to connect to {host} at {address} ({_address_kind(address)} address): "
            "only a configured source may be at such an address"
        )

    def _on_allowed_site(self, host: str) -> bool:
        if _is_ip(host):
            return host in self.sites or host in self.allowed
        return any(host == site or host.endswith(f".{site}") for site in (*self.sites, *self.allowed))


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _is_public(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # ::ffff:127.0.0.1 is loopback
    return address.is_global and not address.is_multicast


def _address_kind(address: IPAddress) -> str:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    for kind in ("loopback", "link_local", "multicast", "private", "unspecified", "reserved"):
        if getattr(address, f"is_{kind}"):
            return kind.replace("_", "-")
    return "non-public"


def _resolve(host: str, port: int) -> list[IPAddress]:
    """Every address ``host`` resolves to (empty when it does not resolve)."""
    try:
        infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return []
    addresses: list[IPAddress] = []
    for _, _, _, _, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).partition("%")[0])
        if address not in addresses:
            addresses.append(address)
    return addresses
