"""The gathering of a run's articles from every configured source.

Each source is read by its kind's reader (``ingest.registry.SOURCES``: a new kind is one
module with a ``SourceReader`` class and one line there). ``gather_articles`` reads every
configured source in turn (the web ones first, so what they give is kept in the record
before anything else can fail), one source's failure being one ``skipped`` entry, then
lets in the articles kept from the web earlier, and keeps each id once; outlets get
their display names (``ingest.outlets``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING, Protocol

from briefing.errors import BriefingError, IngestError
from briefing.ingest.gathering import Gathering
from briefing.ingest.outlets import OutletNames
from briefing.ingest.registry import SOURCES, SourceKind
from briefing.types import Article, Gathered, SkippedItem, SourceRead

if TYPE_CHECKING:
    from briefing.config import Config, Source
    from briefing.store.sources import SourceStore

__all__ = ["SOURCES", "Gathering", "SourceKind", "SourceRead", "SourceReader", "gather_articles"]

log = logging.getLogger(__name__)


class SourceReader(Protocol):
    """What a source kind's class does (``ingest.registry.SOURCES`` names it)."""

    def read(self, source: Source, gathering: Gathering) -> SourceRead:
        """The source's articles, what it left out and why; IngestError when it cannot
        be read at all (one ``skipped`` entry; the run goes on)."""
        ...


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
            read = _read_one(kind.load(), source, gathering)
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
    names = OutletNames(config.outlets)  # "aawsat" shown as "Asharq Al-Awsat"
    return Gathered(
        [names.name(a) for a in articles.values()], [names.name(c) for c in copies], skipped, frozenset(gathering.unread)
    )


def _in_order(sources: tuple[Source, ...]) -> Iterator[Source]:
    """Web sources first: what they give is kept in the record before a folder can fail the run."""
    yield from (s for s in sources if s.is_web)
    yield from (s for s in sources if not s.is_web)


def _read_one(kind: SourceReader, source: Source, gathering: Gathering) -> SourceRead:
    """One source; its failure is one ``skipped`` entry (a missing folder is a configuration error)."""
    try:
        return kind.read(source, gathering)
    except IngestError as exc:
        log.info("skipped %s: %s", source.location, exc)
        return SourceRead([], [SkippedItem(source=source.location, reason=str(exc))], [])
    except BriefingError:  # the record (a full disk) or the configuration: the run's failure, not the source's
        raise
    except Exception as exc:  # one source's surprise must not cost the others (MemoryError included)
        log.info("skipped %s after an internal error", source.location, exc_info=True)
        reason = f"internal error: {type(exc).__name__}: {exc}"
        return SourceRead([], [SkippedItem(source=source.location, reason=reason)], [])
