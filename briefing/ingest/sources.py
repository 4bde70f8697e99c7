"""Source kinds and the gathering of a run's articles from all of them.

``SOURCES`` maps the name a ``[[sources]]`` table gives (``folder = ...``, ``feed = ...``,
``page = ...``) to the kind that reads it; a new kind is one module with a class that
has ``name``, ``is_web`` and ``read``, and one line here. ``gather_articles`` reads every
configured source in turn (the web ones first, so what they give is kept in the record
before anything else can fail), one source's failure being one ``skipped`` entry, then
lets in the articles kept from the web earlier, and keeps each id once.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, Protocol

from briefing.errors import IngestError
from briefing.ingest.textfiles import FolderSource
from briefing.ingest.web import FeedSource, PageSource
from briefing.types import Article, Gathered, SkippedItem, SourceRead

if TYPE_CHECKING:
    import httpx

    from briefing.config import Config, Source
    from briefing.ingest.fetch import FetchLimits
    from briefing.ingest.policy import FetchPolicy
    from briefing.store.sources import SourceStore

__all__ = ["SOURCES", "Gathering", "SourceKind", "SourceRead", "gather_articles"]

log = logging.getLogger(__name__)


class SourceKind(Protocol):
    name: ClassVar[str]
    """The key of its ``[[sources]]`` table: ``folder = "..."``."""
    is_web: ClassVar[bool]
    """Whether it polls over HTTP (offline runs skip it; its articles are kept in the record)."""

    def read(self, source: Source, gathering: Gathering) -> SourceRead:
        """The source's articles; IngestError when it cannot be read at all."""
        ...


SOURCES: dict[str, SourceKind] = {kind.name: kind for kind in (FolderSource(), FeedSource(), PageSource())}


@dataclass
class Gathering:
    """One run's reading: its configuration, the record (``None`` when there is none
    yet), and a shared HTTP client made on first use by a web source."""

    config: Config
    store: SourceStore | None
    keep: bool
    """Keep in the record what the web gave, and what each file gave (not in a dry run)."""
    everything: bool = False
    """Every article, published or not (``--all``, ``--since``, ``--force``): nothing may be skipped as known."""
    date: dt.date | None = None
    unread: int = 0
    """Articles of files passed over as known (unchanged, all published): counted as read."""
    _exits: ExitStack = field(default_factory=ExitStack)
    _web: tuple[httpx.Client, FetchLimits, FetchPolicy] | None = None
    _published: set[str] | None = None

    def http(self) -> tuple[httpx.Client, FetchLimits, FetchPolicy]:
        """The run's HTTP client, its limits and its policy (every configured web source's site)."""
        if self._web is None:
            from briefing.ingest.fetch import FetchLimits, FetchPolicy, make_client

            config = self.config
            limits = FetchLimits(
                connect_timeout=config.connect_timeout,
                read_timeout=config.read_timeout,
                total_timeout=config.total_timeout,
                max_bytes=int(config.max_mb * 1_000_000),
                max_redirects=config.max_redirects,
            )
            policy = FetchPolicy.for_sources((s.location for s in config.effective_sources if s.is_web), config.allow_hosts)
            self._web = (self._exits.enter_context(make_client(limits, policy)), limits, policy)
        return self._web

    def published(self) -> set[str]:
        """Ids of every article already in a published briefing."""
        if self._published is None:
            self._published = self.store.published_ids() if self.store is not None else set()
        return self._published

    def close(self) -> None:
        self._exits.close()


def gather_articles(
    config: Config,
    store: SourceStore | None,
    *,
    keep: bool,
    poll: bool = True,
    everything: bool = False,
    date: dt.date | None = None,
) -> Gathered:
    """Read every configured source. Feeds and pages are polled (unless ``poll`` is false or
    the run is offline); with ``keep``, what they give is kept in the record first, and the
    record's kept articles join the folders' articles: the unpublished ones and those of
    ``date``'s briefing, or all of them with ``everything``."""
    articles: dict[str, Article] = {}
    copies: list[Article] = []
    skipped: list[SkippedItem] = []

    def add(article: Article) -> None:
        if article.id in articles:
            copies.append(article)
        else:
            articles[article.id] = article

    sources = config.effective_sources
    gathering = Gathering(config, store, keep, everything, date)
    polled: list[Article] = []
    try:
        for source in _in_order(sources):
            kind = SOURCES[source.kind]
            if kind.is_web and (not poll or config.offline):
                if config.offline and poll:  # said in the report: the user knows these were not asked
                    reason = "not polled: offline (--offline, fetch.offline)"
                    skipped.append(SkippedItem(source=source.location, reason=reason, kind="offline"))
                continue
            read = _read_one(kind, source, gathering)
            skipped.extend(read.skipped)
            copies.extend(read.copies)
            if kind.is_web:
                polled.extend(read.articles)
            else:
                for article in read.articles:
                    add(article)
    finally:
        gathering.close()
    kept: list[Article] = []
    # Articles kept from the web join only when web sources are configured: `--input DIR`
    # means that folder alone (the kept ones wait in the record for the next full run).
    if store is not None and any(s.is_web for s in sources):
        kept = store.kept_articles(everything=everything, date=date)
    kept_keys = {(a.id, a.source) for a in kept}
    # A dry run keeps nothing, so what it polled joins here (unless already kept).
    for article in [*kept, *([] if keep else [a for a in polled if (a.id, a.source) not in kept_keys])]:
        add(article)
    return Gathered(list(articles.values()), copies, skipped, gathering.unread)


def _in_order(sources: tuple[Source, ...]) -> Iterator[Source]:
    """Web sources first: what they give is kept in the record before a folder can fail the run."""
    yield from (s for s in sources if s.is_web)
    yield from (s for s in sources if not s.is_web)


def _read_one(kind: SourceKind, source: Source, gathering: Gathering) -> SourceRead:
    """One source; its failure is one ``skipped`` entry (a missing folder is a configuration error)."""
    try:
        return kind.read(source, gathering)
    except IngestError as exc:
        log.info("skipped %s: %s", source.location, exc)
        return SourceRead([], [SkippedItem(source=source.location, reason=str(exc))], [])
    except Exception as exc:  # one source's surprise must not cost the others (MemoryError included)
        log.info("skipped %s after an internal error", source.location, exc_info=True)
        reason = f"internal error: {type(exc).__name__}: {exc}"
        return SourceRead([], [SkippedItem(source=source.location, reason=reason)], [])
