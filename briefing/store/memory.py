"""Translation memory: what a model said for an input, so no run decodes it twice."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["MemoryEntry", "TranslationMemory"]

log = logging.getLogger(__name__)

# SQLite's default limit on bound parameters is 32766; look up in chunks well below it.
LOOKUP_CHUNK = 500


@dataclass(frozen=True, slots=True)
class MemoryEntry:
    source: str
    output: str
    score: float
    confidence: float
    re_decoded: bool
    truncated: bool = False
    """Decoded from the first tokens only (the sentence is longer than the model takes)."""


class TranslationMemory:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection

    def lookup(self, model: str, sources: Iterable[str]) -> dict[str, MemoryEntry]:
        wanted = list(dict.fromkeys(sources))
        found: dict[str, MemoryEntry] = {}
        for i in range(0, len(wanted), LOOKUP_CHUNK):
            chunk = wanted[i : i + LOOKUP_CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT source, output, score, confidence, re_decoded, truncated FROM translation_memory "
                f"WHERE model = ? AND source IN ({marks})",
                (model, *chunk),
            )
            for source, output, score, confidence, re_decoded, truncated in rows:
                found[source] = MemoryEntry(source, output, score, confidence, bool(re_decoded), bool(truncated))
        return found

    def remember(self, model: str, entries: Iterable[MemoryEntry]) -> None:
        """Keep the entries. The memory is a cache: when it cannot be written (a full disk),
        the run goes on with the translations it has, and they are decoded again next time."""
        rows = [(model, e.source, e.output, e.score, e.confidence, int(e.re_decoded), int(e.truncated)) for e in entries]
        if not rows:
            return
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany(
                    "INSERT OR REPLACE INTO translation_memory "
                    "(model, source, output, score, confidence, re_decoded, truncated) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    rows,
                )
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:  # a failed COMMIT has rolled back already
                    self._db.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            # INFO: when the disk is full the run fails on its next write, in one line of its own.
            log.info("translation memory not updated (%s): %d translations will be decoded again", exc, len(rows))
