"""The source kinds, by the name a ``[[sources]]`` table gives them.

A kind is a class with ``read(source, gathering) -> SourceRead`` (``ingest.sources.SourceReader``)
in a module of its own, and one line here: its key (``folder = "..."``), where it lives,
and whether it polls over HTTP (offline runs skip it; what it gives is kept in the
record, its location is an http(s) URL) or reads this machine (its location is a path,
taken from the configuration file's folder). The module is imported when a run first
reads such a source, so this registry costs nothing to import, and the configuration can
check every kind's name against it.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache
from typing import Any

__all__ = ["SOURCES", "SourceKind"]


@dataclass(frozen=True, slots=True)
class SourceKind:
    module: str
    reader: str
    """The class in ``module`` that reads this kind of source."""
    is_web: bool

    def load(self) -> Any:
        """The kind's reader (one instance per process)."""
        return _reader(self.module, self.reader)


@cache
def _reader(module: str, name: str) -> Any:
    return getattr(importlib.import_module(module), name)()


SOURCES: dict[str, SourceKind] = {
    "folder": SourceKind("briefing.ingest.textfiles", "FolderSource", is_web=False),
    "feed": SourceKind("briefing.ingest.web", "FeedSource", is_web=True),
    "page": SourceKind("briefing.ingest.web", "PageSource", is_web=True),
}
