"""Placeholders for what the model must not touch: glossary terms, URLs, codes, numbers.

Before a sentence goes to the model, each glossary term (with any leading و ف ب ل ك
or article it carries), each URL or e-mail, each Latin code such as ``M4`` and each
number or date is replaced by a placeholder, ``ZQA``, ``ZQB``, ... (Latin capitals, no
digits: SentencePiece models copy unknown Latin names through, and no digit can be
mistaken for a number). After decoding, each placeholder is replaced by the term's
English rendering or the original string (Arabic-Indic digits as ASCII).

The output is trusted only when every placeholder comes back whole, as often as it was
sent, standing alone, and nothing else placeholder-like is there (``restore``): a model
may drop one, repeat it, glue it to a word ("ZQCates"), or invent one the source never
had. Then the caller decodes the plain sentence instead, and removes any remnant the
model still writes (``remove_remnants``), so no placeholder ever reaches a reader. A
source that itself contains such Latin letters has them protected like any code.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from importlib import resources
from itertools import pairwise
from pathlib import Path

from briefing.arabic.normalize import normalize_for_matching, to_ascii_digits
from briefing.config import toml_document
from briefing.errors import ConfigError

__all__ = [
    "PLACEHOLDER_PREFIX",
    "Glossary",
    "Protected",
    "has_remnant",
    "load_glossary",
    "protect",
    "remove_remnants",
    "restore",
]

# A glossary is a few thousand terms at most (a few hundred KB); larger is not one.
MAX_GLOSSARY_BYTES = 5_000_000
PLACEHOLDER_PREFIX = "ZQ"
_LETTERS = "ABCDEFGHIJKLMNOPRSTUVWXY"  # no Q or Z: "ZQZ" would read as a new prefix
# Proclitics that may lead a term: and, so, with, for, like, and combinations.
_PROCLITICS = ("", "و", "ف", "ب", "ل", "ك", "وب", "ول", "وك", "فب", "فل", "فك")
_WORD = re.compile(r"\w+")
# (An e-mail address starts where a word does: without the look-behind, every position of
# a long run of letters would be tried as a start, and each try would scan to its end.)
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'«»]+[^\s<>\"'«».,،؛:!?؟)\]]|(?<![\w.+-])[\w.+-]+@[\w-]+\.[\w.-]+\w")
_CODE = re.compile(r"(?<![\w-])[A-Za-z]+-?[0-9]+[A-Za-z]*(?![\w-])")
_NUMBER = re.compile(r"[0-9٠-٩]+(?:[.,/:٫٬-][0-9٠-٩]+)*%?")
# A placeholder as protect() writes it (it may be glued to an Arabic proclitic: "وZQB").
_SENT = re.compile(PLACEHOLDER_PREFIX + r"([A-Z])")
# A placeholder as it may come back: "ZQA", or with a space inside ("ZQ A", "Z QA"), standing
# alone (not glued to a Latin letter or a digit on either side: "ZQCates" is garbled).
_PLACEHOLDER = re.compile(r"(?<![A-Za-z0-9])Z ?Q ?([A-Z])(?![A-Za-z0-9])")
# Anything of a placeholder: the prefix, glued or spaced ("ZQCates", "MeZQ", "Z Q").
_REMNANT = re.compile(r"Z ?Q")
# A word holding a remnant, for removing it whole ("ZQCates" goes, not just "ZQC").
_REMNANT_WORD = re.compile(r"\S*Z ?Q\S*")
# In a source, Latin letters that would read as a placeholder: protected like a code
# (found as "Z ?Q" and widened to the letters around it, in one pass: a regex that
# starts with [A-Za-z]* retries every position of a long Latin run).
_LOOKALIKE_CORE = re.compile(r"Z ?Q")
_LATIN = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
# Spans protected in one sentence at most: placeholders run out at 24 distinct values, and
# the model reads a few hundred tokens of a sentence; past this the rest is left as it is.
MAX_PROTECTED_SPANS = 1000


@dataclass(frozen=True, slots=True)
class Glossary:
    """Arabic terms (normalised word tuples) and their English renderings."""

    terms: dict[tuple[str, ...], str]

    def merged(self, other: Glossary) -> Glossary:
        return Glossary({**self.terms, **other.terms})


@dataclass(frozen=True, slots=True)
class Protected:
    source: str
    text: str
    """What the model sees: ``source`` with placeholders."""
    slots: tuple[tuple[str, str], ...]
    """(placeholder, what it stands for in English), in order of first appearance."""
    terms: frozenset[str] = frozenset()
    """The English renderings among ``slots`` that come from the glossary."""


def load_glossary(path: Path | None = None) -> Glossary:
    """The shipped starter glossary, or the TOML file at ``path`` (``[terms]`` table)."""
    if path is None:
        text = resources.files("briefing.translate").joinpath("data/glossary.toml").read_text(encoding="utf-8")
        where = "starter glossary"
    else:
        where = str(path)
        try:
            with path.open("rb") as handle:
                data = handle.read(MAX_GLOSSARY_BYTES + 1)
        except OSError as exc:
            raise ConfigError(f"translate.glossary: cannot read {path}: {exc.strerror or exc}") from exc
        if len(data) > MAX_GLOSSARY_BYTES:
            raise ConfigError(f"translate.glossary: {path} is larger than {MAX_GLOSSARY_BYTES // 1_000_000} MB")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ConfigError(f"translate.glossary: {path} is not UTF-8 ({exc.reason} at byte {exc.start})") from exc
    try:
        table = toml_document(text).get("terms", {})
    except ValueError as exc:
        raise ConfigError(f"{where}: {exc}") from exc
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: give the terms as a [terms] table")
    terms: dict[tuple[str, ...], str] = {}
    for arabic, english in table.items():
        if not isinstance(english, str) or not english.strip():
            raise ConfigError(f"{where}: term {arabic!r} needs an English rendering (a string)")
        words = tuple(_WORD.findall(normalize_for_matching(arabic)))
        if not words:
            raise ConfigError(f"{where}: empty term {arabic!r}")
        terms[words] = english.strip()
    return Glossary(terms)


class _Spans:
    """Non-overlapping (start, end, English) spans of a sentence, kept sorted: whether a new
    one is free costs a binary search, not a pass over every span so far (a sentence of
    80,000 numbers made that quadratic)."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.spans: list[tuple[int, int, str]] = []

    def free(self, start: int, end: int) -> bool:
        at = bisect.bisect_right(self.starts, start)
        if at and self.spans[at - 1][1] > start:
            return False  # the span before runs into this one
        return at == len(self.spans) or self.spans[at][0] >= end

    def add(self, start: int, end: int, english: str) -> None:
        at = bisect.bisect_right(self.starts, start)
        self.starts.insert(at, start)
        self.spans.insert(at, (start, end, english))


