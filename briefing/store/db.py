"""Opening the database and bringing its schema up to date.

Each migration runs once, in order, inside a transaction, and records its number in
``schema_version``; a database written by a newer briefing is refused rather than
guessed at.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from briefing.errors import StoreError

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "StoreError", "open_database", "timestamp"]


def timestamp() -> str:
    """Now, in UTC, as the record writes every time: ``2026-12-01T07:00:00Z``."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

MIGRATIONS: tuple[str, ...] = (
    # 1: translation memory, keyed by the exact model (name, version, file hash) and input.
    """
    CREATE TABLE translation_memory (
        model TEXT NOT NULL,
        source TEXT NOT NULL,
        output TEXT NOT NULL,
        score REAL NOT NULL,
        confidence REAL NOT NULL,
        re_decoded INTEGER NOT NULL DEFAULT 0,
        created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
        PRIMARY KEY (model, source)
    ) WITHOUT ROWID;
    """,
    # 2: the record of what was seen and published, and of every run.
    """
    CREATE TABLE articles (
        id TEXT PRIMARY KEY,
        source TEXT NOT NULL,
        title TEXT NOT NULL,
        first_seen TEXT NOT NULL
    );
    CREATE TABLE briefings (
        date TEXT PRIMARY KEY,
        status TEXT NOT NULL,
        markdown TEXT NOT NULL,
        pdf TEXT NOT NULL,
        published TEXT NOT NULL
    );
    CREATE TABLE briefing_articles (
        date TEXT NOT NULL REFERENCES briefings(date) ON DELETE CASCADE,
        article_id TEXT NOT NULL REFERENCES articles(id),
        PRIMARY KEY (date, article_id)
    );
    CREATE INDEX briefing_articles_by_article ON briefing_articles(article_id);
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        date TEXT NOT NULL,
        started TEXT NOT NULL,
        finished TEXT,
        outcome TEXT,
        articles_read INTEGER,
        articles_new INTEGER,
        articles_published INTEGER
    );
    """,
    # 3: articles read from the web (a feed item is gone from the feed tomorrow: the record
    # holds the only copy until, and after, it is published), and each feed's validators
    # for conditional GET.
    """
    CREATE TABLE fetched_articles (
        id TEXT NOT NULL,
        source TEXT NOT NULL,
        outlet TEXT NOT NULL,
        url TEXT NOT NULL,
        title TEXT NOT NULL,
        title_derived INTEGER NOT NULL,
        body TEXT NOT NULL,
        published TEXT,
        fetched TEXT NOT NULL,
        PRIMARY KEY (id, source)
    );
    CREATE TABLE feeds (
        url TEXT PRIMARY KEY,
        etag TEXT,
        last_modified TEXT,
        polled TEXT NOT NULL,
        outcome TEXT NOT NULL
    );
    """,
    # 4: feed items left out (not Arabic, a duplicate, a refused link: never fetched again;
    # a failure: retried a few times), and briefings being published: the files a run is
    # about to rename into place, recorded before it does, so the next run can finish or
    # undo a publication that was interrupted between the renames and the commit.
    """
    CREATE TABLE feed_items (
        link TEXT PRIMARY KEY,
        feed TEXT NOT NULL,
        outcome TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        last_seen TEXT NOT NULL
    );
    CREATE TABLE publishing (
        date TEXT PRIMARY KEY,
        files TEXT NOT NULL,
        articles TEXT NOT NULL,
        started TEXT NOT NULL
    );
    """,
    # 5: a sentence cut to the model's input limit is remembered like any other, with its mark.
    """
    ALTER TABLE translation_memory ADD COLUMN truncated INTEGER NOT NULL DEFAULT 0;
    """,
    # 6: a briefing's files, one row per format (Markdown, PDF, HTML, and any format added
    # later), the two of the briefings so far carried over; and each folder file as last
    # read (its signature, its articles, what it left out), so an unchanged file whose
    # articles are all published is not read again.
    """
    CREATE TABLE briefing_files (
        date TEXT NOT NULL REFERENCES briefings(date) ON DELETE CASCADE,
        format TEXT NOT NULL,
        path TEXT NOT NULL,
        PRIMARY KEY (date, format)
    );
    INSERT INTO briefing_files (date, format, path) SELECT date, 'markdown', markdown FROM briefings WHERE markdown != '';
    INSERT INTO briefing_files (date, format, path) SELECT date, 'pdf', pdf FROM briefings WHERE pdf != '';
    CREATE TABLE source_files (
        path TEXT PRIMARY KEY,
        folder TEXT NOT NULL,
        size INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL,
        ctime_ns INTEGER NOT NULL,
        inode INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        articles TEXT NOT NULL,
        skipped TEXT NOT NULL,
        read TEXT NOT NULL
    );
    CREATE INDEX source_files_by_folder ON source_files(folder);
    """,
    # 7: what each published story was (headlines, since when it runs, its weighted terms,
    # key sentences, articles), so a later day's story is recognised as continuing it;
    # noted in the publishing intent too, so a crash between renames and commit keeps it.
    """
    CREATE TABLE briefing_stories (
        date TEXT NOT NULL REFERENCES briefings(date) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        title_ar TEXT NOT NULL,
        title_en TEXT NOT NULL,
        since TEXT NOT NULL,
        terms TEXT NOT NULL,
        sentences TEXT NOT NULL,
        articles TEXT NOT NULL,
        PRIMARY KEY (date, position)
    );
    ALTER TABLE publishing ADD COLUMN stories TEXT NOT NULL DEFAULT '[]';
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)
# Seconds a writer waits for another process's transaction (the scheduler and a manual
# run may overlap) before SQLite reports "database is locked".
BUSY_TIMEOUT_S = 30


def open_database(path: Path) -> sqlite3.Connection:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA foreign_keys=ON")
        _migrate(connection)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open the database {path}: {exc}") from exc
    except OSError as exc:
        raise StoreError(f"cannot create the database folder for {path}: {exc.strerror or exc}") from exc
    return connection


def _migrate(connection: sqlite3.Connection) -> None:
    connection.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    row = connection.execute("SELECT max(version) FROM schema_version").fetchone()
    current = row[0] or 0
    if current > SCHEMA_VERSION:
        raise StoreError(f"database schema version {current} is newer than this briefing ({SCHEMA_VERSION}); upgrade briefing")
    for number in range(current + 1, SCHEMA_VERSION + 1):
        connection.execute("BEGIN IMMEDIATE")
        try:
            for statement in MIGRATIONS[number - 1].split(";"):
                if statement.strip():
                    connection.execute(statement)
            connection.execute("INSERT INTO schema_version (version) VALUES (?)", (number,))
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
