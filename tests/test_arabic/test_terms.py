"""``TermMatcher.spans`` tries its regex only at words that can start a term: it must find
exactly what the one regex run over the whole text finds (the reference below), which is
what it did before, at a twentieth of the cost on a day's headlines and leads."""

from __future__ import annotations

import json
import random
import zipfile
from pathlib import Path

import pytest

from briefing.arabic.normalize import normalize_for_matching
from briefing.arabic.places import starter_places
from briefing.arabic.terms import _ENDINGS, TermMatcher, _prefixes

DAY = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "saudinewsnet" / "2015-07-21.zip"


def whole_text_scan(matcher: TermMatcher, folded: str) -> list[tuple[int, int, str]]:
    """The reference: the matcher's one regex over the whole text, every position tried."""
    pattern = matcher._pattern
    return [] if pattern is None else [matcher._span(m) for m in pattern.finditer(folded)]


def test_the_prefixes_are_every_proclitic_string_the_pattern_allows() -> None:
    assert len(_prefixes()) == 24
    assert {"", "و", "ال", "لل", "ولل", "وبال", "فكال", "ب", "ل"} <= _prefixes()
    assert not {"ا", "لا", "بل", "وو", "الل"} & _prefixes()


TERMS = [
    "اليمن", "عدن", "الحوثي", "حوثي", "الاتفاق النووي", "الجيش السوري", "قسد", "آل سعود",
    "ال", "الف", "بيروت", "لبنان", "البحرين", "بحر", "سان-فرانسيسكو", "هادي", "هادي السعيد",
]
NOISE = ["في", "عدنان", "فيمن", "هادئ", "من", "،", ".", "-", "بـ", "لل", "و", "ال", "1", "«", "»"]


@pytest.mark.parametrize("endings", [True, False])
def test_random_texts_of_terms_proclitics_and_endings_give_the_whole_text_scan(endings: bool) -> None:
    matcher = TermMatcher(TERMS, endings=endings)
    rng = random.Random(20261207)
    prefixes = sorted(_prefixes())
    pieces = [normalize_for_matching(t) for t in TERMS]
    for _ in range(4000):
        words = []
        for _ in range(rng.randint(1, 12)):
            roll = rng.random()
            if roll < 0.5:
                piece = rng.choice(pieces)
                if rng.random() < 0.3:  # the article taken off, or a word of a phrase alone
                    piece = rng.choice(piece.removeprefix("ال").split() or [piece])
                word = rng.choice(prefixes) + piece + (rng.choice(_ENDINGS) if rng.random() < 0.3 else "")
            else:
                word = rng.choice(NOISE)
            words.append(word)
        separators = [rng.choice([" ", " ", "  ", "\n", "", "،"]) for _ in words]
        text = "".join(w + s for w, s in zip(words, separators))
        assert matcher.spans(text) == whole_text_scan(matcher, text), text


@pytest.mark.skipif(not DAY.exists(), reason="the SaudiNewsNet day lives in ../shared/data")
def test_a_real_days_texts_give_the_whole_text_scan_for_every_place() -> None:
    places = starter_places()
    texts = []
    with zipfile.ZipFile(DAY) as archive:
        for name in archive.namelist()[:1]:
            records = json.loads(archive.read(name))
            for record in records[:300]:
                title, body = record.get("title") or "", record.get("content") or ""
                texts.append(normalize_for_matching(f"{title}\n{body[:600]}"))
    found = 0
    for matcher in (places._plain, places._with_endings):
        for text in texts:
            spans = matcher.spans(text)
            assert spans == whole_text_scan(matcher, text)
            found += len(spans)
    assert found > 300
