"""The record: which articles were seen, which briefing published them, and every run.

"New" means: not yet in a published briefing. An article is marked as included only
by ``publish``, which runs after both files are in place, in one transaction, so a
crash before it leaves the article new for the next run and a crash after it cannot
publish the article twice.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from briefing.store.db import timestamp
from briefing.store.sources import SourceStore
from briefing.types import Article, PendingFile, PublishedStory

__all__ = ["PublishedBriefing", "Publishing", "Record", "RunRow", "read_only_record"]




@dataclass(frozen=True, slots=True)
class Publishing:
    """A briefing whose files are being renamed into place: recorded first, committed last."""

    date: dt.date
    files: tuple[PendingFile, ...]
    articles: tuple[tuple[str, str, str], ...]
    """(id, source, title) of every article the briefing accounts for."""
    stories: tuple[PublishedStory, ...] = ()
    """The stories it publishes (featured and listed), for tracking on later days."""


@dataclass(frozen=True, slots=True)
class PublishedBriefing:
    date: dt.date
    files: dict[str, Path]
    """Each output format's file (``briefing_files``)."""
    article_ids: frozenset[str]

    @property
    def markdown(self) -> Path | None:
        return self.files.get("markdown")

    @property
    def pdf(self) -> Path | None:
        return self.files.get("pdf")


@dataclass(frozen=True, slots=True)
class RunRow:
    date: str
    started: str
    finished: str | None
    outcome: str | None
    articles_read: int | None
    articles_new: int | None
    articles_published: int | None


def _story_row(story: PublishedStory) -> tuple[str, str, str, str, str, str]:
    """A published story as ``briefing_stories`` keeps it (and the publishing intent, in JSON):
    title_ar, title_en, since, then terms, sentences and article ids as JSON."""
    return (story.title_ar, story.title_en, story.since.isoformat(), json.dumps(story.terms, ensure_ascii=False),
            json.dumps(story.sentences, ensure_ascii=False), json.dumps(story.article_ids))


def _story_of_row(date: dt.date, row: Sequence[str]) -> PublishedStory:
    title_ar, title_en, since, terms, sentences, articles = row
    return PublishedStory(
        date, title_ar, title_en, dt.date.fromisoformat(since), tuple((str(t), float(w)) for t, w in json.loads(terms)),
        tuple(json.loads(sentences)), tuple(json.loads(articles)),
    )


