"""Articles from the web: RSS/Atom feeds and article pages, over HTTP(S) with httpx.

Every fetch is bounded (connect and read timeouts, a deadline for the whole response,
a size cap, a redirect limit), because a feed is polled unattended and one stuck or
hostile server must not hang or swamp the daily run. Only ``http`` and ``https`` URLs
are fetched, and only the URL asked for (and its redirects): feedparser and trafilatura
are handed bytes and strings and never fetch anything themselves; images, frames and
scripts in a page or entry are dropped, never loaded.

A feed entry whose text is only a teaser has its article page fetched. One entry that
fails is reported as a ``SkippedItem`` and the others go on; a feed that cannot be read
at all raises IngestError. Conditional GET (ETag / Last-Modified) lets a poll of an
unchanged feed cost one empty 304 response.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import email.utils
import io
import logging
import re
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from briefing.arabic import split_words
from briefing.errors import IngestError
from briefing.ingest.decode import charset_from_html, decode_bytes, known_charset
from briefing.ingest.html import article_from_html, article_from_title_and_text, html_to_text
from briefing.ingest.metadata import NotArabicError, date_in_text, require_arabic
from briefing.types import Article, SkippedItem

if TYPE_CHECKING:
    import httpx

__all__ = [
    "MIN_FEED_TEXT_WORDS",
    "Conditional",
    "FeedResult",
    "FetchLimits",
    "Fetched",
    "fetch",
    "make_client",
    "read_feed",
    "read_page",
]

log = logging.getLogger(__name__)

# A feed entry with fewer words than this is a teaser, and its page is fetched for the
# article. Arabic feeds carry either the full text (hundreds of words) or a one- or
# two-sentence summary (15-50 words, often ending "..."); a real news item is rarely
# under 60 words, so 60 separates the two.
MIN_FEED_TEXT_WORDS = 60
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_PAGE_TYPES = _HTML_TYPES | {"text/plain", ""}
_HTML_START = re.compile(rb"<(!doctype\s+html|html)\b", re.IGNORECASE)
_ACCEPT = "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,application/xml;q=0.9,*/*;q=0.8"
_XML_DECLARATION = re.compile(rb"\s*<\?xml\b")
_XML_DECLARATION_ENCODING = re.compile(rb"^(\s*<\?xml\b[^>]*?\bencoding\s*=\s*[\"'])([A-Za-z0-9._:-]+)")


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
    """Seconds for a whole response, redirects included. ``read_timeout`` applies per read,
    so a server dripping a byte at a time would never trip it; this does (checked between
    reads, so it can overrun by up to one ``read_timeout``). 5 MB at a slow 1 Mbit/s is 40 s."""
    max_bytes: int = 5_000_000
    """Largest response body, after decompression. Arabic news pages are 100-800 KB of
    HTML with their inline scripts and full-text feeds 1-2 MB; 5 MB leaves room and
    stops an endless or decompression-bomb body early."""
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


@dataclass(frozen=True, slots=True)
class FeedResult:
    """What one poll of a feed gave: its articles, its entries left out, and validators."""

    articles: tuple[Article, ...]
    skipped: tuple[SkippedItem, ...]
    conditional: Conditional | None
    not_modified: bool


def make_client(limits: FetchLimits) -> httpx.Client:
    """An httpx client with the limits' timeouts, redirect cap and User-Agent; close it after use."""
    import httpx

    return httpx.Client(
        timeout=_timeout(limits),
        follow_redirects=True,
        max_redirects=limits.max_redirects,
        headers={"User-Agent": limits.user_agent, "Accept": _ACCEPT, "Accept-Language": "ar, en;q=0.5"},
    )


