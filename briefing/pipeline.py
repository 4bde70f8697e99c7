"""The one place that knows the order of the stages.

``run_briefing`` makes the briefing for one date:

1. find the translation model (fail before reading or writing anything if there is none);
   then take the run lock and open the record;
2. read the articles from the input folder, reporting the items it cannot use, and choose
   the ones this briefing covers (by default: not yet in a published briefing);
3. split each article into sentences;
4. select each article's key sentences;
5. translate every title and key sentence in one batched call;
6. render the Markdown, and the PDF from it;
7. write both into ``OUT/YYYY-MM-DD/`` atomically;
8. mark the articles as published, in one transaction.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import sqlite3
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from briefing.arabic import split_sentences
from briefing.config import Config, database_path
from briefing.errors import AlreadyPublishedError, BriefingError, RenderError, StoreError
from briefing.ingest import read_text_folder
from briefing.lock import run_lock
from briefing.render import find_templates_dir, remove_stale_temporaries, render_markdown, render_pdf, write_atomically
from briefing.store import Record, RunRow, TranslationMemory, open_database, read_only_record
from briefing.summarize import Budget, KeySentenceSelector, get_selector, select_key_sentences
from briefing.translate import ArgosModel, Decoder, Glossary, TranslationEngine, load_glossary
from briefing.types import Article, Briefing, BriefingItem, KeySentences, RunReport, Sentence, Translation

__all__ = ["ArticleChoice", "Clock", "Status", "briefing_date", "build_engine", "last_run_started", "open_decoder", "run_briefing", "scheduled_job", "status", "translate_text", "utc_now"]

log = logging.getLogger(__name__)


Clock = Callable[[], dt.datetime]
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
    """The installed model for the configured pair (``ModelNotInstalledError`` if none)."""
    return ArgosModel.for_pair(
        config.argos_packages_dir,
        config.source_lang,
        config.target_lang,
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
    "translate", "between-files", "before-commit"); the crash-safety tests kill the
    process there. It does nothing otherwise.
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
        record = Record(connection)
        run_id = record.begin_run(date)
        outcome, report = "failed", None
        try:
            engine = build_engine(config, decoder, connection)
            report = _run(config, date, engine, selector, templates_dir, record, choice, checkpoint)
            outcome = "published" if report.markdown is not None else "nothing new"
            return report
        except BriefingError as error:
            outcome = f"failed: {error}"
            raise
        finally:
            counts = (report.articles_read, report.articles_new, report.articles_published) if report else (0, 0, 0)
            record.finish_run(run_id, outcome, *counts)
            connection.close()


def _dry_run(config: Config, date: dt.date, selector: KeySentenceSelector, choice: ArticleChoice) -> RunReport:
    articles, skipped = read_text_folder(config.input_dir)
    published: set[str] = set()
    with read_only_record(database_path(config)) as record:
        if record is not None:
            try:
                published = record.published_ids()
            except sqlite3.Error:
                pass  # a record from before the articles table: nothing published yet
    new = [a for a in articles if a.id not in published]
    # --since needs first-seen times the dry run does not write; it counts every article read.
    chosen = articles if (choice.everything or choice.since) else new
    keys = _key_sentences(config, selector, chosen)
    return RunReport(
        date=date,
        articles_read=len(articles) + len(skipped),
        articles_new=len(new),
        skipped=tuple(skipped),
        sentences_selected=sum(len(k.sentences) for k in keys),
        sentences_translated_by_model=0,
        sentences_from_memory=0,
        articles_published=0,
    )


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
    articles = read_text_folder(config.input_dir)[0] if config.input_dir.is_dir() else []
    with read_only_record(database) as record:
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
        log.warning(
            "scheduled run %s: read %d, new %d, published %d%s",
            report.date, report.articles_read, report.articles_new, report.articles_published,
            f" -> {report.markdown}" if report.markdown else " (nothing written)",
        )

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


def _key_sentences(config: Config, selector: KeySentenceSelector, articles: list[Article]) -> list[KeySentences]:
    budget = Budget(max_sentences=config.max_sentences, max_words=config.max_words)
    chosen = []
    for article in articles:
        sentences = [Sentence(text, i) for i, text in enumerate(split_sentences(article.body))]
        key = select_key_sentences(selector, sentences, budget, title="" if article.title_derived else article.title)
        chosen.append(KeySentences(article, tuple(key)))
    return chosen


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
    articles, skipped = read_text_folder(config.input_dir)
    checkpoint("ingest")
    log.info("read %d articles from %s (%d skipped)", len(articles), config.input_dir, len(skipped))
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
        included = [a for a in articles if a.id in recent]
    else:
        again = existing.article_ids if existing is not None else frozenset()
        included = [a for a in articles if a.id not in published or a.id in again]

    # 3-4. Sentences and key sentences.
    chosen = _key_sentences(config, selector, included)
    selected = sum(len(k.sentences) for k in chosen)
    report = RunReport(
        date=date,
        articles_read=len(articles) + len(skipped),
        articles_new=len(new),
        skipped=tuple(skipped),
        sentences_selected=selected,
        sentences_translated_by_model=0,
        sentences_from_memory=0,
        model=engine.name,
        articles_published=0,
    )
    if not chosen:
        log.warning("no new articles in %s for %s; nothing written", config.input_dir, date)
        return report
    # 5. Translation: titles and key sentences, one batch.
    texts = [k.article.title for k in chosen] + [s.text for k in chosen for s in k.sentences]
    checkpoint("translate")
    translations = engine.translate(texts)
    items = tuple(
        BriefingItem(
            article=k.article,
            title=translations[k.article.title],
            sentences=tuple((s, translations[s.text]) for s in k.sentences),
        )
        for k in chosen
    )
    briefing = Briefing(date=date, items=items, model=engine.name)

    # 6. Render, entirely in memory.
    markdown_text = render_markdown(briefing, templates_dir, summarizer=config.summarizer)
    pdf_bytes = render_pdf(markdown_text, templates_dir, date)

    # 7. Publish both files.
    folder = config.out_dir / date.isoformat()
    markdown_path = folder / f"briefing-{date.isoformat()}.md"
    pdf_path = folder / f"briefing-{date.isoformat()}.pdf"
    _publish(
        folder,
        {markdown_path: markdown_text.encode("utf-8"), pdf_path: pdf_bytes},
        after_rename=lambda path: checkpoint("between-files") if path == markdown_path else None,
    )
    log.info("wrote %s and %s", markdown_path, pdf_path)
    checkpoint("before-commit")
    # 8. Only now, both files in place, mark the articles as published (one transaction).
    record.publish(date, markdown_path, pdf_path, (k.article for k in chosen))

    by_model = sum(1 for k in chosen for s in k.sentences if translations[s.text].origin == "model")
    flag_counts = Counter(
        flag for item in items for t in (item.title, *(t for _, t in item.sentences)) for flag in t.flags
    )
    return dataclasses.replace(
        report,
        sentences_translated_by_model=by_model,
        sentences_from_memory=selected - by_model,
        flags=tuple(sorted(flag_counts.items())),
        articles_published=len(chosen),
        markdown=markdown_path,
        pdf=pdf_path,
    )


def _publish(folder: Path, files: dict[Path, bytes], after_rename: Callable[[Path], None]) -> None:
    """Write the briefing files; on failure leave no trace of this run in ``out/``."""
    created = not folder.exists()
    for stale in remove_stale_temporaries(folder):
        log.info("removed %s, left by an interrupted run", stale)
    try:
        write_atomically(files, after_rename=after_rename)
    except OSError as exc:
        if created and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
        raise RenderError(f"cannot write the briefing into {folder}: {exc.strerror or exc}") from exc
