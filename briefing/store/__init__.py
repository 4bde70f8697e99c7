"""The record on disk: one SQLite database (WAL, versioned schema) in the user data folder."""

from briefing.store.db import SCHEMA_VERSION, open_database
from briefing.store.memory import MemoryEntry, TranslationMemory

__all__ = ["SCHEMA_VERSION", "MemoryEntry", "TranslationMemory", "open_database"]
