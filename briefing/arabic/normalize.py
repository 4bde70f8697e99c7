"""Normalisation for matching only: display and translation always keep the original text."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

__all__ = ["folds_word_for_word", "normalize_for_matching", "to_ascii_digits"]

_DIACRITICS = re.compile("[\u064b-\u0652\u0670\u0640]")  # harakat, dagger alef, tatweel
_DIRECTION_MARKS = re.compile("[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069\ufeff]")
# Letter folds as a chain of str.replace, not str.translate: translate looks every
# character of non-ASCII text up in a dict, and was half the time of clustering a day.
_LETTER_FOLDS = (("أ", "ا"), ("إ", "ا"), ("آ", "ا"), ("ٱ", "ا"), ("ى", "ي"))
_TA_MARBUTA_FOLD = ("ة", "ه")
_DIGITS = str.maketrans(
    {
        **{chr(0x0660 + d): str(d) for d in range(10)},  # Arabic-Indic digits
        **{chr(0x06F0 + d): str(d) for d in range(10)},  # Eastern Arabic-Indic (Persian) digits
    }
)
_NON_ASCII_DIGIT = re.compile("[\u0660-\u0669\u06f0-\u06f9]")


def normalize_for_matching(text: str, *, keep_ta_marbuta: bool = False) -> str:
    """Fold spelling variants so the same text from two outlets compares equal.

    ``keep_ta_marbuta`` leaves ``ة`` alone: the Snowball stemmer strips ``ة`` as a
    suffix but not ``ه``, so words are stemmed before that fold (see ``tokenize``).
    """
    text = unicodedata.normalize("NFKC", text)
    text = _DIRECTION_MARKS.sub("", text)
    text = _DIACRITICS.sub("", text)
    for variant, plain in _LETTER_FOLDS if keep_ta_marbuta else (*_LETTER_FOLDS, _TA_MARBUTA_FOLD):
        if variant in text:
            text = text.replace(variant, plain)
    if _NON_ASCII_DIGIT.search(text):
        text = text.translate(_DIGITS)
    return " ".join(text.split())  # collapses every whitespace run; faster than a regex


def folds_word_for_word(text: str, words: Sequence[str], folded_words: Sequence[str]) -> bool:
    """Whether ``folded_words`` (``normalize_for_matching(text).split(" ")``) are ``words``
    (``text.split()``) folded one by one, so that one fold of the whole text serves for
    each word's. The fold works a character at a time but for NFKC, which never joins or
    splits anything across whitespace; so it holds unless NFKC makes a word several (a
    ligature such as U+FDFA, a spacing mark such as U+FE70) or the marks the fold drops
    leave a word empty, and counting the words after NFKC and after the fold tells. (Checked
    on each code point in words and alone, and on every line of the 19 SaudiNewsNet days,
    where 6 % of the lines are merely not in NFKC: a shadda before its vowel.)"""
    if len(folded_words) != len(words):
        return False
    return unicodedata.is_normalized("NFKC", text) or len(unicodedata.normalize("NFKC", text).split()) == len(words)


_DIGITS_TO_ASCII = str.maketrans({**{chr(0x0660 + d): str(d) for d in range(10)}, "٫": ".", "٬": ","})


def to_ascii_digits(text: str) -> str:
    """Arabic-Indic digits and the Arabic decimal and thousands marks as ASCII (``٣٫٥`` -> ``3.5``)."""
    return text.translate(_DIGITS_TO_ASCII)
