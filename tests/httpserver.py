"""A real HTTP server on 127.0.0.1 for tests: routes map a path to a handler.

    with serve({"/feed.xml": respond(feed, "application/rss+xml")}) as server:
        fetch(client, server.url("/feed.xml"), limits)

The server records every request it gets (``server.requests``), so a test can show
that something was *not* fetched. Handlers that stall or stream forever wait on
``server.stopping``; leaving the ``with`` block sets it, shuts the server down and
joins every handler thread, so no test leaves a thread behind.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

Handler = Callable[["RequestHandler"], None]


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str]
    """Header names lower-cased."""


class TestServer(ThreadingHTTPServer):
    """ThreadingHTTPServer joins its handler threads on close (``block_on_close``)."""

    __test__ = False  # not a pytest test class

    def __init__(self, routes: dict[str, Handler]) -> None:
        super().__init__(("127.0.0.1", 0), RequestHandler)
        self.routes = routes
        self.requests: list[Request] = []
        self.stopping = threading.Event()
        self._lock = threading.Lock()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"

    def record(self, request: Request) -> None:
        with self._lock:
            self.requests.append(request)

    def paths(self) -> list[str]:
        with self._lock:
            return [r.path for r in self.requests]


class RequestHandler(BaseHTTPRequestHandler):
    server: TestServer

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        self.server.record(Request(path, {k.lower(): v for k, v in self.headers.items()}))
        handler = self.server.routes.get(path)
        try:
            if handler is None:
                send(self, b"not here", "text/plain", status=404)
            else:
                handler(self)
        except (ConnectionError, TimeoutError):
            pass  # the client gave up (a timeout or size cap under test): expected

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep test output clean


def send(
    handler: BaseHTTPRequestHandler,
    body: bytes,
    content_type: str,
    *,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(body)


def respond(body: bytes, content_type: str, *, status: int = 200, headers: dict[str, str] | None = None) -> Handler:
    """Always the same response."""
    return lambda handler: send(handler, body, content_type, status=status, headers=headers)


def redirect(location: str, status: int = 302) -> Handler:
    def handle(handler: RequestHandler) -> None:
        handler.send_response(status)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return handle


def with_validators(body: bytes, content_type: str, *, etag: str, last_modified: str) -> Handler:
    """Serves ``body`` with an ETag and Last-Modified, and 304 to a request that has either."""

    def handle(handler: RequestHandler) -> None:
        if handler.headers.get("If-None-Match") == etag or handler.headers.get("If-Modified-Since") == last_modified:
            handler.send_response(304)
            handler.send_header("ETag", etag)
            handler.end_headers()
            return
        send(handler, body, content_type, headers={"ETag": etag, "Last-Modified": last_modified})

    return handle


def stall(seconds: float) -> Handler:
    """Says nothing for ``seconds`` (or until the server stops), then answers."""

    def handle(handler: RequestHandler) -> None:
        handler.server.stopping.wait(seconds)
        send(handler, b"too late", "text/plain")

    return handle


def endless(chunk: bytes, content_type: str = "text/html", *, interval: float = 0.0) -> Handler:
    """Headers, then ``chunk`` over and over, ``interval`` seconds apart, until the client hangs up.

    No Content-Length: under HTTP/1.0 the body runs until the connection closes.
    """

    def handle(handler: RequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", content_type)
        handler.end_headers()
        while not handler.server.stopping.is_set():
            handler.wfile.write(chunk)
            handler.wfile.flush()
            if interval:
                handler.server.stopping.wait(interval)

    return handle


@contextmanager
def serve(routes: dict[str, Handler]) -> Iterator[TestServer]:
    server = TestServer(routes)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stopping.set()
        server.shutdown()
        server.server_close()  # joins the handler threads
        thread.join(timeout=5)


def slow_headers(interval: float) -> Handler:
    """The status line at once, then one byte of a header every ``interval`` seconds, forever:
    each read is quick, so only a deadline on the whole response stops it."""

    def handle(handler: RequestHandler) -> None:
        handler.wfile.write(b"HTTP/1.1 200 OK\r\n")
        handler.wfile.flush()
        while not handler.server.stopping.wait(interval):
            handler.wfile.write(b"X")
            handler.wfile.flush()

    return handle