class Record:
    def __init__(self, connection: sqlite3.Connection, *, read_only: bool = False) -> None:
        self._db = connection
        self._read_only = read_only

    def sources(self) -> SourceStore:
        """What the sources keep, over the same connection (read-only if this record is)."""
        return SourceStore(self._db, read_only=self._read_only)

    def begin_run(self, date: dt.date) -> int:
        cursor = self._db.execute("INSERT INTO runs (date, started) VALUES (?, ?)", (date.isoformat(), timestamp()))
        return int(cursor.lastrowid or 0)

    def finish_run(self, run_id: int, outcome: str, read: int, new: int, published: int) -> None:
        self._db.execute(
            "UPDATE runs SET finished = ?, outcome = ?, articles_read = ?, articles_new = ?, articles_published = ? "
            "WHERE id = ?",
            (timestamp(), outcome, read, new, published, run_id),
        )

    def see(self, articles: Iterable[Article]) -> None:
        """Note articles the first time they are read (later sightings change nothing)."""
        rows = [(a.id, a.source, a.title, timestamp()) for a in articles]
        self._db.executemany(
            "INSERT OR IGNORE INTO articles (id, source, title, first_seen) VALUES (?, ?, ?, ?)", rows
        )

    def published_ids(self) -> set[str]:
        return {row[0] for row in self._db.execute("SELECT DISTINCT article_id FROM briefing_articles")}

    def first_seen_since(self, day: dt.date) -> set[str]:
        rows = self._db.execute("SELECT id FROM articles WHERE first_seen >= ?", (day.isoformat(),))
        return {row[0] for row in rows}

    def briefing(self, date: dt.date) -> PublishedBriefing | None:
        day = date.isoformat()
        if self._db.execute("SELECT 1 FROM briefings WHERE date = ?", (day,)).fetchone() is None:
            return None
        files = {f: Path(p) for f, p in self._db.execute("SELECT format, path FROM briefing_files WHERE date = ?", (day,))}
        ids = {r[0] for r in self._db.execute("SELECT article_id FROM briefing_articles WHERE date = ?", (day,))}
        return PublishedBriefing(date, files, frozenset(ids))

    def briefings(self) -> list[PublishedBriefing]:
        """Every published briefing, newest first (without its article ids)."""
        files: dict[str, dict[str, Path]] = {}
        for day, fmt, path in self._db.execute("SELECT date, format, path FROM briefing_files"):
            files.setdefault(day, {})[fmt] = Path(path)
        days = [row[0] for row in self._db.execute("SELECT date FROM briefings ORDER BY date DESC")]
        return [PublishedBriefing(dt.date.fromisoformat(d), files.get(d, {}), frozenset()) for d in days]

    def begin_publishing(self, publishing: Publishing) -> None:
        """Note, before any file is renamed into place, what publishing ``publishing.date`` will do."""
        files = [
            {"path": str(f.path), "sha256": f.sha256, "temporary": str(f.temporary),
             "backup": str(f.backup) if f.backup else None, "format": f.format}
            for f in publishing.files
        ]
        with self._transaction():
            self._db.execute(
                "INSERT OR REPLACE INTO publishing (date, files, articles, started, stories) VALUES (?, ?, ?, ?, ?)",
                (publishing.date.isoformat(), json.dumps(files), json.dumps(publishing.articles), timestamp(),
                 json.dumps([_story_row(s) for s in publishing.stories], ensure_ascii=False)),
            )

    def finish_publishing(self, publishing: Publishing) -> None:
        """The files are in place: record the briefing and forget the intent, in one transaction."""
        with self._transaction():
            files = {f.format: f.path for f in publishing.files if not f.removes}
            self._record_briefing(publishing.date, files, list(publishing.articles))
            self._db.executemany(
                "INSERT INTO briefing_stories (date, position, title_ar, title_en, since, terms, sentences, articles) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(publishing.date.isoformat(), n, *_story_row(s)) for n, s in enumerate(publishing.stories)],
            )
            self._db.execute("DELETE FROM publishing WHERE date = ?", (publishing.date.isoformat(),))

    def forget_publishing(self, date: dt.date) -> None:
        """The publication was undone: nothing of it stands."""
        self._db.execute("DELETE FROM publishing WHERE date = ?", (date.isoformat(),))

    def pending_publications(self) -> list[Publishing]:
        """Publications a run began and did not finish (killed between its renames and its commit)."""
        rows = self._db.execute("SELECT date, files, articles, stories FROM publishing ORDER BY date").fetchall()
        return [
            Publishing(
                date=dt.date.fromisoformat(date),
                files=tuple(
                    PendingFile(
                        Path(f["path"]), f["sha256"], Path(f["temporary"]), Path(f["backup"]) if f["backup"] else None,
                        # An intent of version 5 (Markdown and PDF only) says no format: the suffix does.
                        f.get("format") or {".md": "markdown", ".pdf": "pdf"}.get(Path(f["path"]).suffix, ""),
                    )
                    for f in json.loads(files)
                ),
                articles=tuple((str(a), str(b), str(c)) for a, b, c in json.loads(articles)),
                stories=tuple(_story_of_row(dt.date.fromisoformat(date), row) for row in json.loads(stories)),
            )
            for date, files, articles, stories in rows
        ]

    def stories_between(self, first: dt.date, before: dt.date) -> list[PublishedStory]:
        """The stories briefed from ``first`` up to (not including) ``before``, oldest first."""
        rows = self._briefed_between(
            "date, title_ar, title_en, since, terms, sentences, articles", first, before
        )
        return [_story_of_row(dt.date.fromisoformat(row[0]), row[1:]) for row in rows]

    def key_sentences_between(self, first: dt.date, before: dt.date) -> list[str]:
        """The key sentences briefed from ``first`` up to (not including) ``before``."""
        return [s for (sentences,) in self._briefed_between("sentences", first, before) for s in json.loads(sentences)]

    def _briefed_between(self, columns: str, first: dt.date, before: dt.date) -> list[tuple[str, ...]]:
        try:
            return self._db.execute(
                f"SELECT {columns} FROM briefing_stories WHERE date >= ? AND date < ? ORDER BY date, position",
                (first.isoformat(), before.isoformat()),
            ).fetchall()
        except sqlite3.OperationalError:
            if self._read_only:  # a dry run over a record of an older schema (not upgraded read-only)
                return []
            raise

    def interrupted_run_dates(self, *, besides: int) -> set[dt.date]:
        """Dates of runs that never finished (killed) or failed, other than run ``besides``
        (the one in progress): what an older version left in ``out/`` after such a run was
        never recorded as published."""
        rows = self._db.execute(
            "SELECT DISTINCT date FROM runs WHERE (finished IS NULL OR outcome LIKE 'failed%') AND id != ?", (besides,)
        )
        return {dt.date.fromisoformat(row[0]) for row in rows}

    def briefing_dates(self) -> set[dt.date]:
        return {dt.date.fromisoformat(row[0]) for row in self._db.execute("SELECT date FROM briefings")}

    def _record_briefing(self, date: dt.date, files: dict[str, Path], rows: list[tuple[str, str, str]]) -> None:
        now, day = timestamp(), date.isoformat()
        self._db.executemany(
            "INSERT OR IGNORE INTO articles (id, source, title, first_seen) VALUES (?, ?, ?, ?)",
            [(*row, now) for row in rows],
        )
        self._db.execute("DELETE FROM briefings WHERE date = ?", (day,))  # its files and articles go with it
        # The markdown and pdf columns of schema 2 are kept filled ("" for a format not
        # made); briefing_files is what is read.
        self._db.execute(
            "INSERT INTO briefings (date, status, markdown, pdf, published) VALUES (?, 'published', ?, ?, ?)",
            (day, str(files.get("markdown", "")), str(files.get("pdf", "")), now),
        )
        self._db.executemany(
            "INSERT INTO briefing_files (date, format, path) VALUES (?, ?, ?)",
            [(day, fmt, str(path)) for fmt, path in files.items()],
        )
        self._db.executemany(
            "INSERT INTO briefing_articles (date, article_id) VALUES (?, ?)",
            [(day, row[0]) for row in rows],
        )

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """One write transaction. When COMMIT itself fails (a full disk), SQLite has already
        rolled back, and a second ROLLBACK would hide the cause behind "no transaction is active"."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
            self._db.execute("COMMIT")
        except BaseException:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise

    def last_run_started(self) -> dt.datetime | None:
        row = self._db.execute("SELECT max(started) FROM runs").fetchone()
        if not row or not row[0]:
            return None
        return dt.datetime.strptime(row[0], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)

    def briefing_count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM briefings").fetchone()[0])

    def last_runs(self, limit: int = 5) -> list[RunRow]:
        rows = self._db.execute(
            "SELECT date, started, finished, outcome, articles_read, articles_new, articles_published "
            "FROM runs ORDER BY id DESC LIMIT ?",
            (limit,),
        )
        return [RunRow(*row) for row in rows]


@contextmanager
def read_only_record(database: Path) -> Iterator[Record | None]:
    """The record opened read-only (None when there is none yet): for looks that must write nothing."""
    if not database.exists():
        yield None
        return
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        yield Record(connection, read_only=True)
    finally:
        connection.close()
