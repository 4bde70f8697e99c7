"""Articles from a folder of text files, one article per file (the ``seeds/`` format).

A file may start with a title line, often repeated just below it, and may end in
page furniture copied from the outlet's site ("التعليقات (0)", "الأكثر قراءة",
menu lines with emoji). The title is found and its repeat dropped; the furniture
is dropped; a file with no title line gets one made from its first sentence. The
article's own lines are kept exactly as written.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from briefing.arabic import normalize_for_matching, split_sentences, split_words
from briefing.errors import IngestError
from briefing.types import Article, SkippedItem

__all__ = [
    "MAX_FILE_BYTES",
    "article_from_text",
    "decode_article_bytes",
    "read_text_folder",
]

log = logging.getLogger(__name__)

TEXT_SUFFIXES = (".txt",)
# Largest file read. A long news article is ~50 KB of UTF-8; 2 MB leaves room for
# feature pieces and transcripts while refusing dumps that are not one article.
MAX_FILE_BYTES = 2_000_000
# A first line is a title only if it is short and has no sentence-ending mark.
# Arabic headlines run 6-15 words (the seed's has 10); 25 leaves margin.
TITLE_MAX_WORDS = 25
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


def read_text_folder(folder: Path) -> tuple[list[Article], list[SkippedItem]]:
    """Every readable article in ``folder`` (sorted by name) and every file left out, with why."""
    if not folder.is_dir():
        raise IngestError(f"input folder not found: {folder}")
    articles: list[Article] = []
    skipped: list[SkippedItem] = []
    seen: dict[str, str] = {}
    for path in _candidate_files(folder, skipped):
        try:
            article = article_from_text(str(path), decode_article_bytes(_read_bounded(path)))
        except IngestError as exc:
            log.warning("skipped %s: %s", path, exc)
            skipped.append(SkippedItem(source=str(path), reason=str(exc)))
            continue
        if article.id in seen:
            reason = f"same text as {seen[article.id]}"
            log.info("skipped %s: %s", path, reason)
            skipped.append(SkippedItem(source=str(path), reason=reason))
            continue
        seen[article.id] = str(path)
        articles.append(article)
    return articles, skipped


def _candidate_files(folder: Path, skipped: list[SkippedItem]) -> Iterator[Path]:
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            continue  # .DS_Store, editor swap files: not the user's articles
        if not path.is_file():
            continue
        if path.suffix.lower() not in TEXT_SUFFIXES:
            skipped.append(SkippedItem(source=str(path), reason=f"not a text file ({path.suffix or 'no suffix'})"))
            continue
        yield path


def _read_bounded(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise IngestError(f"cannot read file: {exc.strerror or exc}") from exc
    if len(data) > MAX_FILE_BYTES:
        raise IngestError(f"file larger than {MAX_FILE_BYTES // 1_000_000} MB; not one article")
    return data


def decode_article_bytes(data: bytes) -> str:
    """UTF-8 text (a BOM is allowed); anything else is refused with the reason."""
    if not data.strip():
        raise IngestError("empty file")
    if b"\x00" in data:
        raise IngestError("binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestError(f"not UTF-8 text (invalid byte at offset {exc.start})") from exc


def article_from_text(source: str, text: str) -> Article:
    lines = [line.strip() for line in text.splitlines()]
    lines = _drop_trailing_furniture(lines)
    paragraphs = [line for line in lines if line]
    if not paragraphs:
        raise IngestError("no article text (only page furniture)")
    title, paragraphs, derived = _take_title(paragraphs)
    if not paragraphs:
        raise IngestError("no article text after the title")
    body = "\n\n".join(paragraphs)
    if not any(_is_arabic_letter(ch) for ch in body):
        raise IngestError("no Arabic text")
    digest = hashlib.sha256(normalize_for_matching(body).encode("utf-8")).hexdigest()
    return Article(id=digest[:16], source=source, title=title, title_derived=derived, body=body)


def _take_title(paragraphs: list[str]) -> tuple[str, list[str], bool]:
    first = paragraphs[0]
    looks_like_title = len(split_words(first)) <= TITLE_MAX_WORDS and not _SENTENCE_END.search(first)
    if looks_like_title and len(paragraphs) > 1:
        rest = paragraphs[1:]
        while rest and rest[0] == first:  # sites often print the headline twice
            rest = rest[1:]
        return first, rest, False
    return _title_from_first_sentence(first), paragraphs, True


def _title_from_first_sentence(paragraph: str) -> str:
    sentences = split_sentences(paragraph)
    sentence = sentences[0] if sentences else paragraph
    words = sentence.split()
    if len(words) <= DERIVED_TITLE_WORDS:
        return sentence.rstrip(".!?؟…")
    return " ".join(words[:DERIVED_TITLE_WORDS]).rstrip("،,؛;:") + "…"


def _drop_trailing_furniture(lines: list[str]) -> list[str]:
    end = len(lines)
    while end > 0 and _is_furniture(lines[end - 1]):
        end -= 1
    return lines[:end]


def _is_furniture(line: str) -> bool:
    if not line:
        return True
    if _FURNITURE_PHRASES.match(line):
        return True
    if not split_words(line) or line.isdigit():
        return True  # bare counters ("0") and separators
    if unicodedata.category(line[0]) in ("So", "Sk", "Cs"):
        return True  # menu entries led by an emoji or symbol
    return len(split_words(line)) <= FURNITURE_MAX_WORDS and not _SENTENCE_END.search(line)


def _is_arabic_letter(ch: str) -> bool:
    return "\u0600" <= ch <= "\u06ff" and ch.isalpha()
