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
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from briefing.types import RETRY_LATER, Article, PendingFile

__all__ = ["MAX_ITEM_ATTEMPTS", "PublishedBriefing", "Publishing", "Record", "RunRow", "read_only_record"]

# A feed item whose page failed for a reason that may pass (a timeout, HTTP 503) is tried
# again on the next polls, this many times in all, then left alone: a dead link must not
# cost a request every run. Every other item left out (404, not Arabic, a duplicate, a
# refused link) is final at once.
MAX_ITEM_ATTEMPTS = 3



@dataclass(frozen=True, slots=True)
class Publishing:
    """A briefing whose files are being renamed into place: recorded first, committed last."""

    date: dt.date
    files: tuple[PendingFile, ...]
    articles: tuple[tuple[str, str, str], ...]
    """(id, source, title) of every article the briefing accounts for."""


@dataclass(frozen=True, slots=True)
class PublishedBriefing:
    date: dt.date
    markdown: Path
    pdf: Path
    article_ids: frozenset[str]


@dataclass(frozen=True, slots=True)
class RunRow:
    date: str
    started: str
    finished: str | None
    outcome: str | None
    articles_read: int | None
    articles_new: int | None
    articles_published: int | None


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Record:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection

    def begin_run(self, date: dt.date) -> int:
        cursor = self._db.execute("INSERT INTO runs (date, started) VALUES (?, ?)", (date.isoformat(), _now()))
        return int(cursor.lastrowid or 0)

    def finish_run(self, run_id: int, outcome: str, read: int, new: int, published: int) -> None:
        self._db.execute(
            "UPDATE runs SET finished = ?, outcome = ?, articles_read = ?, articles_new = ?, articles_published = ? "
            "WHERE id = ?",
            (_now(), outcome, read, new, published, run_id),
        )

    def see(self, articles: Iterable[Article]) -> None:
        """Note articles the first time they are read (later sightings change nothing)."""
        rows = [(a.id, a.source, a.title, _now()) for a in articles]
        self._db.executemany(
            "INSERT OR IGNORE INTO articles (id, source, title, first_seen) VALUES (?, ?, ?, ?)", rows
        )

    def published_ids(self) -> set[str]:
        return {row[0] for row in self._db.execute("SELECT DISTINCT article_id FROM briefing_articles")}

    def first_seen_since(self, day: dt.date) -> set[str]:
        rows = self._db.execute("SELECT id FROM articles WHERE first_seen >= ?", (day.isoformat(),))
        return {row[0] for row in rows}

    def briefing(self, date: dt.date) -> PublishedBriefing | None:
        row = self._db.execute("SELECT markdown, pdf FROM briefings WHERE date = ?", (date.isoformat(),)).fetchone()
        if row is None:
            return None
        ids = {r[0] for r in self._db.execute("SELECT article_id FROM briefing_articles WHERE date = ?", (date.isoformat(),))}
        return PublishedBriefing(date, Path(row[0]), Path(row[1]), frozenset(ids))

    def begin_publishing(self, publishing: Publishing) -> None:
        """Note, before any file is renamed into place, what publishing ``publishing.date`` will do."""
        files = [
            {"path": str(f.path), "sha256": f.sha256, "temporary": str(f.temporary),
             "backup": str(f.backup) if f.backup else None}
            for f in publishing.files
        ]
        with self._transaction():
            self._db.execute(
                "INSERT OR REPLACE INTO publishing (date, files, articles, started) VALUES (?, ?, ?, ?)",
                (publishing.date.isoformat(), json.dumps(files), json.dumps(publishing.articles), _now()),
            )

    def finish_publishing(self, publishing: Publishing, markdown: Path, pdf: Path) -> None:
        """The files are in place: record the briefing and forget the intent, in one transaction."""
        with self._transaction():
            self._record_briefing(publishing.date, markdown, pdf, list(publishing.articles))
            self._db.execute("DELETE FROM publishing WHERE date = ?", (publishing.date.isoformat(),))

    def forget_publishing(self, date: dt.date) -> None:
        """The publication was undone: nothing of it stands."""
        self._db.execute("DELETE FROM publishing WHERE date = ?", (date.isoformat(),))

    def pending_publications(self) -> list[Publishing]:
        """Publications a run began and did not finish (killed between its renames and its commit)."""
        rows = self._db.execute("SELECT date, files, articles FROM publishing ORDER BY date").fetchall()
        return [
            Publishing(
                date=dt.date.fromisoformat(date),
                files=tuple(
                    PendingFile(Path(f["path"]), f["sha256"], Path(f["temporary"]), Path(f["backup"]) if f["backup"] else None)
                    for f in json.loads(files)
                ),
                articles=tuple((str(a), str(b), str(c)) for a, b, c in json.loads(articles)),
            )
            for date, files, articles in rows
        ]

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

    def _record_briefing(self, date: dt.date, markdown: Path, pdf: Path, rows: list[tuple[str, str, str]]) -> None:
        now = _now()
        self._db.executemany(
            "INSERT OR IGNORE INTO articles (id, source, title, first_seen) VALUES (?, ?, ?, ?)",
            [(*row, now) for row in rows],
        )
        self._db.execute("DELETE FROM briefings WHERE date = ?", (date.isoformat(),))
        self._db.execute(
            "INSERT INTO briefings (date, status, markdown, pdf, published) VALUES (?, 'published', ?, ?, ?)",
            (date.isoformat(), str(markdown), str(pdf), now),
        )
        self._db.executemany(
            "INSERT INTO briefing_articles (date, article_id) VALUES (?, ?)",
            [(date.isoformat(), row[0]) for row in rows],
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

    def keep_fetched(
        self,
        source: str,
        articles: Iterable[Article],
        validators: tuple[str | None, str | None] | None,
        outcome: str,
        left_out: Iterable[tuple[str, str]] = (),
    ) -> None:
        """Keep what one feed or page gave, with its validators and the items it left out
        (link, kind), in one transaction: a crash leaves either all of it (the articles are
        safe) or none (the next poll fetches again)."""
        now = _now()
        with self._transaction():
            self._db.executemany(
                "INSERT OR IGNORE INTO fetched_articles "
                "(id, source, outlet, url, title, title_derived, body, published, fetched) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (a.id, a.source, a.outlet, a.url, a.title, int(a.title_derived), a.body,
                     a.published.isoformat() if a.published else None, now)
                    for a in articles
                ],
            )
            self._db.executemany(
                "INSERT INTO feed_items (link, feed, outcome, attempts, last_seen) VALUES (?, ?, ?, 1, ?) "
                "ON CONFLICT (link) DO UPDATE SET outcome = excluded.outcome, attempts = attempts + 1, "
                "last_seen = excluded.last_seen",
                [(link, source, kind, now) for link, kind in left_out],
            )
            etag, last_modified = validators or (None, None)
            self._db.execute(
                "INSERT INTO feeds (url, etag, last_modified, polled, outcome) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified, "
                "polled = excluded.polled, outcome = excluded.outcome",
                (source, etag, last_modified, now, outcome),
            )

    def note_poll_failure(self, source: str, outcome: str) -> None:
        """A failed poll keeps the validators of the last good one."""
        self._db.execute(
            "INSERT INTO feeds (url, polled, outcome) VALUES (?, ?, ?) "
            "ON CONFLICT (url) DO UPDATE SET polled = excluded.polled, outcome = excluded.outcome",
            (source, _now(), outcome),
        )

    def fetched_sources(self) -> frozenset[str]:
        """The links a feed need not fetch again: every article kept from the web, and
        every item left out for good (or tried ``MAX_ITEM_ATTEMPTS`` times)."""
        rows = self._db.execute(
            "SELECT source FROM fetched_articles UNION "
            "SELECT link FROM feed_items WHERE outcome != ? OR attempts >= ?",
            (RETRY_LATER, MAX_ITEM_ATTEMPTS),
        )
        return frozenset(row[0] for row in rows)

    def validators(self, source: str) -> tuple[str | None, str | None] | None:
        row = self._db.execute("SELECT etag, last_modified FROM feeds WHERE url = ?", (source,)).fetchone()
        return (row[0], row[1]) if row and (row[0] or row[1]) else None

    def fetched_articles(self, *, everything: bool = False, date: dt.date | None = None) -> list[Article]:
        """Articles kept from the web, oldest first: those not yet in a published briefing,
        and those of the briefing for ``date`` (a rebuild); with ``everything``, all of them.
        (The kept articles grow day by day; a run reads only what it may brief.)"""
        where = "" if everything else (
            " WHERE id NOT IN (SELECT article_id FROM briefing_articles)"
            " OR id IN (SELECT article_id FROM briefing_articles WHERE date = ?)"
        )
        parameters = () if everything else ((date or dt.date.min).isoformat(),)
        rows = self._db.execute(
            "SELECT id, source, outlet, url, title, title_derived, body, published FROM fetched_articles"
            f"{where} ORDER BY fetched, rowid",
            parameters,
        )
        return [
            Article(
                id=row[0], source=row[1], title=row[4], title_derived=bool(row[5]), body=row[6],
                outlet=row[2], url=row[3], published=dt.date.fromisoformat(row[7]) if row[7] else None,
            )
            for row in rows
        ]

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
        yield Record(connection)
    finally:
        connection.close()
