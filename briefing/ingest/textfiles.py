"""Articles from a folder of text files, one article per file (the ``seeds/`` format).

A file may start with a title line, often repeated just below it, and may end in
page furniture copied from the outlet's site ("التعليقات (0)", "الأكثر قراءة",
menu lines with emoji). The title is found and its repeat dropped; the furniture
is dropped; a file with no title line gets one made from its first sentence. The
article's own lines are kept exactly as written.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
import os
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefing.arabic import normalize_for_matching, split_sentences, split_words
from briefing.config import toml_document
from briefing.errors import IngestError
from briefing.ingest.decode import decode_bytes, decode_text
from briefing.ingest.metadata import (
    EmptyError,
    NotArabicError,
    date_in_text,
    has_arabic_letter,
    require_arabic,
    skip_kind,
)
from briefing.ingest.records import JSON_SUFFIXES, articles_from_json
from briefing.types import Article, SkippedItem

__all__ = [
    "MAX_ARTICLE_CHARS",
    "MAX_FILE_BYTES",
    "METADATA_FILE",
    "FolderRead",
    "article_from_text",
    "decode_article_bytes",
    "read_folder",
    "read_text_folder",
]

log = logging.getLogger(__name__)

TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")
# Beside the articles, what the files do not say themselves: outlet, URL, date.
METADATA_FILE = "metadata.toml"
# Largest file read. A long news article is ~50 KB of UTF-8; 2 MB leaves room for
# feature pieces and transcripts while refusing dumps that are not one article.
MAX_FILE_BYTES = 2_000_000
# A JSON file holds many articles: a busy day of SaudiNewsNet is ~15 MB. 200 MB bounds
# memory (the file is parsed whole) while taking a month of a national press.
MAX_JSON_FILE_BYTES = 200_000_000
# Longest text taken as one article, whatever brought it (a file, a JSON record, a feed
# entry, a page): the 2 MB file cap in Arabic UTF-8 (two bytes a letter) is about a
# million characters. Every later pass is linear in this, and some keep one number per
# word, so it also bounds the memory one article can take.
MAX_ARTICLE_CHARS = 1_000_000
# A first line is a title only if it is short and has no sentence-ending mark.
# Arabic headlines run 6-15 words (the seed's has 10); 25 leaves margin.
TITLE_MAX_WORDS = 25
# A first line repeated within this many paragraphs below is the title, whatever it ends with.
TITLE_REPEAT_WINDOW = 3
# A title made from a first sentence keeps this many words, then "…". 15 holds
# who-did-what of an Arabic lead and stays on one line in the PDF.
DERIVED_TITLE_WORDS = 15
# Trailing lines this short, with no sentence end, are navigation, not text.
FURNITURE_MAX_WORDS = 4
_FURNITURE_PHRASES = re.compile(
    r"^(التعليقات|تعليقات|الأكثر قراءة|الأكثر مشاهدة|اقرأ أيضا|اقرأ أيضاً|شارك|مشاركة|تابعونا|أهم المواضيع|أهم التصنيفات)"
    r"\s*(\(\d+\)|\d+)?$"  # the whole line, with an optional count: "التعليقات (0)"
)
_SENTENCE_END = re.compile(r"[.!?؟…][\"'»”’)\]]*$")
# Headlines may end in "؟" or "!", but a line ending in a full stop is a sentence.
_FULL_STOP_END = re.compile(r"[.…][\"'»”’)\]]*$")


@dataclass(frozen=True, slots=True)
class FolderRead:
    """What a folder gave: its articles, the files left out, and exact copies of articles
    already read (same normalised text), kept so a story can name every outlet."""

    articles: list[Article]
    skipped: list[SkippedItem]
    copies: list[Article]


def read_text_folder(folder: Path) -> tuple[list[Article], list[SkippedItem]]:
    """Every readable article in ``folder`` (sorted by name) and every file left out, with why."""
    read = read_folder(folder)
    return read.articles, read.skipped


def read_folder(folder: Path, outlet: str = "") -> FolderRead:
    """The articles of a folder: ``.txt`` (one article), ``.html``/``.htm`` (one page),
    ``.json``/``.jsonl`` (records); ``metadata.toml`` beside them may name each file's
    outlet, URL and date. ``outlet`` names the outlet of files that do not say."""
    if not folder.is_dir():
        raise IngestError(f"input folder not found: {folder}")
    described = _folder_metadata(folder)
    articles: list[Article] = []
    skipped: list[SkippedItem] = []
    copies: list[Article] = []
    seen: dict[str, str] = {}
    for path in _candidate_files(folder):
        try:
            items = list(_articles_of_file(path))
        except IngestError as exc:
            log.info("skipped %s: %s", path, exc)
            skipped.append(SkippedItem(source=str(path), reason=str(exc), kind=skip_kind(exc)))
            continue
        for item in items:
            if isinstance(item, SkippedItem):
                log.info("skipped %s: %s", item.source, item.reason)
                skipped.append(item)
                continue
            item = _with_metadata(item, described.get(path.name, {}), outlet)
            if item.id in seen:
                reason = f"same text as {seen[item.id]}"
                log.info("skipped %s: %s", item.source, reason)
                skipped.append(SkippedItem(source=item.source, reason=reason, kind="duplicate"))
                copies.append(item)
            else:
                seen[item.id] = item.source
                articles.append(item)
    return FolderRead(articles, skipped, copies)


def _articles_of_file(path: Path) -> Iterator[Article | SkippedItem]:
    """The file's articles, and what was left out or repaired in it."""
    data = _read_bounded(path)
    suffix = path.suffix.lower()
    if suffix in HTML_SUFFIXES:
        from briefing.ingest.decode import charset_from_html
        from briefing.ingest.html import article_from_html

        decoded = decode_text(data, charset_from_html(data))
        yield from _repair_note(str(path), decoded.repair)
        yield article_from_html(str(path), decoded.text)
        return
    decoded = decode_text(data)
    yield from _repair_note(str(path), decoded.repair)
    if suffix in JSON_SUFFIXES:
        yield from articles_from_json(path, decoded.text)
        return
    article = article_from_text(str(path), decoded.text)
    yield dataclasses.replace(article, published=date_in_text(article.body))


