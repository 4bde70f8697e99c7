"""One fold of a whole text standing for the fold of each of its words."""

from __future__ import annotations

import pytest

from briefing.arabic.normalize import folds_word_for_word, normalize_for_matching


@pytest.mark.parametrize(
    ("text", "word_for_word"),
    [
        ("قال الجيش السوري", True),
        # Not in NFKC (a shadda before its vowel), yet each word folds to one word: one fold serves.
        ("وبيّن أنّ \u0651\u064eالأمر", True),
        ("قسد، \u200fالطائفية «الجيش»", True),
        # NFKC makes a word several: a ligature, a spacing mark glued to a word.
        ("\ufdfa ميليشيا قسد", False),
        ("قال\ufe70الجيش السوري", False),
        # A word of marks alone folds away: the words after it would shift.
        ("ميليشيا ـ قسد", False),
        ("قسد \u064e \u200f الجيش", False),
    ],
)
def test_one_fold_of_the_text_serves_for_each_word_only_when_each_word_folds_to_one(text: str, word_for_word: bool) -> None:
    words = text.split()
    folded_words = normalize_for_matching(text).split(" ")
    assert folds_word_for_word(text, words, folded_words) is word_for_word
    if word_for_word:
        assert folded_words == [normalize_for_matching(w) for w in words]