def fetch(client: httpx.Client, url: str, limits: FetchLimits, conditional: Conditional | None = None) -> Fetched:
    """GET ``url`` within ``limits``; raises IngestError saying what went wrong.

    With ``conditional``, sends If-None-Match / If-Modified-Since; a 304 answer gives
    ``not_modified=True`` and an empty body. The body is streamed and cut off at
    ``max_bytes`` whatever Content-Length says. The timeouts come from ``limits``; the
    redirect cap is the client's (``make_client`` sets it from the same limits).
    """
    import httpx

    _require_http(url)
    headers: dict[str, str] = {}
    if conditional is not None and conditional.etag:
        headers["If-None-Match"] = conditional.etag
    if conditional is not None and conditional.last_modified:
        headers["If-Modified-Since"] = conditional.last_modified
    deadline = time.monotonic() + limits.total_timeout
    try:
        with client.stream("GET", url, headers=headers, timeout=_timeout(limits), follow_redirects=True) as response:
            validators = _validators(response)
            if response.status_code == httpx.codes.NOT_MODIFIED:
                # A 304 need not repeat every validator: keep the ones it leaves out.
                kept = _merge(conditional, validators)
                return Fetched(304, b"", str(response.url), None, "", kept, not_modified=True)
            if response.status_code >= 300:
                raise IngestError(f"HTTP {response.status_code} {response.reason_phrase}".rstrip())
            body = _read_body(response, limits, deadline)
            media_type = response.headers.get("content-type", "").partition(";")[0].strip().lower()
            return Fetched(
                response.status_code, body, str(response.url), response.charset_encoding, media_type, validators
            )
    except httpx.TooManyRedirects as exc:
        raise IngestError(f"too many redirects (more than {client.max_redirects})") from exc
    except httpx.ConnectTimeout as exc:
        raise IngestError(f"timed out after {limits.connect_timeout:g} s connecting to {_host(exc, url)}") from exc
    except httpx.ReadTimeout as exc:
        raise IngestError(
            f"timed out after {limits.read_timeout:g} s waiting for {_host(exc, url)} to send data"
        ) from exc
    except httpx.TimeoutException as exc:
        raise IngestError(f"timed out talking to {_host(exc, url)}") from exc
    except httpx.ConnectError as exc:
        raise IngestError(f"cannot connect to {_host(exc, url)}: {exc}") from exc
    except httpx.UnsupportedProtocol as exc:
        raise IngestError(f"redirected to an address that is not http(s): {exc}") from exc
    except httpx.DecodingError as exc:
        raise IngestError(f"cannot decompress the response from {_host(exc, url)}: {exc}") from exc
    except httpx.HTTPError as exc:
        raise IngestError(f"connection to {_host(exc, url)} failed: {str(exc) or type(exc).__name__}") from exc
    except httpx.InvalidURL as exc:
        raise IngestError(f"invalid URL: {exc}") from exc


def read_page(client: httpx.Client, url: str, limits: FetchLimits, *, outlet: str = "") -> Article:
    """The article on the page at ``url``: fetched, decoded (charset from the header, else
    its ``<meta>``, else detected), and extracted with ``article_from_html``."""
    fetched = fetch(client, url, limits)
    if fetched.content_type not in _PAGE_TYPES:
        raise IngestError(f"not a web page ({fetched.content_type})")
    if not fetched.body.strip():
        raise IngestError("empty response")
    declared = known_charset(fetched.charset) or known_charset(charset_from_html(fetched.body))
    html = decode_bytes(fetched.body, declared)
    return article_from_html(url, html, url=fetched.url, outlet=outlet)


def read_feed(
    client: httpx.Client,
    url: str,
    limits: FetchLimits,
    conditional: Conditional | None = None,
    *,
    outlet: str = "",
    fetch_pages: bool = True,
    known: frozenset[str] = frozenset(),
) -> FeedResult:
    """The articles of the RSS or Atom feed at ``url``.

    ``outlet`` names the publisher (default: the feed's title). With ``fetch_pages``, an
    entry whose text is shorter than ``MIN_FEED_TEXT_WORDS`` words has its linked page
    fetched (same limits) for the full article. Entries that fail become SkippedItems
    (source: the entry's link, else ``URL#N``); non-Arabic ones have kind "language".
    Entries whose link is in ``known`` (kept from an earlier poll) are passed over, and
    their pages not fetched again. Raises IngestError when the feed itself cannot be
    fetched or is not a feed.
    """
    fetched = fetch(client, url, limits, conditional)
    if fetched.not_modified:
        return FeedResult((), (), fetched.conditional, not_modified=True)
    parsed = _parse_feed(fetched)
    outlet = outlet or " ".join(str(parsed.feed.get("title", "")).split())
    articles: list[Article] = []
    skipped: list[SkippedItem] = []
    seen: dict[str, str] = {}
    for number, entry in enumerate(parsed.entries, 1):
        link = str(entry.get("link") or "")
        source = link or f"{url}#{number}"
        if link and link in known:
            continue  # kept from an earlier poll: not fetched again (a changed feed lists old items too)
        try:
            article = _entry_article(client, entry, source, limits, outlet=outlet, fetch_pages=fetch_pages)
        except NotArabicError as exc:
            log.info("skipped %s: %s", source, exc)
            skipped.append(SkippedItem(source=source, reason=str(exc), kind="language"))
            continue
        except IngestError as exc:
            log.warning("skipped %s: %s", source, exc)
            skipped.append(SkippedItem(source=source, reason=str(exc)))
            continue
        if article.id in seen:
            skipped.append(SkippedItem(source=source, reason=f"same text as {seen[article.id]}", kind="duplicate"))
            continue
        seen[article.id] = source
        articles.append(article)
    return FeedResult(tuple(articles), tuple(skipped), fetched.conditional, not_modified=False)


