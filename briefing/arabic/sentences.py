"""Sentence and word splitting for Arabic news text.

Rules, in order:

- A blank line ends a paragraph, and a paragraph ends a sentence.
- A single line break inside a paragraph is a hard wrap (newspaper text is often
  wrapped at a fixed width) unless the line ends with an end mark or a colon; wrapped
  lines are joined with a space.
- A sentence ends at ``.``, ``!``, ``?``, ``؟``, ``…`` or ``...`` (with any closing
  quotes or brackets after it) when whitespace, the end of the text, or an Arabic
  letter comes next. Scraped Arabic often has no space after the full stop
  (``المدينة.وقال``); a digit or Latin letter right after a dot is a decimal, a
  date or a URL (``3.5``, ``www.spa.gov.sa``) and does not end anything.
- ``..`` (exactly two dots) is a pause in Arabic headlines, not an end.
- The Arabic comma ``،`` and semicolon ``؛`` never end a sentence.
- Known abbreviations (``د.``, ``أ.د.``, ``ص.ب.``; ``Dr.``, ``U.S.``) do not end one.
- A quotation is kept whole: an end mark inside open quotes (``"…"``, ``«…»``,
  ``“…”``) does not end the sentence that carries it, unless the quote runs on past
  ``QUOTE_MAX_CHARS`` (then the quote mark was most likely never closed).

Not pyarabic's ``sentence_tokenize``: it stops splitting after 32 sentences.
"""

from __future__ import annotations

import re

__all__ = ["ABBREVIATIONS", "split_paragraph_sentences", "split_sentences", "split_words"]

# Titles and terms written with a dot that do not end a sentence. Single Arabic letters
# are listed one by one: "م." is also "ميلادي" at the end of a date, which does end one.
ABBREVIATIONS = frozenset(
    {"د", "أ", "ا", "أ.د", "ا.د", "ص.ب", "ت", "ق.م", "Dr", "Mr", "Mrs", "Ms", "Prof", "St", "No", "vs", "etc", "Jr"}
)
# An open quote longer than this (characters) is treated as never closed. Quoted
# statements in news run to two or three sentences; 400 characters covers them.
QUOTE_MAX_CHARS = 400
# Characters looked at on either side of a dot to tell an abbreviation: the longest
# listed is 4 ("أ.د."), initials like "U.S.A." a few more; 32 leaves room.
ABBREVIATION_WINDOW = 32

_PARAGRAPH_BREAK = re.compile(r"\n[ \t\u200e\u200f]*\n\s*")
_LINE_END = re.compile(r"[.!?؟…:][\"'»”’)\]]*[\s\u200e\u200f]*$")
_CLOSERS = "\"'»”’)]"
# An end-mark run, its closers, then what must follow for it to be an end.
_END = re.compile(
    r"(?P<mark>\.{3,}|\.\.|[.!?؟…]+)(?P<closers>[\"'»”’)\]]*)"
    r"(?=[\s\u200e\u200f\u061c]|$|[\u0621-\u064a])"
)
_TOKEN_BEFORE = re.compile(r"(\S+)$")
_TOKEN_AFTER = re.compile(r"(\S+)")
_LATIN_INITIALS = re.compile(r"^(?:[A-Za-z]\.)+[A-Za-z]$")
_HAS_WORD = re.compile(r"\w")
_WORD = re.compile(r"\w+")
_QUOTE_PAIRS = {"«": "»", "“": "”"}


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text`` in order, each exactly as written, trimmed, wraps joined."""
    sentences: list[str] = []
    for paragraph in _PARAGRAPH_BREAK.split(text.strip()):
        sentences.extend(split_paragraph_sentences(_join_wrapped_lines(paragraph)))
    return sentences


def split_paragraph_sentences(paragraph: str) -> list[str]:
    """Sentences of one paragraph (its line breaks are taken as hard ends)."""
    sentences: list[str] = []
    for line in paragraph.split("\n"):
        start = 0
        for match in _END.finditer(line):
            if match.group("mark") == "..":
                continue
            if match.group("mark") == "." and _is_abbreviation(line, start, match.start(), match.end()):
                continue
            if _inside_quote(line, start, match.end()):
                continue
            _keep(sentences, line[start : match.end()])
            start = match.end()
        _keep(sentences, line[start:])
    return sentences


def split_words(text: str) -> list[str]:
    """Runs of letters and digits: what counts as a word for budgets and titles."""
    return _WORD.findall(text)


def _join_wrapped_lines(paragraph: str) -> str:
    # Lines are gathered into runs and each run joined once: appending to a growing
    # string (or testing its end) per line would cost the square of a run's length.
    runs: list[list[str]] = []
    continues = False
    for raw in paragraph.split("\n"):
        line = raw.strip()
        if not line:
            continue
        if continues:
            runs[-1].append(line)
        else:
            runs.append([line])
        continues = not _LINE_END.search(line)
    return "\n".join(" ".join(run) for run in runs)


def _is_abbreviation(line: str, start: int, dot: int, after: int) -> bool:
    """Whether the dot at ``line[dot]`` closes an abbreviation (the sentence began at ``start``).

    Only a few characters either side are looked at (``ABBREVIATION_WINDOW``), so a line
    of thousands of dots costs as much per dot as a short one.
    """
    window_start = max(start, dot - ABBREVIATION_WINDOW)
    token = _TOKEN_BEFORE.search(line, window_start, dot)
    if token is None:
        return False
    if token.start() == window_start > start and not line[window_start - 1].isspace():
        return False  # a token longer than the window: no abbreviation is that long
    word = token.group(1).lstrip("(\"'«“")
    glued = _TOKEN_AFTER.match(line, after, after + ABBREVIATION_WINDOW)  # "ص.ب" seen at its first dot
    if glued and f"{word}.{glued.group(1).rstrip('.')}" in ABBREVIATIONS:
        return True
    return word in ABBREVIATIONS or bool(_LATIN_INITIALS.match(word))


def _inside_quote(line: str, start: int, end: int) -> bool:
    """True when ``line[start:end]`` (a sentence so far) has a quotation opened and not yet closed."""
    if end - start > QUOTE_MAX_CHARS:
        return False  # checked before slicing: a long run costs nothing here
    text = line[start:end]
    if text.count('"') % 2 == 1:
        return _open_quote_tail(text, '"')
    return any(text.count(opening) > text.count(closing) for opening, closing in _QUOTE_PAIRS.items())


def _open_quote_tail(text: str, mark: str) -> bool:
    # The unmatched quote must have speech after it, not just a closing quote glued
    # to the previous word ('"قسد"' is balanced; 'قال: "نعم' is open).
    tail = text[text.rfind(mark) + 1 :]
    return bool(_HAS_WORD.search(tail)) and len(tail) <= QUOTE_MAX_CHARS


def _keep(sentences: list[str], candidate: str) -> None:
    stripped = candidate.strip().strip("\u200e\u200f\u061c").strip()
    if _HAS_WORD.search(stripped):
        sentences.append(stripped)
