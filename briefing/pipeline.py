"""The one place that knows the order of the stages.

``run_briefing`` makes the briefing for one date:

1. find the translation model (fail before reading or writing anything if there is none),
   and with ``translate.cluster`` connect to the cluster and check each worker has that
   model (fail there too); then take the run lock, open the record, and settle what an
   interrupted run left (``publish.reconcile``);
2. read the articles from every source (``ingest.sources``: folders, feeds and pages,
   whose articles are kept in the record at once), and choose the ones this briefing
   covers (by default: not yet in a published briefing);
3. collapse copies, find reprints, group the articles into stories;
   rank them for the reader (``rank``: topics first, then independent coverage) and link
   each to the story it continues from the last days' briefings (``stories.track_days``);
4. select the featured stories' key sentences, across their articles, none twice and
   none an earlier briefing already gave;
5. translate the headlines shown and the key sentences in one batched call;
6. render each chosen output format (``render.RENDERERS``);
7. publish: the files into ``OUT/YYYY-MM-DD/``, noted in the record before they are
   renamed into place, and the articles (and the stories, for tracking) marked as
   published once they are (``publish.publish``); then ``OUT/index.html``.

Stages 3 to 7 run with the network refused (``offline.no_network``), but for the
configured translation cluster's own addresses.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from briefing import progress
from briefing.assemble import (
    REPEAT_DAYS,
    Clock,
    briefing_date,
    build_engine,
    open_decoder,
    plan_briefing,
    translation_workers,
    utc_now,
)
from briefing.config import Config, database_path
from briefing.errors import AlreadyPublishedError, BriefingError, StoreError
from briefing.ingest.sources import gather_articles
from briefing.lock import run_lock
from briefing.offline import no_network
from briefing.publish import publish, publish_index, reconcile
from briefing.render import RENDERERS, find_templates_dir
from briefing.report import flag_counts, story_summary
from briefing.store import PublishedBriefing, Record, open_database, read_only_record
from briefing.types import Article, ArticleChoice, Gathered, PublishedStory, RunReport, Story

if TYPE_CHECKING:
    from briefing.translate import Decoder, TranslationEngine

__all__ = ["ArticleChoice", "Checkpoint", "run_briefing"]

log = logging.getLogger(__name__)

T = TypeVar("T")
Checkpoint = Callable[[str], None]


def run_briefing(
    config: Config,
    *,
    date: dt.date | None = None,
    decoder: Decoder | None = None,
    clock: Clock = utc_now,
    choice: ArticleChoice = ArticleChoice(),
    checkpoint: Checkpoint = lambda name: None,
    frame_every_story: bool = True,
) -> RunReport:
    """Make the briefing for ``date`` (default: today by ``clock``) and return what the run did.

    The report's stories carry their framing (reprints, labels, distinctive words): every
    story's, or with ``frame_every_story`` False only the featured stories' (those the
    pages show), as ``generate`` without ``--json`` and the scheduled job run: the rest is
    framing no one would read, two thirds of the stage's time (0.48 s of 0.72 s on
    2015-07-21, ``benchmarks/framing_day.py``).

    ``checkpoint(name)`` is called at the points where a crash matters most ("ingest",
    "translate", then publishing's "staged", "intent", "between-files", "before-commit"
    and "committed"); the crash-safety tests kill the process there.
    """
    date = date or briefing_date(config, clock())
    templates_dir = find_templates_dir(config.templates_dir)
    if choice.dry_run:
        return _dry_run(config, date, choice, frame_every_story)
    # 1. The model (and the cluster), before anything is read or written; the lock; the record.
    with translation_workers(config, decoder or open_decoder(config)) as decoding:
        return _locked(config, date, decoding, templates_dir, choice, checkpoint, frame_every_story)


def _locked(
    config: Config, date: dt.date, decoder: Decoder, templates_dir: Path, choice: ArticleChoice, checkpoint: Checkpoint,
    frame_every_story: bool,
) -> RunReport:
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
                report = _store(lambda: _run(config, date, engine, templates_dir, record, choice, checkpoint, frame_every_story), database)
                publish_index(config.out_dir, templates_dir)
                outcome = "published" if report.outputs else "nothing new"
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


def _run(
    config: Config, date: dt.date, engine: TranslationEngine, templates_dir: Path, record: Record,
    choice: ArticleChoice, checkpoint: Checkpoint, frame_every_story: bool,
) -> RunReport:
    # 2. Articles, and which of them this briefing covers.
    progress.stage("reading sources")
    gathered = gather_articles(config, record.sources(), keep=True, everything=choice.reads_all, date=date)
    checkpoint("ingest")
    log.info("read %d articles (%d skipped)", gathered.read_count, len(gathered.skipped))
    record.see(gathered.articles)
    published = record.published_ids()
    new = [a for a in gathered.articles if a.id not in published]
    existing = record.briefing(date)
    included = _included(existing, date, gathered.articles, new, published, choice, record)
    with no_network():  # 3-7 need no network, and get none
        report = _brief(config, date, engine, templates_dir, record, checkpoint, gathered, new, included, frame_every_story)
    if existing is not None and not report.outputs and not choice.force:
        # Nothing new, and the date has a briefing: say so if its files were taken away.
        report = dataclasses.replace(report, missing_files=tuple(sorted(p for p in existing.files.values() if not p.exists())))
    return report


def _included(
    existing: PublishedBriefing | None, date: dt.date, articles: list[Article], new: list[Article], published: set[str],
    choice: ArticleChoice, record: Record,
) -> list[Article]:
    """The articles the briefing covers: the new ones; with --all every one read; with
    --since those first seen since; a rebuild (--force) keeps the date's own (``existing``)."""
    if existing is not None and not choice.force:
        where = existing.markdown or next(iter(existing.files.values()), None) or "its files"
        if new:
            raise AlreadyPublishedError(
                f"the briefing for {date} was already published ({where}); "
                f"{len(new)} new article(s) wait for the next date. To rebuild {date} with them, run again with --force."
            )
        if choice.everything or choice.since is not None:
            wanted = "every article read" if choice.everything else f"the articles first seen since {choice.since}"
            raise AlreadyPublishedError(
                f"the briefing for {date} was already published ({where}); to rebuild it with {wanted}, "
                f"run again with --force, or choose another --date."
            )
        return []
    again = existing.article_ids if existing is not None else frozenset()
    if choice.everything:
        return articles
    if choice.since is not None:
        recent = record.first_seen_since(choice.since)
        return [a for a in articles if a.id in recent or a.id in again]
    return [a for a in articles if a.id not in published or a.id in again]


