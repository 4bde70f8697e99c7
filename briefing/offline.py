"""Fail closed: no connection leaves the process while the briefing is being made.

Sources can be sensitive, and after the feeds and pages are fetched nothing the job does
needs the network: grouping, key sentences, translation and rendering are all local. So
from the moment the articles are read until the files are written, a Python audit hook
refuses every outgoing connection and address lookup the process attempts
(``socket.connect``, ``sendto``, ``getaddrinfo`` and the other lookups): whatever a
library tries (a model loader that phones home, a renderer fetching an image), it fails
with ``OfflineError`` and nothing is sent. Audit hooks cannot be removed, so one is
installed on first use and does nothing outside ``no_network()``. It sees what goes
through Python's ``socket`` module, which is every HTTP client in this process's
dependencies; a C library opening sockets of its own would not be seen.

One exception, asked for in the configuration: a run that translates on a cluster
(``translate.cluster``) talks to its Dask scheduler (and, for ``local:N``, to the worker
processes it started). ``allowing(peer)`` lets through the connections and lookups
whose destination ``peer(host, port)`` accepts, for as long as the cluster is open;
every other destination is still refused.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from briefing.errors import OfflineError

__all__ = ["NETWORK_EVENTS", "Peer", "allowing", "no_network"]

# The audit events of a connection or a name lookup (Python's audit events table).
NETWORK_EVENTS = frozenset({
    "socket.connect",
    "socket.sendto",
    "socket.sendmsg",
    "socket.getaddrinfo",
    "socket.gethostbyname",
    "socket.gethostbyaddr",
    "socket.getnameinfo",
})

Peer = Callable[[str, int | None], bool]
"""Whether a destination (host or address as given, port if known) may be reached."""

_lock = threading.Lock()
_active = 0
_installed = False
_peers: list[Peer] = []


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if _active and event in NETWORK_EVENTS:
        target = args[1] if event in ("socket.connect", "socket.sendto") and len(args) > 1 else args[0] if args else ""
        if _peers and _allowed(event, target, args):
            return
        raise OfflineError(
            f"refused a network connection ({event} {target!r}): briefing allows none between reading the articles "
            "and writing the briefing"
        )


def _allowed(event: str, target: Any, args: tuple[Any, ...]) -> bool:
    """Whether an allowed peer is the destination: ``(host, port, ...)`` of a connect,
    ``host, port`` of an address lookup (other lookups and Unix sockets: never)."""
    if event in ("socket.connect", "socket.sendto") and isinstance(target, tuple) and len(target) >= 2:
        host, port = target[0], target[1]
    elif event == "socket.getaddrinfo" and len(args) >= 2:
        host, port = args[0], args[1]
    else:
        return False
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    number = int(port) if isinstance(port, int) or (isinstance(port, str) and port.isdigit()) else None
    return any(peer(host, number) for peer in list(_peers))


@contextmanager
def allowing(peer: Peer) -> Iterator[None]:
    """Inside, ``no_network()`` lets through what ``peer(host, port)`` accepts (a cluster's own addresses)."""
    with _lock:
        _peers.append(peer)
    try:
        yield
    finally:
        with _lock:
            _peers.remove(peer)


@contextmanager
def no_network() -> Iterator[None]:
    """Inside, every connection and lookup of the process (every thread) raises OfflineError."""
    global _active, _installed
    with _lock:
        if not _installed:
            sys.addaudithook(_hook)
            _installed = True
        _active += 1
    try:
        yield
    finally:
        with _lock:
            _active -= 1
