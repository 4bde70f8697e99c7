"""The engine around the real test model: memory, glossary, placeholders, checks and flags."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing.store import TranslationMemory, open_database
from briefing.translate import ArgosModel, Decoded, TranslationEngine, load_glossary
from briefing.translate.engine import REPETITION_PENALTY
from briefing.translate.protect import Glossary
from tests.conftest import read_phrasebook

SEED_LEADS = [a for a, _ in read_phrasebook()[:8]]
STARTER = load_glossary()


class CountingDecoder:
    """The real model, with a record of what it was asked (a spy, not a stand-in)."""

    def __init__(self, model: ArgosModel) -> None:
        self.model = model
        self.calls: list[tuple[list[str], float]] = []

    @property
    def name(self) -> str:
        return self.model.name

    @property
    def fingerprint(self) -> str:
        return self.model.fingerprint

    def decode(self, sentences: list[str], *, repetition_penalty: float = 1.0) -> list[Decoded]:
        self.calls.append((list(sentences), repetition_penalty))
        return self.model.decode(sentences, repetition_penalty=repetition_penalty)


@pytest.fixture
def spy(model: ArgosModel) -> CountingDecoder:
    return CountingDecoder(model)


def engine(spy: CountingDecoder, tmp_path: Path | None = None, **kwargs: object) -> TranslationEngine:
    memory = TranslationMemory(open_database(tmp_path / "tm.sqlite3")) if tmp_path is not None else None
    return TranslationEngine(spy, glossary=kwargs.pop("glossary", STARTER), memory=memory, **kwargs)  # type: ignore[arg-type]


def test_second_run_sends_nothing_to_the_model(spy: CountingDecoder, tmp_path: Path) -> None:
    first = engine(spy, tmp_path).translate(SEED_LEADS)
    assert len(spy.calls) == 1 and len(spy.calls[0][0]) == len(set(SEED_LEADS))
    assert {t.origin for t in first.values()} == {"model"}
    spy.calls.clear()
    second = engine(spy, tmp_path).translate(SEED_LEADS)  # a new engine: a new run, same database
    assert spy.calls == []
    assert {t.origin for t in second.values()} == {"memory"}
    assert {k: v.text for k, v in second.items()} == {k: v.text for k, v in first.items()}


def test_memory_is_per_model(spy: CountingDecoder, tmp_path: Path) -> None:
    memory = TranslationMemory(open_database(tmp_path / "tm.sqlite3"))
    memory.remember("another-model 1.0 0000", [])
    engine(spy, tmp_path).translate(["هذا خبر عاجل."])
    assert memory.lookup("another-model 1.0 0000", ["هذا خبر عاجل."]) == {}
    assert set(memory.lookup(spy.fingerprint, ["هذا خبر عاجل."])) == {"هذا خبر عاجل."}


@pytest.mark.parametrize(
    ("arabic", "english"),
    [
        ("انسحبت قسد من المدينة.", "SDF withdrew from the city."),
        ("وصل الجيش الوطني السوري إلى منبج.", "The Syrian National Army reached Manbij."),
        # The seed title: "وقسد" carries the conjunction; the rendering is still exact.
        (SEED_LEADS[0], "A Turkish-Russian race to decide the fate of Ain Issa, and the SDF faces a single option"),
    ],
)
def test_glossary_terms_come_out_exactly(spy: CountingDecoder, arabic: str, english: str) -> None:
    [translation] = engine(spy).translate([arabic]).values()
    assert translation.text == english
    assert translation.flags == ()
    assert "ZQ" in spy.calls[0][0][0]  # the model saw placeholders, not the terms


def test_a_users_glossary_overrides_the_starter(spy: CountingDecoder, tmp_path: Path) -> None:
    (tmp_path / "mine.toml").write_text('[terms]\n"قسد" = "the Kurdish-led SDF"\n', encoding="utf-8")
    glossary = STARTER.merged(load_glossary(tmp_path / "mine.toml"))
    [translation] = engine(spy, glossary=glossary).translate(["انسحبت قسد من المدينة."]).values()
    assert translation.text == "the Kurdish-led SDF withdrew from the city."


@pytest.mark.parametrize("number", ["15", "١٥"])
def test_numbers_come_out_unchanged_even_where_the_model_would_change_them(
    spy: CountingDecoder, model: ArgosModel, number: str
) -> None:
    sentence = f"بلغ عدد الضحايا {number} شخصا."
    assert model.decode(["بلغ عدد الضحايا 15 شخصا."])[0].text == "The death toll reached 51."  # the plain model's mistake
    [translation] = engine(spy, glossary=Glossary({})).translate([sentence]).values()
    assert translation.text == "The death toll reached 15."
    assert "numbers-changed" not in translation.flags


def test_urls_dates_and_codes_come_out_unchanged(spy: CountingDecoder) -> None:
    result = engine(spy).translate(
        ["للمزيد زوروا https://www.spa.gov.sa/news اليوم.", "قبل يومين 20/12/2020 أعلن الجيش بدء المعركة.", "وصل الجيش إلى الطريق السريع M4."]
    )
    assert [t.text for t in result.values()] == [
        "For more, visit https://www.spa.gov.sa/news today.",
        "Two days ago, on 20/12/2020, the army announced the start of the battle.",
        "The army reached the M4 highway.",
    ]


def test_a_lost_placeholder_falls_back_to_the_plain_sentence_and_is_flagged(spy: CountingDecoder) -> None:
    [translation] = engine(spy).translate(["سقطت الرقة."]).values()
    assert translation.text == "The city fell."
    assert translation.flags == ("glossary-not-applied",)
    assert [inputs for inputs, _ in spy.calls] == [["سقطت ZQA."], ["سقطت الرقة."]]


def test_output_that_is_still_arabic_is_flagged_untranslated(spy: CountingDecoder) -> None:
    [translation] = engine(spy).translate(["شكرا جزيلا لكم."]).values()
    assert translation.text == "شكرا جزيلا لكم."
    assert "untranslated" in translation.flags


def test_a_loop_is_decoded_again_with_a_repetition_penalty(spy: CountingDecoder, model: ArgosModel) -> None:
    assert model.decode(["نعم نعم نعم."])[0].text == "yes yes yes yes yes yes."
    [translation] = engine(spy).translate(["نعم نعم نعم."]).values()
    assert spy.calls == [(["نعم نعم نعم."], 1.0), (["نعم نعم نعم."], REPETITION_PENALTY)]
    retried = model.decode(["نعم نعم نعم."], repetition_penalty=REPETITION_PENALTY)[0].text
    assert translation.text == retried
    assert ("repetition" in translation.flags) == (retried.count("yes") >= 3)


def test_low_confidence_is_flagged_against_the_configured_threshold(spy: CountingDecoder, model: ArgosModel) -> None:
    known, unknown = "هذا خبر عاجل.", "ذهب الولد إلى المدرسة صباحا في الحافلة."
    sure, unsure = (d.confidence for d in model.decode([known, unknown]))
    assert unsure < sure
    threshold = (sure + unsure) / 2
    result = engine(spy, min_confidence=threshold).translate([known, unknown])
    assert "low-confidence" not in result[known].flags
    assert "low-confidence" in result[unknown].flags
    assert result[unknown].confidence == pytest.approx(unsure)


def test_a_sentence_too_long_for_the_model_is_cut_and_marked_and_the_rest_translate(spy: CountingDecoder) -> None:
    # The test model has 256 positions; this sentence has far more tokens.
    too_long = " ".join(["وقالت المصادر إن الاجتماع بحث الأوضاع في المدينة"] * 40) + "."
    result = engine(spy).translate(["هذا خبر عاجل.", too_long])
    assert result["هذا خبر عاجل."].text == "This is breaking news."
    assert result["هذا خبر عاجل."].flags == ()
    assert "truncated" in result[too_long].flags
