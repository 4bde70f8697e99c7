"""Getting articles in: each source kind turns its input into ``Article`` values.

The kinds (folders, feeds, pages) are in ``registry.SOURCES``; ``sources.gather_articles``
reads them all for a run. Per-item problems are returned as ``SkippedItem`` values,
never raised mid-batch. The names below are imported on first use, so that importing a
module of this package (the registry, for the configuration) loads no parser.
"""

from __future__ import annotations

from typing import Any

__all__ = ["article_from_text", "decode_article_bytes", "read_text_folder"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from briefing.ingest import textfiles

        return getattr(textfiles, name)
    raise AttributeError(f"module 'briefing.ingest' has no attribute {name!r}")