def _repair_note(source: str, repair: str | None) -> list[SkippedItem]:
    """A ``repaired`` entry: the item is used, but the reader should know its text was mended."""
    if repair is None:
        return []
    log.info("%s: %s", source, repair)
    return [SkippedItem(source=source, reason=repair, kind="repaired")]


def _folder_metadata(folder: Path) -> dict[str, dict[str, Any]]:
    """``metadata.toml``: a table per file name with ``outlet``, ``url``, ``published``."""
    path = folder / METADATA_FILE
    if not path.is_file():
        return {}
    try:
        document = toml_document(_read_bounded(path).decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise IngestError(f"{path}: cannot read it: {exc}") from exc
    tables: dict[str, dict[str, Any]] = {}
    for name, table in document.items():
        where = f'{path}: ["{name}"]'
        if not isinstance(table, dict) or set(table) - {"outlet", "url", "published"}:
            raise IngestError(f"{where}: give a table with outlet, url and published only")
        for key in ("outlet", "url"):
            if key in table and not isinstance(table[key], str):
                raise IngestError(f"{where}.{key}: a string, not {table[key]!r}")
        published = table.get("published")
        if isinstance(published, dt.datetime):
            table = {**table, "published": published.date()}  # a date and time: its day
        elif published is not None and not isinstance(published, dt.date):
            raise IngestError(f"{where}.published: a date like 2020-12-22")
        tables[name] = table
    return tables


def _with_metadata(article: Article, described: dict[str, Any], outlet: str) -> Article:
    return dataclasses.replace(
        article,
        outlet=described.get("outlet") or article.outlet or outlet,
        url=described.get("url") or article.url,
        published=described.get("published") or article.published,
    )


def _candidate_files(folder: Path) -> Iterator[Path]:
    suffixes = (*TEXT_SUFFIXES, *HTML_SUFFIXES, *JSON_SUFFIXES)
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or not path.is_file() or path.name == METADATA_FILE:
            continue  # .DS_Store, editor swap files, sub-folders: not articles
        if path.suffix.lower() not in suffixes:
            # A README or a picture beside the articles is not a failure to report every day.
            log.info("ignored %s: not a %s file", path, "/".join(suffixes))
            continue
        yield path


def _read_bounded(path: Path) -> bytes:
    limit = MAX_JSON_FILE_BYTES if path.suffix.lower() in JSON_SUFFIXES else MAX_FILE_BYTES
    try:
        with path.open("rb") as handle:
            # Read what the file holds (one byte more tells a file that grew past the cap):
            # read(limit + 1) would set aside the whole 200 MB for a 3 KB file.
            size = os.fstat(handle.fileno()).st_size
            data = handle.read(min(size, limit) + 1)
    except OSError as exc:
        raise IngestError(f"cannot read file: {exc.strerror or exc}") from exc
    if len(data) > limit:
        what = "a collection of articles" if limit == MAX_JSON_FILE_BYTES else "one article"
        raise IngestError(f"file larger than {limit // 1_000_000} MB; too big for {what}")
    return data


def decode_article_bytes(data: bytes) -> str:
    """UTF-8 (a BOM is allowed), Windows-1256 or ISO-8859-6 text; anything else is refused with the reason."""
    return decode_bytes(data)


def article_from_text(source: str, text: str) -> Article:
    """The article in ``text``: its title, its body without furniture, its id.

    Raises EmptyError when there is no article text, NotArabicError when it is not
    Arabic, IngestError when it is longer than ``MAX_ARTICLE_CHARS``.
    """
    if len(text) > MAX_ARTICLE_CHARS:
        raise IngestError(f"text longer than {MAX_ARTICLE_CHARS:,} characters; too long for one article")
    lines = _drop_trailing_furniture([line.strip() for line in text.splitlines()])
    if not any(lines):
        raise EmptyError("no article text (only page furniture)")
    title, body_lines, derived = _take_title(lines)
    # Keep the line structure: blank lines end paragraphs, single breaks may be wraps
    # (the sentence splitter decides); runs of blank lines become one.
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(body_lines)).strip()
    if not body:
        raise EmptyError("no article text after the title")
    if not has_arabic_letter(body):
        raise NotArabicError("no Arabic text")
    require_arabic(f"{title}\n{body}")
    if derived:
        title = _title_from_first_sentence(body)
    digest = hashlib.sha256(normalize_for_matching(body).encode("utf-8")).hexdigest()
    return Article(id=digest[:16], source=source, title=title, title_derived=derived, body=body)