def _parse_feed(fetched: Fetched) -> Any:
    """feedparser's result for the fetched bytes; IngestError if they are not a feed.

    The bytes are decoded here first (``decode_bytes``), as feedparser falls back to
    Windows-1252 for an undeclared charset, which turns Windows-1256 Arabic into Latin
    gibberish; it is handed UTF-8 and a file object, so it never opens a URL or a path.
    """
    import feedparser

    if not fetched.body.strip():
        raise IngestError("empty response")
    declared = known_charset(fetched.charset) or known_charset(charset_from_html(fetched.body))
    text = decode_bytes(fetched.body, declared)
    data = _as_utf8_xml(text)
    parsed = feedparser.parse(
        io.BytesIO(data),
        response_headers={"content-type": "application/xml; charset=utf-8", "content-location": fetched.url},
    )
    if not parsed.entries:
        if not parsed.version and (fetched.content_type in _HTML_TYPES or _HTML_START.search(data[:1024])):
            raise IngestError("not a valid RSS/Atom feed: it is a web page")  # a feed URL that now serves a page
        if not parsed.version:
            raise IngestError("not a valid RSS/Atom feed: no RSS or Atom elements found")
        if parsed.bozo:
            raise IngestError(f"not a valid RSS/Atom feed: {_parse_problem(parsed.get('bozo_exception'))}")
    elif parsed.bozo:
        log.info("feed %s is not well-formed (%s); read what could be read", fetched.url, parsed.bozo_exception)
    return parsed


def _as_utf8_xml(text: str) -> bytes:
    """``text`` as UTF-8 bytes whose XML declaration says so.

    Without a declaration one is added on the first line (feedparser would add its own
    on a line of its own, and the line numbers of parse errors would be off by one).
    """
    data = text.encode("utf-8")
    if _XML_DECLARATION.match(data):
        return _XML_DECLARATION_ENCODING.sub(rb"\g<1>utf-8", data, count=1)  # no encoding given: UTF-8 already
    return b'<?xml version="1.0" encoding="utf-8"?>' + data


def _parse_problem(exc: object) -> str:
    get_message, get_line = getattr(exc, "getMessage", None), getattr(exc, "getLineNumber", None)
    if callable(get_message) and callable(get_line):
        return f"{get_message()} at line {get_line()}"  # the XML parser's own words
    return str(exc) or type(exc).__name__


def _entry_article(
    client: httpx.Client, entry: Any, source: str, limits: FetchLimits, *, outlet: str, fetch_pages: bool
) -> Article:
    link = str(entry.get("link") or "")
    title = _entry_title(entry)
    text = _entry_text(entry)
    published = _entry_date(entry)
    if any(ch.isalpha() for ch in title + text):
        require_arabic(f"{title}\n{text}")  # before fetching a page for an entry we would not keep
    if len(split_words(text)) < MIN_FEED_TEXT_WORDS and link and fetch_pages:
        page = read_page(client, link, limits, outlet=outlet)
        if title:
            page = dataclasses.replace(page, title=title, title_derived=False)  # the feed's headline is the clean one
        return dataclasses.replace(page, source=source, published=published or page.published)
    if not text:
        raise IngestError("no article text in the feed entry")
    article = article_from_title_and_text(source, title, text)
    return dataclasses.replace(article, outlet=outlet, url=link, published=published or date_in_text(text))


def _entry_title(entry: Any) -> str:
    title = str(entry.get("title") or "")
    if "html" in str(entry.get("title_detail", {}).get("type", "")):
        title = html_to_text(title)
    return " ".join(title.split())


def _entry_text(entry: Any) -> str:
    """The longest of the entry's content and summary, as plain text paragraphs."""
    candidates = [*entry.get("content", []), entry.get("summary_detail") or {"value": entry.get("summary", "")}]
    texts = []
    for candidate in candidates:
        value = str(candidate.get("value") or "")
        if candidate.get("type") == "text/plain":
            texts.append("\n\n".join(" ".join(p.split()) for p in value.split("\n\n") if p.strip()))
        else:
            texts.append(html_to_text(value))
    return max(texts, key=lambda t: len(split_words(t)), default="")


def _entry_date(entry: Any) -> dt.date | None:
    """The entry's publication date as the outlet wrote it (its own time zone, not UTC)."""
    for key in ("published", "updated"):
        raw = str(entry.get(key) or "").strip()
        if not raw:
            continue
        try:
            return email.utils.parsedate_to_datetime(raw).date()  # RSS: RFC 822
        except (TypeError, ValueError):
            pass
        try:
            return dt.datetime.fromisoformat(raw).date()  # Atom: RFC 3339
        except ValueError:
            pass
        parsed = entry.get(f"{key}_parsed")  # feedparser's reading of other formats, in UTC
        if parsed:
            return dt.date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday)
    return None


def _read_body(response: httpx.Response, limits: FetchLimits, deadline: float) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limits.max_bytes:
        raise IngestError(f"response larger than {_megabytes(limits.max_bytes)} MB")
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > limits.max_bytes:
            raise IngestError(f"response larger than {_megabytes(limits.max_bytes)} MB")
        if time.monotonic() > deadline:
            raise IngestError(f"timed out after {limits.total_timeout:g} s: the response was still arriving")
        chunks.append(chunk)
    return b"".join(chunks)


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


def _require_http(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise IngestError(f"not an http(s) URL: {url}")


def _host(exc: httpx.HTTPError, url: str) -> str:
    """The host that failed: after redirects it may not be the one in ``url``."""
    try:
        host = exc.request.url.host
    except RuntimeError:  # httpx raises when the error carries no request
        host = urlsplit(url).hostname or ""
    return host or url


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:g}"