def protect(sentence: str, glossary: Glossary) -> Protected:
    taken = _Spans()

    def take(start: int, end: int, english: str) -> None:
        if len(taken.spans) < MAX_PROTECTED_SPANS and taken.free(start, end):
            taken.add(start, end, english)

    for match in _URL.finditer(sentence):
        take(match.start(), match.end(), match.group())
    for start, end in _lookalike_spans(sentence):
        take(start, end, sentence[start:end])
    for match in _CODE.finditer(sentence):
        take(match.start(), match.end(), match.group())
    term_spans = _glossary_spans(sentence, glossary, taken.free)
    for span in term_spans:
        take(*span)
    for match in _NUMBER.finditer(sentence):
        take(match.start(), match.end(), to_ascii_digits(match.group()))
    spans = list(taken.spans)
    placeholders: dict[str, str] = {}
    pieces, last = [], 0
    for start, end, english in spans:
        if english not in placeholders:
            if len(placeholders) == len(_LETTERS):
                continue  # more protected items than placeholders: leave the rest to the model
            placeholders[english] = PLACEHOLDER_PREFIX + _LETTERS[len(placeholders)]
        pieces += [sentence[last:start], placeholders[english]]
        last = end
    pieces.append(sentence[last:])
    slots = tuple((ph, english) for english, ph in placeholders.items())
    terms = frozenset(english for _, _, english in term_spans if english in placeholders)
    return Protected(source=sentence, text="".join(pieces), slots=slots, terms=terms)


