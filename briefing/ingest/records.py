"""Articles from JSON: one file holding an array of records (SaudiNewsNet's format), one
record, or JSON lines (``.jsonl``), each record ``{title, content, url, source, ...}``.

Each record is an article; one that has no text is reported and skipped, the others
carry on. The record's URL (else ``FILE#N``) is its source; its ``source`` field names
the outlet, and ``date`` (or ``published``, or ``date_extracted``) its day.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from briefing.errors import IngestError
from briefing.ingest.metadata import date_in_text, date_in_url, skip_kind
from briefing.ingest.text import article_from_text
from briefing.types import Article, SkippedItem

__all__ = ["JSON_SUFFIXES", "articles_from_json"]

JSON_SUFFIXES = (".json", ".jsonl")
# Records read from one file: a month of a national press is ~100,000.
MAX_RECORDS_PER_FILE = 200_000
# Skips of one kind listed one by one from a file; the others are counted in one entry.
MAX_SKIPS_PER_FILE = 1_000
NESTED_TOO_DEEPLY = "nested too deeply (arrays or objects inside each other beyond the parser's limit)"
_TEXT_FIELDS = ("content", "text", "body")
# SaudiNewsNet has only the crawl time, which is the publication day give or take hours.
_PUBLISHED_FIELDS = ("date", "published")
# How far before its crawl time the date in a record's address may be. On 2015-07-21 the
# oldest was 20 days (aleqt.com, 1 July); a year leaves room for an archive page.
URL_DATE_BEFORE_CRAWL = dt.timedelta(days=366)
_COLLECTED_FIELDS = ("date_extracted",)


def articles_from_json(path: Path, text: str) -> Iterator[Article | SkippedItem]:
    """Each record of the file as an Article, or as a SkippedItem saying why not.

    Bounded: at most ``MAX_RECORDS_PER_FILE`` records are read (the rest are one skip),
    and past ``MAX_SKIPS_PER_FILE`` skips of a kind, the others of that kind are counted
    in one entry at the end: a file of a million empty records must not become a million
    report lines (it took 300 bytes of memory per byte of input).
    """
    listed: dict[str, int] = {}
    unlisted: dict[str, tuple[int, SkippedItem]] = {}
    for item in _each_record(path, text):
        if isinstance(item, SkippedItem):
            listed[item.kind] = listed.get(item.kind, 0) + 1
            if listed[item.kind] > MAX_SKIPS_PER_FILE:
                count, first = unlisted.get(item.kind, (0, item))
                unlisted[item.kind] = (count + 1, first)
                continue
        yield item
    for kind, (count, first) in unlisted.items():
        yield SkippedItem(source=str(path), reason=f"{count:,} more records left out, like {first.source}: {first.reason}", kind=kind)


def _each_record(path: Path, text: str) -> Iterator[Article | SkippedItem]:
    for number, record in _records(path, text):
        if number > MAX_RECORDS_PER_FILE:
            yield SkippedItem(source=str(path), reason=f"more than {MAX_RECORDS_PER_FILE:,} records: the rest not read")
            return
        where = f"{path}#{number}"
        if isinstance(record, _Broken):
            yield SkippedItem(source=where, reason=f"not valid JSON: {record.reason}")
            continue
        if not isinstance(record, dict):
            yield SkippedItem(source=where, reason="not a JSON object")
            continue
        body = next((record[f] for f in _TEXT_FIELDS if isinstance(record.get(f), str) and record[f].strip()), "")
        url = _text_field(record, "url")
        source = url or where
        if not body:
            yield SkippedItem(source=source, reason="empty content", kind="empty")
            continue
        title = record.get("title") if isinstance(record.get("title"), str) else ""
        # A record's title is its own field: put it on a line of its own, set apart, as
        # the text-file format expects a headline.
        combined = f"{title.strip()}\n\n{body}" if title and title.strip() else body
        try:
            article = article_from_text(source, combined, entities=True)
        except IngestError as exc:
            yield SkippedItem(source=source, reason=str(exc), kind=skip_kind(exc))
            continue
        yield dataclasses.replace(
            article, outlet=_text_field(record, "source"), url=url, published=_record_date(record, url) or date_in_text(article.body)
        )


def _text_field(record: dict[str, Any], name: str) -> str:
    value = record.get(name)
    return value.strip() if isinstance(value, str) else ""


def _record_date(record: dict[str, Any], url: str) -> dt.date | None:
    """The record's date: its publication date (``date``, ``published``), else the day in
    its address (``date_in_url``), else when it was collected (SaudiNewsNet's crawl time,
    ``date_extracted``: an article still on a site's front page may be weeks old)."""
    collected = _field_date(record, _COLLECTED_FIELDS)
    from_url = date_in_url(url) if url else None
    if from_url is not None and collected is not None and not collected - URL_DATE_BEFORE_CRAWL <= from_url <= collected:
        from_url = None  # an address "dated" after the crawl, or years before it, is an article number
    return _field_date(record, _PUBLISHED_FIELDS) or from_url or collected


def _field_date(record: dict[str, Any], fields: tuple[str, ...]) -> dt.date | None:
    for field in fields:
        value = record.get(field)
        if isinstance(value, str) and len(value) >= 10:
            try:
                return dt.date.fromisoformat(value[:10])
            except ValueError:
                continue
    return None


def _records(path: Path, text: str) -> Iterator[tuple[int, Any]]:
    if path.suffix.lower() == ".jsonl":
        for number, line in enumerate(text.splitlines(), 1):
            if line.strip():
                yield number, _parsed(line)
        return
    start = _skip_space(text, 0)
    if not text.startswith("[", start):  # one record
        try:
            yield 1, json.loads(text)
        except ValueError as exc:
            raise IngestError(f"not valid JSON: {exc}") from exc
        except RecursionError:
            # The C parser counts its depth against the interpreter's recursion limit: a
            # document nested deeper than that is refused, the other files carry on.
            raise IngestError(f"not valid JSON: {NESTED_TOO_DEEPLY}") from None
        return
    # An array, one record at a time: only the record in hand is held as Python objects.
    decoder = json.JSONDecoder()
    position, number = _skip_space(text, start + 1), 0
    if text.startswith("]", position):
        return
    while True:
        number += 1
        try:
            record, position = decoder.raw_decode(text, position)
        except RecursionError:
            raise IngestError(f"not valid JSON: {NESTED_TOO_DEEPLY}") from None
        except ValueError as exc:
            raise IngestError(f"not valid JSON: {exc}") from exc
        yield number, record
        position = _skip_space(text, position)
        if text.startswith("]", position):
            if text[_skip_space(text, position + 1) :]:
                raise IngestError("not valid JSON: extra data after the array")
            return
        if not text.startswith(",", position):
            raise IngestError(f"not valid JSON: expected ',' or ']' at character {position}")
        position = _skip_space(text, position + 1)


def _parsed(line: str) -> Any:
    try:
        return json.loads(line)
    except ValueError as exc:
        return _Broken(str(exc))
    except RecursionError:
        return _Broken(NESTED_TOO_DEEPLY)


_SPACE = re.compile(r"[ \t\n\r]*")


def _skip_space(text: str, position: int) -> int:
    match = _SPACE.match(text, position)
    return match.end() if match else position


class _Broken:
    """A JSON line that does not parse (reported; the other lines carry on)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
