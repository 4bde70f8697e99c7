"""The record on disk: one SQLite database (WAL, versioned schema) in the user data folder."""

from briefing.store.db import SCHEMA_VERSION, open_database
from briefing.store.memory import MemoryEntry, TranslationMemory
from briefing.store.record import PublishedBriefing, Publishing, Record, RunRow, read_only_record

__all__ = ["SCHEMA_VERSION", "MemoryEntry", "PublishedBriefing", "Publishing", "Record", "RunRow", "SourceStore", "TranslationMemory", "open_database", "read_only_record"]