def restore(output: str, protected: Protected) -> str | None:
    """The model's output with its placeholders replaced; None unless each placeholder came
    back whole, standing alone, exactly as many times as it was sent, and nothing else
    placeholder-like is in the output (then the sentence is to be decoded plain)."""
    wanted = {ph[-1]: english for ph, english in protected.slots}
    sent = _SENT.findall(protected.text)
    found = [m.group(1) for m in _PLACEHOLDER.finditer(output)]
    if sorted(found) != sorted(sent) or len(_REMNANT.findall(output)) != len(found):
        return None
    return _PLACEHOLDER.sub(lambda m: wanted[m.group(1)], output)


def has_remnant(text: str) -> bool:
    """Whether ``text`` holds anything of a placeholder (whole, spaced or glued)."""
    return _REMNANT.search(text) is not None


def remove_remnants(text: str) -> str:
    """``text`` without the words that hold a placeholder remnant, spacing mended."""
    cleaned = _REMNANT_WORD.sub("", text)
    cleaned = re.sub(r"\s+([,.;:!?])", r"\1", cleaned)
    return " ".join(cleaned.split())


def _lookalike_spans(sentence: str) -> list[tuple[int, int]]:
    """Latin words holding "ZQ" (or "Z Q"), each character looked at a bounded number of times."""
    spans: list[tuple[int, int]] = []
    for match in _LOOKALIKE_CORE.finditer(sentence):
        if spans and match.start() < spans[-1][1]:
            continue  # inside the word just taken
        start, end = match.start(), match.end()
        while start > 0 and sentence[start - 1] in _LATIN:
            start -= 1
        while end < len(sentence) and sentence[end] in _LATIN:
            end += 1
        spans.append((start, end))
    return spans


def _glossary_spans(sentence: str, glossary: Glossary, free) -> list[tuple[int, int, str]]:  # type: ignore[no-untyped-def]
    if not glossary.terms:
        return []
    words = [(m.start(), m.end(), normalize_for_matching(m.group())) for m in _WORD.finditer(sentence)]
    longest = max(len(t) for t in glossary.terms)
    spans: list[tuple[int, int, str]] = []
    i = 0
    while i < len(words):
        matched = False
        for size in range(min(longest, len(words) - i), 0, -1):
            window = words[i : i + size]
            if any(sentence[a[1] : b[0]].strip() for a, b in pairwise(window)):
                continue  # words of a term are separated by spaces only
            found = _match_term(tuple(w for _, _, w in window), glossary)
            if found is None:
                continue
            prefix, english = found
            start, end = window[0][0] + prefix, window[-1][1]
            if free(start, end):
                spans.append((start, end, english))
                i += size
                matched = True
                break
        if not matched:
            i += 1
    return spans


def _match_term(words: tuple[str, ...], glossary: Glossary) -> tuple[int, str] | None:
    """(length of the proclitic before the term, English) if ``words`` are a term: a few
    dictionary lookups (one per proclitic), whatever the size of the glossary."""
    first, rest = words[0], words[1:]
    for clitic in _PROCLITICS:
        if not first.startswith(clitic):
            continue
        stem = first[len(clitic) :]
        english = glossary.terms.get((stem, *rest))
        if english is not None:
            return len(clitic), english
        # ل + الجيش is written للجيش: the article's alef drops after lam.
        if clitic.endswith("ل") and stem.startswith("ل"):
            english = glossary.terms.get(("ا" + stem, *rest))
            if english is not None:
                return len(clitic), english
    return None
