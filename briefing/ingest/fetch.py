"""HTTP(S) fetching for feeds and pages: the only module that opens sockets.

Every fetch is bounded, because a feed is polled unattended and a stuck or hostile
server must not hang, swamp or steer the daily run:

- **Time**: connect and read timeouts, and a deadline for the whole response (headers,
  redirects and body): every socket read is given at most the time left, so a server
  that sends its status line and then one header byte every few seconds is cut at the
  deadline like one that drips its body.
- **Size**: the body is read raw and inflated here, a chunk at a time with a bounded
  output (``zlib``'s ``max_length``), so a 7 KB response that inflates to 4 GB costs
  ``max_bytes``, not 4 GB; stacked encodings (``gzip, gzip``) and encodings we did not
  ask for are refused. Redirect responses are never read.
- **Destination**: only where ``policy.FetchPolicy`` allows, checked on every request
  (redirects are followed by hand, each hop checked) and on the resolved address at
  connect time, the connection made to that very address, so a DNS answer that changes
  between the check and the connection (DNS rebinding) cannot get around it. Proxies
  from the environment are not used: they would see every address read.
"""

from __future__ import annotations

import contextvars
import logging
import time
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from briefing.errors import IngestError
from briefing.ingest.policy import BlockedError, FetchPolicy

if TYPE_CHECKING:
    import httpx

__all__ = [
    "BlockedError",
    "Conditional",
    "FetchLimits",
    "FetchPolicy",
    "Fetched",
    "TimedOutError",
    "TransientError",
    "fetch",
    "make_client",
]

log = logging.getLogger(__name__)

_ACCEPT = "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,application/xml;q=0.9,*/*;q=0.8"
# The encodings we inflate ourselves, bounded; a server that sends another one unasked is refused.
_ACCEPT_ENCODING = "gzip, deflate"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_GZIP_MAGIC = b"\x1f\x8b"
# Statuses below 500 that say "not now" rather than "not here": timeout, too many requests.
_TRANSIENT_STATUSES = frozenset({408, 425, 429})
_BAD_LOCATION = "Invalid URL in location header"
# A socket timeout this close to the deadline is the deadline's (timers are not exact).
_DEADLINE_SLACK_S = 0.05


def _default_user_agent() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        own = version("briefing")
    except PackageNotFoundError:  # running from a source tree that was never installed
        own = "0"
    return f"briefing/{own} (+offline news briefing)"


@dataclass(frozen=True, slots=True)
class FetchLimits:
    """Bounds on one HTTP fetch; the defaults suit news sites polled once or a few times a day."""

    connect_timeout: float = 10.0
    """Seconds to open the connection (TCP and TLS). A reachable server answers in well
    under a second even across continents; 10 s allows a poor link, longer means down."""
    read_timeout: float = 20.0
    """Seconds to wait for each piece of the response. A busy news CMS can take several
    seconds to render a page; 20 s of silence means the server has stalled."""
    total_timeout: float = 60.0
    """Seconds for a whole response, headers, redirects and body included: each read is
    given at most the time left. 5 MB at a slow 1 Mbit/s is 40 s."""
    max_bytes: int = 5_000_000
    """Largest response body, after decompression (and before it: the raw body too).
    Arabic news pages are 100-800 KB of HTML with their inline scripts and full-text
    feeds 1-2 MB; 5 MB leaves room and stops an endless or decompression-bomb body early."""
    max_redirects: int = 5
    """http -> https -> www -> canonical path is three hops; feed proxies add one. More
    than 5 is a loop or a tracking chain."""
    user_agent: str = field(default_factory=_default_user_agent)
    """Names the program honestly: some news sites refuse an empty or library default agent."""


