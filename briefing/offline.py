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
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from briefing.errors import OfflineError

__all__ = ["NETWORK_EVENTS", "no_network"]

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

_lock = threading.Lock()
_active = 0
_installed = False


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if _active and event in NETWORK_EVENTS:
        target = args[1] if event in ("socket.connect", "socket.sendto") and len(args) > 1 else args[0] if args else ""
        raise OfflineError(
            f"refused a network connection ({event} {target!r}): briefing allows none between reading the articles "
            "and writing the briefing"
        )


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
