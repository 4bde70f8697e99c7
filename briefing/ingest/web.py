"""Articles from the web: RSS/Atom feeds and article pages (fetched by ``fetch``).

feedparser and trafilatura are handed bytes and strings and never fetch anything
themselves; images, frames and scripts in a page or entry are dropped, never loaded.

A feed entry whose text is only a teaser has its article page fetched, if its link is on
an allowed site (``FetchPolicy``). At most ``max_items`` new entries are taken per poll;
the rest wait for the next. Entries already handled (kept, or left out for good: not
Arabic, a duplicate, a refused link) are passed over without a request. One entry that
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
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from briefing.arabic import split_words
from briefing.errors import IngestError
from briefing.ingest.decode import DecodedText, charset_from_html, decode_text, known_charset
from briefing.ingest.fetch import (
    BlockedError,
    Conditional,
    Fetched,
    FetchLimits,
    FetchPolicy,
    TimedOutError,
    TransientError,
    fetch,
)
from briefing.ingest.html import article_from_html, article_from_title_and_text, html_to_text
from briefing.ingest.metadata import EmptyError, date_in_text, date_in_url, display_text, require_arabic, skip_kind
from briefing.types import RETRY_LATER, Article, SkippedItem, SourceRead

if TYPE_CHECKING:
    import httpx

    from briefing.config import Source
    from briefing.ingest.gathering import Gathering

__all__ = [
    "DEFAULT_FEED_BUDGET_S",
    "DEFAULT_MAX_ITEMS",
    "MAX_FAILURES_IN_ROW",
    "MIN_FEED_TEXT_WORDS",
    "FeedResult",
    "FeedSource",
    "PageRead",
    "PageSource",
    "read_feed",
    "read_page",
]

log = logging.getLogger(__name__)

# A feed entry with fewer words than this is a teaser, and its page is fetched for the
# article. Arabic feeds carry either the full text (hundreds of words) or a one- or
# two-sentence summary (15-50 words, often ending "..."); a real news item is rarely
# under 60 words, so 60 separates the two.
MIN_FEED_TEXT_WORDS = 60
# New entries taken per poll (``fetch.max_items``; see config.DEFAULT_MAX_ITEMS).
DEFAULT_MAX_ITEMS = 200
# Seconds one feed's poll may take, its pages included (``fetch.feed_budget``): 200 pages
# each just inside a 60 s deadline would hold the run for 3 hours; a feed of 100 full-text
# items and their pages takes well under a minute from a healthy site.
DEFAULT_FEED_BUDGET_S = 300.0
# Pages of one feed that may time out in a row (a stalled site: each costs up to
# fetch.total_timeout) before the rest of the feed waits for the next poll. Three keeps a site that drops one page from losing the others, and
# bounds a stalled one at three deadlines a poll, not max_items of them.
MAX_FAILURES_IN_ROW = 3
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_PAGE_TYPES = _HTML_TYPES | {"text/plain", ""}
_HTML_START = re.compile(rb"<(!doctype\s+html|html)\b", re.IGNORECASE)
_XML_DECLARATION = re.compile(rb"\s*<\?xml\b")
_XML_DECLARATION_ENCODING = re.compile(rb"^(\s*<\?xml\b[^>]*?\bencoding\s*=\s*[\"'])([A-Za-z0-9._:-]+)")


class FeedSource:
    """``[[sources]] feed = "..."``: an RSS or Atom feed, polled (conditional GET), its new
    entries kept in the record at once, the ones left out for good remembered."""

    def read(self, source: Source, gathering: Gathering) -> SourceRead:
        client, limits, policy = gathering.http()
        config, store, url = gathering.config, gathering.store, source.location
        previous = store.validators(url) if store is not None else None
        known = store.handled_links() if store is not None else frozenset()
        try:
            result = read_feed(
                client, url, limits, Conditional(*previous) if previous else None, outlet=source.outlet,
                fetch_pages=config.fetch_pages, known=known, max_items=config.max_items, policy=policy,
                budget_s=config.feed_budget,
            )
        except IngestError as exc:
            if store is not None and gathering.keep:
                store.note_poll_failure(url, f"failed: {exc}")
            raise
        skipped = list(result.skipped)
        if result.deferred:
            why = result.deferred_because
            skipped.append(SkippedItem(url, f"{result.deferred} more new items wait for the next run ({why})", "deferred"))
        # After a 304, when an entry failed for a reason that may pass (its page timed out),
        # when entries wait, or when a link was refused (the next configuration may allow
        # it), keep the old validators: the next poll then gets the whole feed again.
        retry = result.deferred or result.blocked or any(outcome == RETRY_LATER for _, outcome in result.left_out)
        validators = previous if (result.not_modified or retry) else (
            (result.conditional.etag, result.conditional.last_modified) if result.conditional else None
        )
        outcome = "not modified" if result.not_modified else f"{len(result.articles)} items"
        log.info("feed %s: %s", url, outcome)
        if store is not None and gathering.keep:
            store.keep_polled(url, result.articles, validators, outcome, result.left_out)
        return SourceRead(list(result.articles), skipped, [])


class PageSource:
    """``[[sources]] page = "..."``: one article page, fetched each run and kept in the record."""

    def read(self, source: Source, gathering: Gathering) -> SourceRead:
        client, limits, _ = gathering.http()
        store = gathering.store
        try:
            read = read_page(client, source.location, limits, outlet=source.outlet)
        except IngestError as exc:
            if store is not None and gathering.keep:
                store.note_poll_failure(source.location, f"failed: {exc}")
            raise
        log.info("page %s: 1 page", source.location)
        if store is not None and gathering.keep:
            store.keep_polled(source.location, [read.article], None, "1 page")
        return SourceRead([read.article], list(read.notes), [])


@dataclass(frozen=True, slots=True)
class PageRead:
    """The article of one page, and what the reader should know about its text (a repair)."""

    article: Article
    notes: tuple[SkippedItem, ...] = ()


@dataclass(frozen=True, slots=True)
class FeedResult:
    """What one poll of a feed gave: its articles, its entries left out, and validators."""

    articles: tuple[Article, ...]
    skipped: tuple[SkippedItem, ...]
    conditional: Conditional | None
    not_modified: bool
    deferred: int = 0
    """New entries left for the next poll: beyond ``max_items``, or after
    ``MAX_FAILURES_IN_ROW`` pages in a row failed."""
    deferred_because: str = ""
    """Why entries were left for the next poll (max_items, the time budget, timeouts)."""
    left_out: tuple[tuple[str, str], ...] = ()
    """(link, outcome) of each entry to remember as handled: its skip kind when final, or
    ``RETRY_LATER`` when its failure may pass (a timeout, HTTP 5xx). Refused links are not
    in it: they cost no request, and may be allowed by the next configuration."""
    blocked: int = 0
    """Entries whose page is on a site the policy refuses."""


def read_page(client: httpx.Client, url: str, limits: FetchLimits, *, outlet: str = "") -> PageRead:
    """The article on the page at ``url``: fetched, decoded (charset from the header, else
    its ``<meta>``, else detected), and extracted with ``article_from_html``."""
    fetched = fetch(client, url, limits)
    if fetched.content_type not in _PAGE_TYPES:
        raise IngestError(f"not a web page ({fetched.content_type})")
    if not fetched.body.strip():
        raise IngestError("empty response")
    decoded = _decode(fetched)
    notes = (SkippedItem(source=url, reason=decoded.repair, kind="repaired"),) if decoded.repair else ()
    return PageRead(article_from_html(url, decoded.text, url=fetched.url, outlet=outlet), notes)


def _decode(fetched: Fetched) -> DecodedText:
    declared = known_charset(fetched.charset) or known_charset(charset_from_html(fetched.body))
    return decode_text(fetched.body, declared)


def read_feed(
    client: httpx.Client,
    url: str,
    limits: FetchLimits,
    conditional: Conditional | None = None,
    *,
    outlet: str = "",
    fetch_pages: bool = True,
    known: frozenset[str] = frozenset(),
    max_items: int = DEFAULT_MAX_ITEMS,
    policy: FetchPolicy | None = None,
    budget_s: float = DEFAULT_FEED_BUDGET_S,
) -> FeedResult:
    """The articles of the RSS or Atom feed at ``url``.

    ``outlet`` names the publisher (default: the feed's title). With ``fetch_pages``, an
    entry whose text is shorter than ``MIN_FEED_TEXT_WORDS`` words has its linked page
    fetched (same limits) for the full article, if ``policy`` allows its link (entries
    it refuses are skipped, kind "blocked"). Entries that fail become SkippedItems
    (source: the entry's link, else ``URL#N``). Entries whose link is in ``known``
    (handled by an earlier poll) are passed over; of the others, the first
    ``max_items`` are taken and the rest counted in ``deferred``, as are those left when
    the poll has taken ``budget_s`` seconds. Raises IngestError when the feed itself
    cannot be fetched or is not a feed.
    """
    out_of_time = time.monotonic() + budget_s
    fetched = fetch(client, url, limits, conditional)
    if fetched.not_modified:
        return FeedResult((), (), fetched.conditional, not_modified=True)
    parsed, repair = _parse_feed(fetched)
    outlet = outlet or " ".join(str(parsed.feed.get("title", "")).split())
    articles: list[Article] = []
    skipped: list[SkippedItem] = [SkippedItem(source=url, reason=repair, kind="repaired")] if repair else []
    left_out: list[tuple[str, str]] = []
    seen: dict[str, str] = {}
    taken = deferred = failures_in_row = blocked = 0
    for number, entry in enumerate(parsed.entries, 1):
        link = str(entry.get("link") or "")
        source = link or f"{url}#{number}"
        if link and link in known:
            continue  # handled by an earlier poll: not fetched again (a changed feed lists old items too)
        if taken == max_items or failures_in_row == MAX_FAILURES_IN_ROW or time.monotonic() > out_of_time:
            deferred += 1
            continue
        taken += 1
        try:
            read = _entry_article(client, entry, source, limits, outlet=outlet, fetch_pages=fetch_pages, policy=policy)
        except BlockedError as exc:
            # No request was made, so it does not count against max_items; not remembered
            # either: once the host is allowed (fetch.allow_hosts), the next poll takes it.
            log.info("skipped %s: %s", source, exc)
            skipped.append(SkippedItem(source=source, reason=str(exc), kind="blocked"))
            taken -= 1
            blocked += 1
            continue
        except Exception as exc:  # one entry's failure, foreseen or not, costs that entry alone
            error = exc if isinstance(exc, IngestError) else IngestError(f"internal error: {type(exc).__name__}: {exc}")
            if not isinstance(exc, IngestError):
                log.info("entry %s of %s failed", source, url, exc_info=True)
            log.info("skipped %s: %s", source, error)
            skipped.append(SkippedItem(source=source, reason=str(error), kind=skip_kind(error)))
            passes = isinstance(error, TransientError)
            failures_in_row = failures_in_row + 1 if isinstance(error, TimedOutError) else 0
            if link:
                left_out.append((link, RETRY_LATER if passes else skip_kind(error)))
            continue
        failures_in_row = 0
        article, notes = read.article, read.notes
        skipped.extend(notes)
        if article.id in seen:
            skipped.append(SkippedItem(source=source, reason=f"same text as {seen[article.id]}", kind="duplicate"))
            if link:
                left_out.append((link, "duplicate"))
            continue
        seen[article.id] = source
        articles.append(article)
    why = ""
    if deferred:
        if failures_in_row == MAX_FAILURES_IN_ROW:
            why = f"{MAX_FAILURES_IN_ROW} pages in a row timed out"
        elif taken == max_items:
            why = f"fetch.max_items = {max_items}"
        else:
            why = f"the feed's poll took its fetch.feed_budget of {budget_s:g} s"
        log.info("feed %s: %d more new items wait for the next poll (%s)", url, deferred, why)
    return FeedResult(
        tuple(articles),
        tuple(skipped),
        fetched.conditional,
        not_modified=False,
        deferred=deferred,
        deferred_because=why,
        left_out=tuple(left_out),
        blocked=blocked,
    )


def _parse_feed(fetched: Fetched) -> tuple[Any, str | None]:
    """feedparser's result for the fetched bytes, and the decoding's repair note if any;
    IngestError if they are not a feed.

    The bytes are decoded here first (``decode_text``), as feedparser falls back to
    Windows-1252 for an undeclared charset, which turns Windows-1256 Arabic into Latin
    gibberish; it is handed UTF-8 and a file object, so it never opens a URL or a path.
    """
    import feedparser

    if not fetched.body.strip():
        raise IngestError("empty response")
    decoded = _decode(fetched)
    data = _as_utf8_xml(decoded.text)
    parsed = feedparser.parse(
        io.BytesIO(data),
        response_headers={"content-type": "application/xml; charset=utf-8", "content-location": fetched.url},
        # Its HTML sanitizer and link rewriter cost the square of an entry's length (a
        # 400 KB "<!--" took 104 s); entries' HTML goes through lxml (html_to_text) anyway,
        # which keeps only text, so neither is needed.
        sanitize_html=False,
        resolve_relative_uris=False,
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
    return parsed, decoded.repair


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
    client: httpx.Client,
    entry: Any,
    source: str,
    limits: FetchLimits,
    *,
    outlet: str,
    fetch_pages: bool,
    policy: FetchPolicy | None,
) -> PageRead:
    link = str(entry.get("link") or "")
    title = _entry_title(entry)
    text = _entry_text(entry)
    published = _entry_date(entry)
    if any(ch.isalpha() for ch in title + text):
        require_arabic(f"{title}\n{text}")  # before fetching a page for an entry we would not keep
    if len(split_words(text)) < MIN_FEED_TEXT_WORDS and link and fetch_pages:
        if policy is not None:
            policy.check_url(link)  # a clear refusal before any request (the client checks again)
        read = read_page(client, link, limits, outlet=outlet)
        page = read.article
        if title:
            page = dataclasses.replace(page, title=title, title_derived=False)  # the feed's headline is the clean one
        return PageRead(dataclasses.replace(page, source=source, published=published or page.published), read.notes)
    if not text:
        raise EmptyError("no article text in the feed entry")
    # Title and text are decoded already (the XML's entities by feedparser, an HTML
    # content's by html_to_text): not again.
    article = article_from_title_and_text(source, title, text, entities=False)
    return PageRead(dataclasses.replace(
        article, outlet=outlet, url=link, published=published or date_in_url(link) or date_in_text(text)
    ))


def _entry_title(entry: Any) -> str:
    title = str(entry.get("title") or "")
    if "html" in str(entry.get("title_detail", {}).get("type", "")):
        title = html_to_text(title)  # its entities decoded, once (the XML's were, by feedparser)
    return " ".join(display_text(title, entities=False).split())


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
