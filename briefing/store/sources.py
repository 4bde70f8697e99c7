"""What the sources keep in the record, behind one small interface.

``SourceStore`` is handed to the sources (``ingest.sources``): what each feed and page
gave (kept at once: tomorrow it may be gone from the feed), each feed's validators for
conditional GET, the feed items left out for good, the articles already published, and
each folder file's signature (so an unchanged, fully published file is not read again).
It turns every ``sqlite3`` error into ``StoreError``. Opened read-only (a dry run,
``status``) on a record from an older briefing, what it lacks reads as empty.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from briefing.errors import StoreError
from briefing.store.db import timestamp
from briefing.types import RETRY_LATER, Article, FileSignature, KnownFile, SkippedItem

__all__ = ["MAX_ITEM_ATTEMPTS", "SourceStore"]

T = TypeVar("T")

# A feed item whose page failed for a reason that may pass (a timeout, HTTP 503) is tried
# again on the next polls, this many times in all, then left alone: a dead link must not
# cost a request every run. Every other item left out (404, not Arabic, a duplicate) is
# final at once.
MAX_ITEM_ATTEMPTS = 3


class SourceStore:
    def __init__(self, connection: sqlite3.Connection, *, read_only: bool = False) -> None:
        self._db = connection
        self._read_only = read_only

    # Feeds and pages.
    def validators(self, url: str) -> tuple[str | None, str | None] | None:
        row = self._read(lambda: self._db.execute("SELECT etag, last_modified FROM feeds WHERE url = ?", (url,)).fetchone(), None)
        return (row[0], row[1]) if row and (row[0] or row[1]) else None

    def handled_links(self) -> frozenset[str]:
        """The links a feed need not fetch again: every article kept from the web, and
        every item left out for good (or tried ``MAX_ITEM_ATTEMPTS`` times)."""

        def read() -> frozenset[str]:
            rows = self._db.execute(
                "SELECT source FROM fetched_articles UNION "
                "SELECT link FROM feed_items WHERE outcome != ? OR attempts >= ?",
                (RETRY_LATER, MAX_ITEM_ATTEMPTS),
            )
            return frozenset(row[0] for row in rows)

        return self._read(read, frozenset())

    def keep_polled(
        self,
        source: str,
        articles: Iterable[Article],
        validators: tuple[str | None, str | None] | None,
        outcome: str,
        left_out: Iterable[tuple[str, str]] = (),
    ) -> None:
        """Keep what one feed or page gave, with its validators and the items it left out
        (link, outcome), in one transaction: a crash leaves either all of it (the articles
        are safe) or none (the next poll fetches again)."""
        now = timestamp()
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
        self._write(lambda: self._db.execute(
            "INSERT INTO feeds (url, polled, outcome) VALUES (?, ?, ?) "
            "ON CONFLICT (url) DO UPDATE SET polled = excluded.polled, outcome = excluded.outcome",
            (source, timestamp(), outcome),
        ))

    def kept_articles(self, *, everything: bool = False, date: dt.date | None = None) -> list[Article]:
        """Articles kept from the web, oldest first: those not yet in a published briefing,
        and those of the briefing for ``date`` (a rebuild); with ``everything``, all of them."""
        where = "" if everything else (
            " WHERE id NOT IN (SELECT article_id FROM briefing_articles)"
            " OR id IN (SELECT article_id FROM briefing_articles WHERE date = ?)"
        )
        parameters = () if everything else ((date or dt.date.min).isoformat(),)

        def read() -> list[Article]:
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

        return self._read(read, [])

    # What was published.
    def published_ids(self) -> set[str]:
        return self._read(lambda: {r[0] for r in self._db.execute("SELECT DISTINCT article_id FROM briefing_articles")}, set())

    # Folder files.
    def known_files(self, folder: Path) -> dict[str, KnownFile]:
        """The files of ``folder`` as last read, by path."""

        def read() -> dict[str, KnownFile]:
            rows = self._db.execute(
                "SELECT path, size, mtime_ns, ctime_ns, inode, sha256, articles, skipped FROM source_files WHERE folder = ?",
                (str(folder),),
            )
            return {
                path: KnownFile(
                    FileSignature(size, mtime_ns, sha256, ctime_ns, inode),
                    tuple((str(i), str(s)) for i, s in json.loads(articles)),
                    tuple(SkippedItem(*item) for item in json.loads(skipped)),
                )
                for path, size, mtime_ns, ctime_ns, inode, sha256, articles, skipped in rows
            }

        return self._read(read, {})

    def note_files(self, folder: Path, files: dict[str, KnownFile], *, known: dict[str, KnownFile] | None = None) -> None:
        """Remember what each file of ``folder`` gave this time (files gone are forgotten).
        ``known``: the files as the record had them (``known_files``); only what changed is
        written, so a run over an unchanged inbox writes nothing here."""
        if self._read_only:
            return
        known = known or {}
        changed = {path: f for path, f in files.items() if known.get(path) != f}
        gone = [(path,) for path in known if path not in files]
        if not changed and not gone and known:
            return
        rows = [
            (path, str(folder), f.signature.size, f.signature.mtime_ns, f.signature.ctime_ns, f.signature.inode,
             f.signature.sha256,
             json.dumps(f.articles, ensure_ascii=False),
             json.dumps([(s.source, s.reason, s.kind) for s in f.skipped], ensure_ascii=False), timestamp())
            for path, f in (changed.items() if known else files.items())
        ]
        with self._transaction():
            if known:
                self._db.executemany("DELETE FROM source_files WHERE path = ?", [*gone, *((path,) for path in changed)])
            else:
                self._db.execute("DELETE FROM source_files WHERE folder = ?", (str(folder),))
            self._db.executemany(
                "INSERT INTO source_files (path, folder, size, mtime_ns, ctime_ns, inode, sha256, articles, skipped, read) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )

    # Plumbing.
    def _read(self, read: Callable[[], T], default: T) -> T:
        try:
            return read()
        except sqlite3.OperationalError as exc:
            if self._read_only and "no such" in str(exc):
                return default  # a record from an older briefing: migrations run only on writing
            raise StoreError(f"the record: {exc}") from exc
        except sqlite3.Error as exc:
            raise StoreError(f"the record: {exc}") from exc

    def _write(self, write: Callable[[], object]) -> None:
        if self._read_only:
            return
        try:
            write()
        except sqlite3.Error as exc:
            raise StoreError(f"the record: {exc}") from exc

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            raise StoreError(f"the record: {exc}") from exc
