"""Getting articles in: each source kind turns its input into ``Article`` values.

Only folders of text files for now; HTML pages and feeds come with their own modules.
Per-item problems are returned as ``SkippedItem`` values, never raised mid-batch.
"""

from briefing.ingest.textfiles import article_from_text, decode_article_bytes, read_text_folder

__all__ = ["article_from_text", "decode_article_bytes", "read_text_folder"]