def _brief(
    config: Config, date: dt.date, engine: TranslationEngine, templates_dir: Path, record: Record, checkpoint: Checkpoint,
    gathered: Gathered, new: list[Article], included: list[Article], frame_every_story: bool,
) -> RunReport:
    # 3. Stories: copies collapsed, reprints found, articles grouped; ranked for the reader
    # (topics, independent coverage) and linked to the stories of the last days' briefings.
    progress.stage("grouping stories")
    stories = _stories(config, gathered, included)
    tracked, said = _earlier(config, record, date) if stories else ([], [])
    # 4. Key sentences of the featured stories (none that an earlier briefing said).
    plan, ranked = (
        plan_briefing(config, stories, tracked, said, date, frame_every_story=frame_every_story) if stories else (None, [])
    )
    selected = sum(len(points) for _, points in plan.featured) if plan else 0
    report = RunReport(
        date=date, articles_read=gathered.read_count, articles_new=len(new), skipped=tuple(gathered.skipped),
        sentences_selected=selected, sentences_translated_by_model=0, sentences_from_memory=0,
        model=engine.name, articles_published=0, offline=config.offline,
    )
    if plan is None:
        log.info("no new articles for %s; nothing written", date)
        return report
    # 5. Translation: the headlines shown and the key sentences, one batch.
    checkpoint("translate")
    translations = engine.translate(plan.texts())
    briefing = plan.briefing(date, translations, engine.name)
    # 6. Each chosen format, rendered in memory.
    folder = config.out_dir / date.isoformat()
    progress.stage("rendering", len(config.formats))
    outputs = {}
    for name in config.formats:
        outputs[name] = (folder / f"briefing-{date.isoformat()}{RENDERERS[name].suffix}",
                         RENDERERS[name].render(briefing, templates_dir, summarizer=config.summarizer))
        progress.advance()
    # 7. Publish them, and mark the articles as published once they are all in place.
    progress.stage("publishing")
    publish(record, date, outputs, briefing.articles, stories=plan.published_stories(date, translations),
            checkpoint=checkpoint)
    log.info("wrote %s", ", ".join(str(path) for path, _ in outputs.values()))
    by_model = sum(1 for f in briefing.stories for p in f.points if p.translation.origin == "model")
    return dataclasses.replace(
        report,
        sentences_translated_by_model=by_model,
        sentences_from_memory=selected - by_model,
        texts_translated_by_model=engine.counts.by_model,
        texts_from_memory=engine.counts.from_memory,
        flags=flag_counts(briefing),
        articles_published=len(briefing.articles),
        outputs=tuple((name, path) for name, (path, _) in outputs.items()),
        stories=tuple(story_summary(story, translations) for story in ranked),
    )


