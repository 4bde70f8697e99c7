"""Checks on what the model returned: loops, untranslated output, lost numbers, confidence."""

from __future__ import annotations

import re

from briefing.arabic.normalize import to_ascii_digits

__all__ = [
    "FLAG_GLOSSARY_NOT_APPLIED",
    "FLAG_LOW_CONFIDENCE",
    "FLAG_NUMBERS_CHANGED",
    "FLAG_PLACEHOLDER_REMOVED",
    "FLAG_REPETITION",
    "FLAG_TRUNCATED",
    "FLAG_UNTRANSLATED",
    "has_repetition_loop",
    "looks_untranslated",
    "missing_numbers",
]

FLAG_UNTRANSLATED = "untranslated"
FLAG_LOW_CONFIDENCE = "low-confidence"
FLAG_REPETITION = "repetition"
FLAG_NUMBERS_CHANGED = "numbers-changed"
FLAG_GLOSSARY_NOT_APPLIED = "glossary-not-applied"
FLAG_TRUNCATED = "truncated"
FLAG_PLACEHOLDER_REMOVED = "placeholder-removed"

# A word or a phrase of up to three words said three times in a row is a decoding
# loop ("the the the", "in the city in the city in the city"); natural English
# repeats a word twice at most ("very, very").
LOOP_REPEATS = 3
# Output with more than this share of its letters in Arabic script was not translated.
UNTRANSLATED_ARABIC_SHARE = 0.5

_LOOP = re.compile(r"\b(\w+(?:\W+\w+){0,2}?)(?:\W+\1\b){" + str(LOOP_REPEATS - 1) + ",}", re.IGNORECASE)
_NUMBER = re.compile(r"[0-9٠-٩]+(?:[.,/:٫٬][0-9٠-٩]+)*")


def has_repetition_loop(text: str) -> bool:
    return _LOOP.search(text) is not None


def looks_untranslated(source: str, output: str) -> bool:
    if " ".join(output.split()) == " ".join(source.split()):
        return True
    letters = [ch for ch in output if ch.isalpha()]
    if not letters:
        return False
    arabic = sum(1 for ch in letters if "\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f")
    return arabic / len(letters) > UNTRANSLATED_ARABIC_SHARE


def missing_numbers(source: str, output: str) -> list[str]:
    """Numbers and dates of ``source`` (as ASCII) that ``output`` does not contain."""
    present = set(_NUMBER.findall(to_ascii_digits(output)))
    return [n for n in (to_ascii_digits(m) for m in _NUMBER.findall(source)) if n not in present]
