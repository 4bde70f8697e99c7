"""Normalisation for matching only: display and translation always keep the original text."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalize_for_matching"]

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
_SPACE = re.compile(r"\s+")


def normalize_for_matching(text: str) -> str:
    """Fold spelling variants so the same text from two outlets compares equal."""
    text = unicodedata.normalize("NFKC", text)
    text = _DIRECTION_MARKS.sub("", text)
    text = _DIACRITICS.sub("", text)
    text = text.translate(_FOLD)
    return _SPACE.sub(" ", text).strip()
