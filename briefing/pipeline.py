"""The one place that knows the order of the stages.

``run_briefing`` makes the briefing for one date:

1. find the translation model (fail before reading or writing anything if there is none);
   then take the run lock, open the record, and settle what an interrupted run left
   (``publish.reconcile``);
2. read the articles from every source (folders; feeds and pages, whose articles are kept
   in the record), reporting the items it cannot use, and choose the ones this briefing
   covers (by default: not yet in a published briefing);
3. collapse copies, find reprints, group the articles into stories, rank them;
4. select the featured stories' key sentences, across their articles, none twice;
5. translate every title and key sentence in one batched call;
6. render the Markdown, and the PDF from it;
7. publish: both files into ``OUT/YYYY-MM-DD/``, noted in the record before they are
   renamed into place, and the articles marked as published once they are
   (``publish.publish``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import sqlite3
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from briefing.arabic import split_sentences
from briefing.cluster import find_stories
from briefing.config import Config, Source, database_path, models_path
from briefing.errors import AlreadyPublishedError, BriefingError, IngestError, StoreError
from briefing.ingest.textfiles import read_folder
from briefing.lock import run_lock
from briefing.offline import no_network
from briefing.publish import publish, reconcile
from briefing.render import find_templates_dir, render_markdown, render_pdf
from briefing.report import skip_summary
from briefing.store import Record, RunRow, TranslationMemory, open_database, read_only_record
from briefing.summarize import Budget, KeySentenceSelector, get_selector
from briefing.summarize.story import StorySentences, select_story_sentences
from briefing.translate import Decoder, Glossary, TranslationEngine, load_glossary, open_model
from briefing.types import (
    RETRY_LATER,
    Article,
    Briefing,
    FeaturedStory,
    KeyPoint,
    ListedArticle,
    RunReport,
    Sentence,
    SkippedItem,
    Story,
    Translation,
)

__all__ = ["ArticleChoice", "Clock", "Status", "briefing_date", "build_engine", "last_run_started", "open_decoder", "run_briefing", "scheduled_job", "status", "translate_text", "utc_now"]

log = logging.getLogger(__name__)


Clock = Callable[[], dt.datetime]
T = TypeVar("T")
Checkpoint = Callable[[str], None]


def _no_checkpoint(name: str) -> None:
    pass


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def briefing_date(config: Config, now: dt.datetime) -> dt.date:
    """The date of ``now`` in the configured time zone (the machine's own when none is set)."""
    zone = ZoneInfo(config.timezone) if config.timezone else None
    return now.astimezone(zone).date()


@dataclass(frozen=True, slots=True)
class ArticleChoice:
    """Which articles a run briefs: the new ones (default), all read, or those first seen since a day."""

    everything: bool = False
    since: dt.date | None = None
    force: bool = False
    """Rebuild a date that already has a briefing (its articles and any new ones)."""
    dry_run: bool = False
    """Read and report; write nothing (no files, no record, no model)."""


def open_decoder(config: Config) -> Decoder:
    """The configured model for the pair (``ModelNotInstalledError`` if none)."""
    return open_model(
        config.argos_packages_dir,
        models_path(config),
        config.source_lang,
        config.target_lang,
        name=config.model,
        compute_type=config.compute_type,
        threads=config.threads,
    )


def build_engine(config: Config, decoder: Decoder, connection: sqlite3.Connection | None) -> TranslationEngine:
    glossary = load_glossary() if config.starter_glossary else Glossary({})
    if config.glossary is not None:
        glossary = glossary.merged(load_glossary(config.glossary))
    memory = TranslationMemory(connection) if (config.memory and connection is not None) else None
    return TranslationEngine(decoder, glossary=glossary, memory=memory, min_confidence=config.min_confidence)


def translate_text(config: Config, text: str, *, decoder: Decoder | None = None) -> list[Translation]:
    """Each sentence of ``text`` through the engine (memory, glossary, checks), in order."""
    decoder = decoder or open_decoder(config)
    connection = open_database(database_path(config)) if config.memory else None
    try:
        engine = build_engine(config, decoder, connection)
        sentences = split_sentences(text)
        translations = engine.translate(sentences)
        return [translations[s] for s in sentences]
    finally:
        if connection is not None:
            connection.close()


def run_briefing(
    config: Config,
    *,
    date: dt.date | None = None,
    decoder: Decoder | None = None,
    clock: Clock = utc_now,
    choice: ArticleChoice = ArticleChoice(),
    checkpoint: Checkpoint = _no_checkpoint,
) -> RunReport:
    """Make the briefing for ``date`` (default: today by ``clock``) and return what the run did.

    ``checkpoint(name)`` is called at the points where a crash matters most ("ingest",
    "translate", then publishing's "staged", "intent", "between-files", "before-commit"
    and "committed"); the crash-safety tests kill the process there. It does nothing
    otherwise.
    """
    date = date or briefing_date(config, clock())
    templates_dir = find_templates_dir(config.templates_dir)
    selector = get_selector(config.summarizer)
    if choice.dry_run:
        return _dry_run(config, date, selector, choice)

    # 1. The model, before anything is read or written.
    decoder = decoder or open_decoder(config)
    database = database_path(config)
    with run_lock(database.with_suffix(".lock"), config.lock_wait):
        connection = open_database(database)
        try:
            record = Record(connection)
            run_id = _store(lambda: record.begin_run(date), database)
            outcome, report = "failed", None
            try:
                _store(lambda: reconcile(record, config.out_dir, database.parent / "unrecorded", run=run_id), database)
                engine = build_engine(config, decoder, connection)
                report = _store(
                    lambda: _run(config, date, engine, selector, templates_dir, record, choice, checkpoint), database
                )
                outcome = "published" if report.markdown is not None else "nothing new"
                return report
            except BriefingError as error:
                outcome = f"failed: {error}"
                raise
            except Exception as error:
                outcome = f"failed: internal error: {type(error).__name__}: {error}"
                raise
            finally:
                counts = (report.articles_read, report.articles_new, report.articles_published) if report else (0, 0, 0)
                try:
                    record.finish_run(run_id, outcome[:1000], *counts)
                except sqlite3.Error as exc:  # a full disk must not hide the run's own error
                    log.info("could not note the run's outcome in the record: %s", exc)
        finally:
            connection.close()


def _store(step: Callable[[], T], database: Path) -> T:
    """``step()``, with the record's own failures (a full disk, a locked or broken file)
    reported as StoreError naming the record, in one line."""
    try:
        return step()
    except sqlite3.Error as exc:
        raise StoreError(f"the record {database}: {exc}") from exc


def _dry_run(config: Config, date: dt.date, selector: KeySentenceSelector, choice: ArticleChoice) -> RunReport:
    published: set[str] = set()
    with read_only_record(database_path(config)) as record:
        gathered = gather_articles(config, record, keep=False, everything=bool(choice.everything or choice.since), date=date)
        if record is not None:
            try:
                published = record.published_ids()
            except sqlite3.Error:
                pass  # a record from before the articles table: nothing published yet
    articles = gathered.articles
    new = [a for a in articles if a.id not in published]
    # --since needs first-seen times the dry run does not write; it counts every article read.
    chosen = articles if (choice.everything or choice.since) else new
    with no_network():
        stories = find_stories([*chosen, *_copies_of(gathered, chosen)])
        featured = _featured_points(config, selector, stories)
    return RunReport(
        date=date,
        articles_read=gathered.read_count,
        articles_new=len(new),
        skipped=tuple(gathered.skipped),
        sentences_selected=sum(len(points) for _, points in featured),
        sentences_translated_by_model=0,
        sentences_from_memory=0,
        articles_published=0,
        stories=tuple(_story_summary(story, None) for story in stories),
        offline=config.offline,
    )


@dataclass(frozen=True, slots=True)
class Gathered:
    """The articles of every source: each id once, plus exact copies from elsewhere."""

    articles: list[Article]
    copies: list[Article]
    """Same text as an article above (so the same id), from another file, outlet or feed."""
    skipped: list[SkippedItem]

    @property
    def read_count(self) -> int:
        return len(self.articles) + len(self.skipped)


def gather_articles(
    config: Config,
    record: Record | None,
    *,
    keep: bool,
    poll: bool = True,
    everything: bool = False,
    date: dt.date | None = None,
) -> Gathered:
    """Read every configured source. Feeds and pages are polled; with ``keep``, what they
    give is kept in the record first (so a crash later in the run loses nothing), and the
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
    web = [s for s in sources if s.is_web] if poll else []
    if config.offline:  # said in the report: the user knows these outlets were not asked
        skipped.extend(
            SkippedItem(source=s.location, reason="not polled: offline (--offline, fetch.offline)", kind="offline")
            for s in web
        )
        web = []
    polled = _poll_web(config, web, record, keep=keep, skipped=skipped)
    for source in sources:
        if source.kind == "folder":
            folder = Path(source.location)
            if not folder.is_dir():
                raise IngestError(f"input folder not found: {folder}")  # a configuration mistake: exit 3
            try:
                read = read_folder(folder, source.outlet)
            except IngestError as exc:  # its metadata.toml is broken: this folder is left out, the rest go on
                log.info("skipped %s: %s", folder, exc)
                skipped.append(SkippedItem(source=str(folder), reason=str(exc)))
                continue
            skipped.extend(read.skipped)
            copies.extend(read.copies)
            for article in read.articles:
                add(article)
    kept: list[Article] = []
    # Articles kept from the web join only when web sources are configured: `--input DIR`
    # means that folder alone (the kept ones wait in the record for the next full run).
    if record is not None and any(s.is_web for s in sources):
        kept = _from_record(lambda: record.fetched_articles(everything=everything, date=date), [])
    kept_keys = {(a.id, a.source) for a in kept}
    # A dry run keeps nothing, so what it polled joins here (unless already kept).
    for article in [*kept, *([] if keep else [a for a in polled if (a.id, a.source) not in kept_keys])]:
        add(article)
    return Gathered(list(articles.values()), copies, skipped)


def _poll_web(
    config: Config, sources: list[Source], record: Record | None, *, keep: bool, skipped: list[SkippedItem]
) -> list[Article]:
    """Poll each feed and page; one outlet's failure is reported and the others go on."""
    if not sources:
        return []
    from briefing.ingest.fetch import Conditional, FetchLimits, FetchPolicy, make_client
    from briefing.ingest.web import read_feed, read_page

    limits = FetchLimits(
        connect_timeout=config.connect_timeout,
        read_timeout=config.read_timeout,
        total_timeout=config.total_timeout,
        max_bytes=int(config.max_mb * 1_000_000),
        max_redirects=config.max_redirects,
    )
    policy = FetchPolicy.for_sources((s.location for s in config.effective_sources if s.is_web), config.allow_hosts)
    polled: list[Article] = []
    known: frozenset[str] = _from_record(record.fetched_sources, frozenset()) if record is not None else frozenset()
    with make_client(limits, policy) as client:
        for source in sources:
            url = source.location
            previous = _from_record(partial(record.validators, url), None) if record is not None else None
            left_out: list[tuple[str, str]] = []
            try:
                if source.kind == "feed":
                    conditional = Conditional(*previous) if previous else None
                    result = read_feed(
                        client, url, limits, conditional, outlet=source.outlet, fetch_pages=config.fetch_pages,
                        known=known, max_items=config.max_items, policy=policy, budget_s=config.feed_budget,
                    )
                    items, outcome = list(result.articles), f"{len(result.articles)} items"
                    skipped.extend(result.skipped)
                    left_out = list(result.left_out)
                    if result.deferred:
                        skipped.append(SkippedItem(
                            source=url,
                            reason=f"{result.deferred} more new items wait for the next run ({result.deferred_because})",
                            kind="deferred",
                        ))
                    # After a 304, when an entry failed for a reason that may pass (its page
                    # timed out), when entries wait (max_items), or when a link was refused
                    # (the next configuration may allow it), keep the old validators: the
                    # next poll then gets the whole feed again.
                    retry = result.deferred or result.blocked or any(o == RETRY_LATER for _, o in result.left_out)
                    validators = previous if (result.not_modified or retry) else (
                        (result.conditional.etag, result.conditional.last_modified) if result.conditional else None
                    )
                    if result.not_modified:
                        outcome = "not modified"
                else:
                    read = read_page(client, url, limits, outlet=source.outlet)
                    items, outcome, validators = [read.article], "1 page", None
                    skipped.extend(read.notes)
            except IngestError as exc:
                log.info("skipped %s: %s", url, exc)
                skipped.append(SkippedItem(source=url, reason=str(exc)))
                if keep and record is not None:
                    record.note_poll_failure(url, f"failed: {exc}")
                continue
            except Exception as exc:  # one outlet's surprise must not cost the others (MemoryError included)
                log.info("skipped %s after an internal error", url, exc_info=True)
                skipped.append(SkippedItem(source=url, reason=f"internal error: {type(exc).__name__}: {exc}"))
                continue
            log.info("%s %s: %s", source.kind, url, outcome)
            if keep and record is not None:
                record.keep_fetched(url, items, validators, outcome, left_out)
            polled.extend(items)
    return polled


def _from_record(read: Callable[[], T], default: T) -> T:
    """``read()`` from the record, or ``default`` when the record predates what it reads
    (a read-only look at an old record must not fail: migrations run only on writing)."""
    try:
        return read()
    except sqlite3.Error:
        return default


def _copies_of(gathered: Gathered, chosen: list[Article]) -> list[Article]:
    ids = {a.id for a in chosen}
    return [c for c in gathered.copies if c.id in ids]


@dataclass(frozen=True, slots=True)
class Status:
    last_runs: tuple[RunRow, ...]
    articles_waiting: int
    """Articles in the input folder that no published briefing contains yet."""
    briefings_published: int
    database: Path


def status(config: Config, runs: int = 5) -> Status:
    """What the record says, read-only: recent runs, briefings so far, articles waiting."""
    database = database_path(config)
    with read_only_record(database) as record:
        # Folders and the articles already kept from feeds; status polls nothing.
        try:
            articles = gather_articles(config, record, keep=False, poll=False).articles
        except IngestError:
            articles = []  # a missing folder: nothing waiting there
        if record is None:
            return Status((), len(articles), 0, database)
        try:
            published = record.published_ids()
            waiting = sum(1 for a in articles if a.id not in published)
            return Status(tuple(record.last_runs(runs)), waiting, record.briefing_count(), database)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot read the record {database}: {exc}") from exc


def scheduled_job(config: Config, *, decoder: Decoder | None = None, clock: Clock = utc_now) -> Callable[[], None]:
    """The daily job for the scheduler: one run, one log line; a failure is logged, not raised."""

    def job() -> None:
        try:
            report = run_briefing(config, decoder=decoder, clock=clock)
        except BriefingError as error:
            log.error("scheduled run failed: %s", error)
            return
        except Exception as error:  # a bug must not stop tomorrow's run: one line, the traceback at -v
            log.error("scheduled run failed: internal error: %s: %s", type(error).__name__, error)
            log.info("the internal error's traceback", exc_info=True)
            return
        log.warning(
            "scheduled run %s: read %d, new %d, published %d%s",
            report.date, report.articles_read, report.articles_new, report.articles_published,
            f" -> {report.markdown}" if report.markdown else " (nothing written)",
        )
        for line in skip_summary(report.skipped):  # a feed down for weeks must show in the log
            log.warning("scheduled run %s: %s", report.date, line)

    return job


def last_run_started(config: Config) -> dt.datetime | None:
    """When the last run began, by the record (None if there is no record yet)."""
    with read_only_record(database_path(config)) as record:
        if record is None:
            return None
        try:
            return record.last_run_started()
        except sqlite3.Error:
            return None


def _featured_points(
    config: Config, selector: KeySentenceSelector, stories: list[Story]
) -> list[tuple[Story, list[tuple[Sentence, Article]]]]:
    """The top stories and their key sentences; no sentence twice in the briefing. A story
    left with nothing new to say (earlier stories used all its sentences) is not featured:
    its articles are listed with the others, and the next story takes its place."""
    seen = StorySentences()
    budget = Budget(max_sentences=config.max_sentences, max_words=config.max_words)
    featured: list[tuple[Story, list[tuple[Sentence, Article]]]] = []
    for story in stories:
        if len(featured) == config.featured_stories:
            break
        points = select_story_sentences(selector, story, config.story_sentences, seen, budget)
        if points:
            featured.append((story, points))
    return featured


def _story_summary(story: Story, translations: dict[str, Translation] | None) -> dict[str, Any]:
    """A story as the ``--json`` report gives it."""
    title = story.lead.title
    return {
        "title_ar": title,
        "title_en": translations[title].text if translations is not None else None,
        "outlets": list(story.outlets),
        "articles": story.article_count,
    }


def _run(
    config: Config,
    date: dt.date,
    engine: TranslationEngine,
    selector: KeySentenceSelector,
    templates_dir: Path,
    record: Record,
    choice: ArticleChoice,
    checkpoint: Checkpoint,
) -> RunReport:
    # 2. Articles, and which of them this briefing covers.
    gathered = gather_articles(
        config, record, keep=True, everything=bool(choice.everything or choice.since), date=date
    )
    articles = gathered.articles
    checkpoint("ingest")
    log.info("read %d articles (%d skipped)", len(articles), len(gathered.skipped))
    record.see(articles)
    published = record.published_ids()
    new = [a for a in articles if a.id not in published]
    existing = record.briefing(date)
    if existing is not None and not choice.force:
        if new:
            raise AlreadyPublishedError(
                f"the briefing for {date} was already published ({existing.markdown}); {len(new)} new article(s) "
                f"wait for the next date. To rebuild {date} with them, run again with --force."
            )
        included: list[Article] = []
    elif choice.everything:
        included = articles
    elif choice.since is not None:
        recent = record.first_seen_since(choice.since)
        # A rebuild keeps the date's own articles: publishing replaces its list.
        again = existing.article_ids if existing is not None else frozenset()
        included = [a for a in articles if a.id in recent or a.id in again]
    else:
        again = existing.article_ids if existing is not None else frozenset()
        included = [a for a in articles if a.id not in published or a.id in again]

    # 3-7 need no network, and get none: any connection attempt fails the run (offline.py).
    with no_network():
        return _brief(config, date, engine, selector, templates_dir, record, checkpoint, gathered, new, included)


def _brief(
    config: Config,
    date: dt.date,
    engine: TranslationEngine,
    selector: KeySentenceSelector,
    templates_dir: Path,
    record: Record,
    checkpoint: Checkpoint,
    gathered: Gathered,
    new: list[Article],
    included: list[Article],
) -> RunReport:
    # 3. Stories: copies collapsed, reprints found, articles grouped and ranked.
    stories = find_stories([*included, *_copies_of(gathered, included)]) if included else []
    # 4. Key sentences of the featured stories.
    featured = _featured_points(config, selector, stories)
    selected = sum(len(points) for _, points in featured)
    report = RunReport(
        date=date,
        articles_read=gathered.read_count,
        articles_new=len(new),
        skipped=tuple(gathered.skipped),
        sentences_selected=selected,
        sentences_translated_by_model=0,
        sentences_from_memory=0,
        model=engine.name,
        articles_published=0,
        offline=config.offline,
    )
    if not stories:
        log.info("no new articles for %s; nothing written", date)
        return report
    # 5. Translation: every headline and the key sentences, one batch.
    shown = {id(story) for story, _ in featured}
    listed = [member for story in stories if id(story) not in shown for member in story.members]
    titles = [story.lead.title for story, _ in featured] + [m.article.title for m in listed]
    texts = titles + [sentence.text for _, points in featured for sentence, _ in points]
    checkpoint("translate")
    translations = engine.translate(texts)
    briefing = Briefing(
        date=date,
        stories=tuple(
            FeaturedStory(
                story=story,
                title=translations[story.lead.title],
                points=tuple(KeyPoint(s, a, translations[s.text]) for s, a in points),
            )
            for story, points in featured
        ),
        others=tuple(ListedArticle(member, translations[member.article.title]) for member in listed),
        model=engine.name,
    )

    # 6. Render, entirely in memory.
    markdown_text = render_markdown(briefing, templates_dir, summarizer=config.summarizer)
    pdf_bytes = render_pdf(briefing, templates_dir, summarizer=config.summarizer)

    # 7. Publish both files, and mark the articles as published once they are in place.
    folder = config.out_dir / date.isoformat()
    markdown_path = folder / f"briefing-{date.isoformat()}.md"
    pdf_path = folder / f"briefing-{date.isoformat()}.pdf"
    publish(
        record,
        date,
        {markdown_path: markdown_text.encode("utf-8"), pdf_path: pdf_bytes},
        briefing.articles,
        checkpoint=checkpoint,
    )
    log.info("wrote %s and %s", markdown_path, pdf_path)

    key_translations = [point.translation for featured_story in briefing.stories for point in featured_story.points]
    by_model = sum(1 for t in key_translations if t.origin == "model")
    flag_counts = Counter(
        flag
        for t in (*key_translations, *(f.title for f in briefing.stories), *(o.title for o in briefing.others))
        for flag in t.flags
    )
    return dataclasses.replace(
        report,
        sentences_translated_by_model=by_model,
        sentences_from_memory=selected - by_model,
        texts_translated_by_model=engine.counts.by_model,
        texts_from_memory=engine.counts.from_memory,
        flags=tuple(sorted(flag_counts.items())),
        articles_published=len(briefing.articles),
        markdown=markdown_path,
        pdf=pdf_path,
        stories=tuple(_story_summary(story, translations) for story in stories),
    )
