"""Sentence and word splitting for Arabic news text.

A sentence ends at ``.``, ``!``, ``?``, ``؟`` or ``…`` (with any closing quotes or
brackets that follow) when whitespace or the end of the line comes next, and at every
line break: the texts we ingest carry one paragraph per line. The Arabic comma ``،``
and semicolon ``؛`` never end a sentence. Because a boundary needs whitespace after
the mark, dates (``20/12/2020``), decimals (``3.5``), URLs and names like ``M4``
stay whole; a lone letter before a dot (``د.``, ``أ.د.``) is taken for an
abbreviation, not a sentence end.

Not pyarabic's ``sentence_tokenize``: it stops splitting after 32 sentences.
"""

from __future__ import annotations

import re

__all__ = ["split_sentences", "split_words"]

# A run of end marks, then closing quotes/brackets, then whitespace or end of line.
_END = re.compile(r"[.!?؟…]+[\"'»”’)\]]*(?=\s|$)")
# "د." or "أ.د." : single letters each followed by a dot.
_ABBREVIATION = re.compile(r"(?:^|\s)(?:[^\W\d_]\.)+$")  # letters only: "رقم 5." does end a sentence
_HAS_WORD = re.compile(r"\w")
_WORD = re.compile(r"\w+")


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text`` in order, each exactly as written (trimmed)."""
    sentences: list[str] = []
    for line in text.splitlines():
        start = 0
        for match in _END.finditer(line):
            candidate = line[start : match.end()]
            if match.group().startswith(".") and _ABBREVIATION.search(line[: match.start() + 1]):
                continue
            _keep(sentences, candidate)
            start = match.end()
        _keep(sentences, line[start:])
    return sentences


def split_words(text: str) -> list[str]:
    """Runs of letters and digits: what counts as a word for budgets and titles."""
    return _WORD.findall(text)


def _keep(sentences: list[str], candidate: str) -> None:
    stripped = candidate.strip()
    if _HAS_WORD.search(stripped):
        sentences.append(stripped)
