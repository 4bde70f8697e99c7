"""``briefing status``: what the record says, read-only, fast.

Reads the record and each folder's files as the record knows them: a file unchanged
since it was read is not read again (its articles are in the record), so a look at a
large inbox costs little. Polls nothing, writes nothing, loads no model.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from briefing.config import Config, database_path
from briefing.errors import ConfigError, StoreError
from briefing.store import RunRow, read_only_record

__all__ = ["Status", "last_run_started", "status"]


@dataclass(frozen=True, slots=True)
class Status:
    last_runs: tuple[RunRow, ...]
    articles_waiting: int
    """Articles in the configured sources that no published briefing contains yet."""
    briefings_published: int
    database: Path


def status(config: Config, runs: int = 5) -> Status:
    """Recent runs, briefings so far, articles waiting."""
    from briefing.ingest.sources import gather_articles

    database = database_path(config)
    with read_only_record(database) as record:
        store = record.sources() if record is not None else None
        try:
            gathered = gather_articles(config, store, keep=False, poll=False)
        except ConfigError:
            gathered = None  # a missing folder: nothing waiting there
        published = store.published_ids() if store is not None else set()
        # Files passed over unread are known to hold published articles only.
        waiting = sum(1 for a in gathered.articles if a.id not in published) if gathered is not None else 0
        if record is None:
            return Status((), waiting, 0, database)
        try:
            return Status(tuple(record.last_runs(runs)), waiting, record.briefing_count(), database)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot read the record {database}: {exc}") from exc


def last_run_started(config: Config) -> dt.datetime | None:
    """When the last run began, by the record (None if there is no record yet)."""
    with read_only_record(database_path(config)) as record:
        if record is None:
            return None
        try:
            return record.last_run_started()
        except sqlite3.Error:
            return None