def _dry_run(config: Config, date: dt.date, choice: ArticleChoice, frame_every_story: bool) -> RunReport:
    """Read and report what a run would brief; write nothing (no files, no record, no model)."""
    with read_only_record(database_path(config)) as record:
        store = record.sources() if record is not None else None
        gathered = gather_articles(config, store, keep=False, everything=choice.reads_all, date=date)
        published = store.published_ids() if store is not None else set()
        new = [a for a in gathered.articles if a.id not in published]
        # --since needs first-seen times the dry run does not write; it counts every article read.
        chosen = gathered.articles if (choice.everything or choice.since) else new
        with no_network():
            stories = _stories(config, gathered, chosen)
            tracked, said = _earlier(config, record, date) if stories and record is not None else ([], [])
            plan, ranked = (
                plan_briefing(config, stories, tracked, said, date, frame_every_story=frame_every_story)
                if stories else (None, [])
            )
    return RunReport(
        date=date, articles_read=gathered.read_count, articles_new=len(new), skipped=tuple(gathered.skipped),
        sentences_selected=sum(len(points) for _, points in plan.featured) if plan else 0,
        sentences_translated_by_model=0, sentences_from_memory=0, articles_published=0, offline=config.offline,
        stories=tuple(story_summary(story, None) for story in ranked),
    )


def _stories(config: Config, gathered: Gathered, chosen: list[Article]) -> list[Story]:
    """The chosen articles (and their copies from elsewhere) grouped into ranked stories."""
    if not chosen:
        return []  # nothing new: the clustering stage (SciPy) is not even imported
    from briefing.arabic.places import starter_places
    from briefing.cluster import find_stories

    ids = {a.id for a in chosen}
    return find_stories([*chosen, *(c for c in gathered.copies if c.id in ids)], starter_places().extended(config.places))


def _earlier(config: Config, record: Record, date: dt.date) -> tuple[list[PublishedStory], list[str]]:
    """From the briefings before ``date``: the stories of the last ``stories.track_days``
    days (a new story may continue one), and the key sentences of the last ``REPEAT_DAYS``
    (or more, with a longer tracking window), not given again."""
    tracked = record.stories_between(date - dt.timedelta(days=config.track_days), date) if config.track_days else []
    said = record.key_sentences_between(date - dt.timedelta(days=max(config.track_days, REPEAT_DAYS)), date)
    return tracked, said


def _store(step: Callable[[], T], database: Path) -> T:
    """``step()``, with the record's own failures (a full disk, a locked or broken file)
    reported as StoreError naming the record, in one line."""
    try:
        return step()
    except sqlite3.Error as exc:
        raise StoreError(f"the record {database}: {exc}") from exc