def _take_title(lines: list[str]) -> tuple[str, list[str], bool]:
    """(title, remaining lines, derived?): the first line if it is a headline, with its repeats."""
    filled = [i for i, line in enumerate(lines) if line]
    first = lines[filled[0]]
    key = normalize_for_matching(first)
    nearby = filled[1 : 1 + TITLE_REPEAT_WINDOW]
    repeats = [i for i in nearby if normalize_for_matching(lines[i]) == key]
    # A short first line is a headline only when a blank line follows it: in hard-wrapped
    # text a short first line is just the start of the first sentence.
    set_apart = filled[0] + 1 < len(lines) and not lines[filled[0] + 1]
    short_headline = (
        set_apart and len(split_words(first)) <= TITLE_MAX_WORDS and not _FULL_STOP_END.search(first)
    )
    if (repeats or short_headline) and len(filled) > 1 + len(repeats):
        # Sites often print the headline twice; its repeats near the top go with it.
        dropped = {filled[0], *repeats}
        return first, [line for i, line in enumerate(lines) if i not in dropped], False
    return "", lines, True


def _title_from_first_sentence(body: str) -> str:
    sentences = split_sentences(body)
    sentence = sentences[0] if sentences else body
    words = sentence.split()
    if len(words) <= DERIVED_TITLE_WORDS:
        return sentence.rstrip(".!?؟…")
    return " ".join(words[:DERIVED_TITLE_WORDS]).rstrip("،,؛;:") + "…"


def _drop_trailing_furniture(lines: list[str]) -> list[str]:
    """Drop the page furniture at the end: sure signs first, then short lines among them.

    A short line without an end mark counts as furniture only once a sure sign (a known
    phrase, a counter, an emoji-led menu entry) has been seen below it, so a short last
    paragraph of the article itself ("وختم قائلا: لن نتراجع") is kept.
    """
    end = len(lines)
    seen_sure_sign = False
    while end > 0:
        line = lines[end - 1]
        if not line:
            pass
        elif _is_sure_furniture(line):
            seen_sure_sign = True
        elif not (seen_sure_sign and _is_short_unfinished(line)):
            break
        end -= 1
    return lines[:end]


def _is_sure_furniture(line: str) -> bool:
    if _FURNITURE_PHRASES.match(line):
        return True
    if not split_words(line) or line.isdigit():
        return True  # bare counters ("0") and separators
    return unicodedata.category(line[0]) in ("So", "Sk", "Cs")  # menu entries led by an emoji or symbol


def _is_short_unfinished(line: str) -> bool:
    return len(split_words(line)) <= FURNITURE_MAX_WORDS and not _SENTENCE_END.search(line)