@dataclass(frozen=True, slots=True)
class Conditional:
    """Validators from the last fetch of a URL, for a conditional GET next time."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class Fetched:
    """One HTTP response, read in full (or 304 Not Modified, with an empty body)."""

    status: int
    body: bytes
    url: str
    """The final URL, after redirects."""
    charset: str | None
    """The charset named in the Content-Type header, if any (not checked)."""
    content_type: str
    """The media type of the Content-Type header, lower-cased ("text/html"); "" if none."""
    conditional: Conditional | None
    """Validators to send next time; None when the server gave none."""
    not_modified: bool = False


class TransientError(IngestError):
    """A failure that may pass on another try: a timeout, a refused connection, HTTP 5xx or
    429, a response over the size cap (``fetch.max_mb`` may be raised)."""


class TimedOutError(TransientError):
    """The site did not answer in time: a page of a stalled site costs a whole deadline."""


# The deadline of the fetch in progress (time.monotonic()), read by every socket operation.
_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("briefing_fetch_deadline", default=None)


def _time_left(timeout: float | None) -> float | None:
    deadline = _DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise _DeadlinePassed()
    return left if timeout is None else min(timeout, left)


def _network_backend(policy: FetchPolicy) -> Any:
    """An httpcore network backend that checks each address and keeps to the deadline."""
    import httpcore

    class DeadlineStream(httpcore.NetworkStream):
        def __init__(self, stream: httpcore.NetworkStream) -> None:
            self._stream = stream

        def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
            return self._stream.read(max_bytes, _time_left(timeout))

        def write(self, buffer: bytes, timeout: float | None = None) -> None:
            self._stream.write(buffer, _time_left(timeout))

        def close(self) -> None:
            self._stream.close()

        def start_tls(self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None) -> Any:
            return DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, _time_left(timeout)))

        def get_extra_info(self, info: str) -> Any:
            return self._stream.get_extra_info(info)

    class GuardedBackend(httpcore.SyncBackend):
        def connect_tcp(
            self,
            host: str,
            port: int,
            timeout: float | None = None,
            local_address: str | None = None,
            socket_options: Iterable[Any] | None = None,
        ) -> httpcore.NetworkStream:
            addresses = policy.resolve(host, port)
            if not addresses:
                raise httpcore.ConnectError(f"cannot resolve {host}")
            for address in addresses:
                policy.check_address(host, address, port)  # every address, not just the first
            last: Exception | None = None
            for address in addresses:
                try:
                    # The checked IP itself, so no second lookup can swap it.
                    stream = super().connect_tcp(str(address), port, _time_left(timeout), local_address, socket_options)
                except httpcore.ConnectError as exc:
                    last = exc
                    continue
                return DeadlineStream(stream)
            raise last or httpcore.ConnectError(f"cannot connect to {host}")

    return GuardedBackend()


class _DeadlinePassed(Exception):
    """Raised inside the transport when the whole-response deadline has passed."""


def make_client(limits: FetchLimits, policy: FetchPolicy) -> httpx.Client:
    """An httpx client bound by ``limits`` and ``policy``; close it after use."""
    import httpcore
    import httpx

    transport = httpx.HTTPTransport(trust_env=False)
    # httpx takes no network backend of its own; its pool is rebuilt around ours (the
    # same settings HTTPTransport gives it, with certificate checks from the default
    # context). tests/test_ingest/test_fetch.py fails if this stops taking effect.
    transport._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(trust_env=False),
        max_connections=10,
        max_keepalive_connections=5,
        network_backend=_network_backend(policy),
    )
    return httpx.Client(
        transport=transport,
        timeout=_timeout(limits),
        follow_redirects=False,  # followed in fetch(), each hop checked, no redirect body read
        trust_env=False,
        headers={
            "User-Agent": limits.user_agent,
            "Accept": _ACCEPT,
            "Accept-Encoding": _ACCEPT_ENCODING,
            "Accept-Language": "ar, en;q=0.5",
        },
        event_hooks={"request": [lambda request: policy.check_url(str(request.url))]},
    )


def fetch(client: httpx.Client, url: str, limits: FetchLimits, conditional: Conditional | None = None) -> Fetched:
    """GET ``url`` within ``limits``; raises IngestError saying what went wrong.

    With ``conditional``, sends If-None-Match / If-Modified-Since; a 304 answer gives
    ``not_modified=True`` and an empty body. Redirects are followed up to
    ``max_redirects``, each one checked by the client's policy.
    """
    import httpx

    _require_http(url)
    headers: dict[str, str] = {}
    if conditional is not None and conditional.etag:
        headers["If-None-Match"] = conditional.etag
    if conditional is not None and conditional.last_modified:
        headers["If-Modified-Since"] = conditional.last_modified
    deadline = time.monotonic() + limits.total_timeout
    token = _DEADLINE.set(deadline)
    current = url
    try:
        for _ in range(limits.max_redirects + 1):
            with client.stream("GET", current, headers=headers, timeout=_timeout(limits)) as response:
                if response.status_code in _REDIRECTS and "location" in response.headers:
                    # Not read: a redirect's body (endless, or a compression bomb) is nobody's concern.
                    location = response.headers["location"]
                    if urlsplit(location).scheme.lower() not in ("", "http", "https"):
                        raise BlockedError(f"redirected to {location}, not followed: not an http(s) URL")
                    current = str(response.url.join(location))
                    continue
                return _fetched(response, conditional, limits)
        raise IngestError(f"too many redirects (more than {limits.max_redirects})")
    except BlockedError as exc:
        if current != url and not str(exc).startswith("redirected to "):
            raise BlockedError(f"redirected to {current}, not followed: {exc}") from exc
        raise
    except (_DeadlinePassed, httpx.TimeoutException) as exc:
        # A read given only the time left times out like any read: the clock tells which.
        passed = isinstance(exc, _DeadlinePassed) or time.monotonic() >= deadline - _DEADLINE_SLACK_S
        raise TimedOutError(_timeout_message(exc, limits, current, deadline_passed=passed)) from exc
    except httpx.ConnectError as exc:
        raise TransientError(f"cannot connect to {_host(exc, current)}: {exc}") from exc
    except (httpx.LocalProtocolError, httpx.UnsupportedProtocol) as exc:
        # What the server sent cannot even be asked for: trying again will not help.
        raise IngestError(f"cannot follow what {_host(exc, current)} sent: {exc}") from exc
    except httpx.RemoteProtocolError as exc:
        if str(exc).startswith(_BAD_LOCATION):  # httpx reads every Location, followed or not
            raise IngestError(f"redirected to an address that is not a URL: {exc}") from exc
        raise TransientError(f"{_host(exc, current)} broke off the response: {exc}") from exc
    except httpx.HTTPError as exc:
        raise TransientError(f"connection to {_host(exc, current)} failed: {str(exc) or type(exc).__name__}") from exc
    except httpx.InvalidURL as exc:
        raise IngestError(f"invalid URL: {exc}") from exc
    finally:
        _DEADLINE.reset(token)


def _fetched(response: httpx.Response, conditional: Conditional | None, limits: FetchLimits) -> Fetched:
    import httpx

    validators = _validators(response)
    if response.status_code == httpx.codes.NOT_MODIFIED:
        # A 304 need not repeat every validator: keep the ones it leaves out.
        return Fetched(304, b"", str(response.url), None, "", _merge(conditional, validators), not_modified=True)
    if response.status_code >= 300:
        status = f"HTTP {response.status_code} {response.reason_phrase}".rstrip()
        if response.status_code >= 500 or response.status_code in _TRANSIENT_STATUSES:
            raise TransientError(status)
        raise IngestError(status)
    body = _read_body(response, limits)
    media_type = response.headers.get("content-type", "").partition(";")[0].strip().lower()
    return Fetched(response.status_code, body, str(response.url), response.charset_encoding, media_type, validators)


def _read_body(response: httpx.Response, limits: FetchLimits) -> bytes:
    """The body, inflated as it arrives, never more than ``max_bytes`` before or after."""
    too_big = TransientError(f"response larger than {limits.max_bytes / 1_000_000:g} MB")
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limits.max_bytes:
        raise too_big
    inflate = _inflater(response.headers.get("content-encoding", ""))
    chunks: list[bytes] = []
    raw = size = 0
    for chunk in response.iter_raw():
        raw += len(chunk)
        if raw > limits.max_bytes:
            raise too_big
        for piece in inflate(chunk, limits.max_bytes - size + 1):
            size += len(piece)
            if size > limits.max_bytes:
                raise too_big
            chunks.append(piece)
    return b"".join(chunks)


class _Inflater:
    """gzip or deflate, inflated with a cap on each call's output (zlib's ``max_length``):
    memory never holds more than the cap, however much a chunk would inflate to."""

    def __init__(self, coding: str) -> None:
        self._coding = coding
        self._zlib_header = True  # deflate: zlib-wrapped, as the standard says; raw if that fails
        self._started = False
        self._decompressor = self._new()

    def _new(self) -> Any:
        if self._coding == "deflate":
            return zlib.decompressobj(zlib.MAX_WBITS if self._zlib_header else -zlib.MAX_WBITS)
        return zlib.decompressobj(zlib.MAX_WBITS | 16)

    def __call__(self, data: bytes, budget: int) -> Iterator[bytes]:
        while data:
            try:
                piece = self._decompressor.decompress(data, budget)
            except zlib.error as exc:
                if self._coding == "deflate" and self._zlib_header and not self._started:
                    self._zlib_header = False  # servers often send raw deflate
                    self._decompressor = self._new()
                    continue
                raise IngestError(f"cannot decompress the response ({self._coding}): {exc}") from exc
            self._started = True
            yield piece
            budget -= len(piece)
            if budget <= 0:
                return  # the caller is over its cap and stops
            if not self._decompressor.eof:
                data = self._decompressor.unconsumed_tail
            elif self._coding == "gzip" and self._decompressor.unused_data[:2] == _GZIP_MAGIC:
                data = self._decompressor.unused_data  # gzip allows several members in a row
                self._decompressor = self._new()
            else:
                return  # bytes after the end of the stream are ignored, as browsers do


def _inflater(header: str) -> Any:
    codings = [c.strip().lower() for c in header.split(",") if c.strip() and c.strip().lower() != "identity"]
    if not codings:
        return lambda data, budget: iter((data,))
    if len(codings) > 1:
        raise IngestError(f"stacked content encodings ({header}) refused: a sign of a compression bomb")
    coding = {"x-gzip": "gzip"}.get(codings[0], codings[0])
    if coding not in ("gzip", "deflate"):
        raise IngestError(f"content encoding {codings[0]!r} was not asked for (we accept {_ACCEPT_ENCODING})")
    return _Inflater(coding)


def _require_http(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise IngestError(f"not an http(s) URL: {url}")


def _validators(response: httpx.Response) -> Conditional | None:
    etag, last_modified = response.headers.get("etag"), response.headers.get("last-modified")
    return Conditional(etag=etag, last_modified=last_modified) if etag or last_modified else None


def _merge(old: Conditional | None, new: Conditional | None) -> Conditional | None:
    if old is None or new is None:
        return new or old
    return Conditional(etag=new.etag or old.etag, last_modified=new.last_modified or old.last_modified)


def _timeout(limits: FetchLimits) -> httpx.Timeout:
    import httpx

    return httpx.Timeout(
        connect=limits.connect_timeout, read=limits.read_timeout, write=limits.read_timeout, pool=limits.connect_timeout
    )


def _timeout_message(exc: Exception, limits: FetchLimits, url: str, *, deadline_passed: bool) -> str:
    import httpx

    if deadline_passed:
        return f"timed out after {limits.total_timeout:g} s: the response was still arriving"
    host = _host(exc, url) if isinstance(exc, httpx.HTTPError) else urlsplit(url).hostname or url
    if isinstance(exc, httpx.ConnectTimeout):
        return f"timed out after {limits.connect_timeout:g} s connecting to {host}"
    if isinstance(exc, httpx.ReadTimeout):
        return f"timed out after {limits.read_timeout:g} s waiting for {host} to send data"
    return f"timed out talking to {host}"


def _host(exc: httpx.HTTPError, url: str) -> str:
    """The host that failed: after redirects it may not be the one in ``url``."""
    try:
        host = exc.request.url.host
    except RuntimeError:  # httpx raises when the error carries no request
        host = urlsplit(url).hostname or ""
    return host or url
