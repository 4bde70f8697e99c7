"""The model-free checks, and the placeholder guarantee, on text the test model never saw."""

from __future__ import annotations

import re

import pytest

from briefing.arabic import split_sentences
from briefing.translate import ArgosModel, TranslationEngine, load_glossary
from briefing.translate.english import is_english_word, unknown_words
from briefing.translate.guards import length_mismatch, missing_numbers, text_checks, unfinished
from briefing.translate.protect import has_remnant, protect, remove_remnants, restore
from tests.conftest import read_phrasebook
from tests.test_ingest.news import AIN_ISSA, CENTRAL_BANK, RAIN

UNSEEN = [s for story in (AIN_ISSA, CENTRAL_BANK, RAIN) for s in [story.title, *split_sentences(story.body)]]
REMNANT = re.compile(r"Z\s?Q")


def test_no_placeholder_reaches_the_english_of_unseen_text(model: ArgosModel) -> None:
    engine = TranslationEngine(model, glossary=load_glossary())
    translations = engine.translate(UNSEEN)
    assert len(translations) == len(UNSEEN)
    assert [t.text for t in translations.values() if REMNANT.search(t.text)] == []
    # The model did write some of its own: they were taken out, and the sentence marked.
    assert any("placeholder-removed" in t.flags for t in translations.values())


def test_the_seeds_key_sentences_stay_unmarked(model: ArgosModel) -> None:
    seeds = [a for a, _ in read_phrasebook()[:8]]
    translations = TranslationEngine(model, glossary=load_glossary()).translate(seeds)
    assert {a: t.flags for a, t in translations.items() if t.flags} == {}


def test_unseen_text_is_marked_by_the_checks(model: ArgosModel) -> None:
    translations = TranslationEngine(model, glossary=load_glossary()).translate(UNSEEN)
    marked = [t for t in translations.values() if t.flags]
    assert len(marked) >= 0.9 * len(UNSEEN)


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        ("ZQA withdrew from the city.", "SDF withdrew from the city."),
        ("ZQ A withdrew from the city.", "SDF withdrew from the city."),
        ("ZQA withdrew from the ZQA.", None),  # repeated
        ("ZQAs withdrew from the city.", None),  # glued
        ("The ZQB withdrew from the city.", None),  # never sent
        ("Withdrew from the city.", None),  # lost
        ("ZQA withdrew from the city, ZQ.", None),  # a broken extra
    ],
)
def test_a_placeholder_must_come_back_whole_once_and_alone(output: str, expected: str | None) -> None:
    protected = protect("انسحبت قسد من المدينة.", load_glossary())
    assert protected.text == "انسحبت ZQA من المدينة."
    assert restore(output, protected) == expected


def test_a_placeholder_sent_twice_must_come_back_twice() -> None:
    protected = protect("قسد تنسحب وقسد تعود.", load_glossary())
    assert protected.text == "ZQA تنسحب وZQA تعود."
    assert restore("ZQA withdraws and ZQA returns.", protected) == "SDF withdraws and SDF returns."
    assert restore("ZQA withdraws and returns.", protected) is None


def test_latin_letters_in_the_source_that_look_like_a_placeholder_are_protected() -> None:
    protected = protect("قال موقع ZQA إن المدينة هادئة.", load_glossary())
    assert "ZQ" not in protected.text.replace("ZQA", "", 0) or protected.slots[0] == ("ZQA", "ZQA")
    assert restore(protected.text.replace("قال موقع", "Site").replace("إن المدينة هادئة.", "said the city is calm."),
                   protected) == "Site ZQA said the city is calm."


def test_remnants_are_removed_with_the_words_that_hold_them() -> None:
    assert has_remnant("Me ZQCates told fed 26.") and not has_remnant("Aziz Qureshi said")
    assert remove_remnants("Me ZQCates told fed 26 .") == "Me told fed 26."
    assert remove_remnants("The ZQ A list , today") == "The A list, today"


@pytest.mark.parametrize(
    ("arabic", "english", "missing"),
    [
        ("قتل أكثر من 1000 شخص", "More than 1,000 people were killed", []),
        ("قتل أكثر من 300 ألف شخص", "More than 300,000 people were killed", []),
        ("قتل أكثر من 300 ألف شخص", "More than 300 thousand people were killed", []),
        ("شارك ٢٥ بلدا", "Twenty-five countries took part", []),
        ("الساعة 04:00 صباحا", "at 4:00 am", []),
        ("في 5:30 مساء", "at 5.30pm", []),
        ("بلغ 76.000 هكتار", "reached 76,000 hectares", []),
        ("قتل 58 شخصا", "Fifty-eight people were killed", []),
        ("قتل 58 شخصا", "Fifty people were killed", ["58"]),
        ("قتل 300 ألف شخص", "30,000 people were killed", ["300 ألف"]),
    ],
)
def test_numbers_are_found_in_any_of_their_usual_forms(arabic: str, english: str, missing: list[str]) -> None:
    assert [m.strip() for m in missing_numbers(arabic, english)] == [m.split()[0] for m in missing]


def test_english_words_in_either_spelling_and_soup() -> None:
    assert all(is_english_word(w) for w in ("centre", "favour", "recognised", "defence", "programme", "travelled"))
    assert unknown_words("The Russianpast 24 hours brought major new deved message") == ["deved"]
    assert unknown_words("Sainsbury's said Tweezerman and Essie") == []  # names are capitalised


def test_the_checks_in_words() -> None:
    arabic = "وقال البنك في بيان إن القرار يتسق مع تحقيق معدل التضخم المستهدف على المدى المتوسط."
    assert text_checks(arabic, "The bank said in a statement that the decision is consistent with its inflation target.") == []
    assert length_mismatch(arabic, "The bank said.")
    assert unfinished(arabic, "The bank said in a statement that the decision is consistent with")
    assert "garbled" in text_checks(arabic, "The bankk saids in a statemnt that the decisin is consistnt with its targt.")
    assert not length_mismatch("عاجل", "Breaking news from the capital")  # too short to judge
