"""Normalisation for matching only: display and translation always keep the original text."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalize_for_matching", "to_ascii_digits"]

_DIACRITICS = re.compile("[\u064b-\u0652\u0670\u0640]")  # harakat, dagger alef, tatweel
_DIRECTION_MARKS = re.compile("[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069\ufeff]")
_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ة": "ه",
        **{chr(0x0660 + d): str(d) for d in range(10)},  # Arabic-Indic digits
        **{chr(0x06F0 + d): str(d) for d in range(10)},  # Eastern Arabic-Indic (Persian) digits
    }
)
_FOLD_KEEPING_TA_MARBUTA = {k: v for k, v in _FOLD.items() if k != ord("ة")}
_SPACE = re.compile(r"\s+")


def normalize_for_matching(text: str, *, keep_ta_marbuta: bool = False) -> str:
    """Fold spelling variants so the same text from two outlets compares equal.

    ``keep_ta_marbuta`` leaves ``ة`` alone: the Snowball stemmer strips ``ة`` as a
    suffix but not ``ه``, so words are stemmed before that fold (see ``tokenize``).
    """
    text = unicodedata.normalize("NFKC", text)
    text = _DIRECTION_MARKS.sub("", text)
    text = _DIACRITICS.sub("", text)
    text = text.translate(_FOLD_KEEPING_TA_MARBUTA if keep_ta_marbuta else _FOLD)
    return _SPACE.sub(" ", text).strip()


_DIGITS_TO_ASCII = str.maketrans({**{chr(0x0660 + d): str(d) for d in range(10)}, "٫": ".", "٬": ","})


def to_ascii_digits(text: str) -> str:
    """Arabic-Indic digits and the Arabic decimal and thousands marks as ASCII (``٣٫٥`` -> ``3.5``)."""
    return text.translate(_DIGITS_TO_ASCII)
