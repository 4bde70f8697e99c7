from __future__ import annotations

import subprocess
import sys

from briefing.arabic import split_sentences
from briefing.ingest import read_text_folder
from briefing.summarize import Budget, SalienceSelector, select_key_sentences
from briefing.types import Sentence
from tests.conftest import SEEDS


def sentences(*texts: str) -> list[Sentence]:
    return [Sentence(t, i) for i, t in enumerate(texts)]


NEWS = sentences(
    "أعلن الجيش السوري سيطرته على مدينة عين عيسى بعد معارك عنيفة.",
    "وقالت مصادر إن المعارك استمرت يومين في محيط المدينة.",
    "أعلن الجيش السوري سيطرته على مدينة عين عيسى بعد معارك عنيفة مع قسد.",
    "وتقع عين عيسى على الطريق الدولي M4 شمال الرقة.",
    "وفي سياق آخر افتتح معرض للكتاب في دمشق.",
)


def test_selected_sentences_are_verbatim_and_in_article_order() -> None:
    articles, _ = read_text_folder(SEEDS)
    for article in articles:
        all_sentences = [Sentence(t, i) for i, t in enumerate(split_sentences(article.body))]
        chosen = select_key_sentences(SalienceSelector(), all_sentences, Budget(max_sentences=4), article.title)
        assert [s.index for s in chosen] == sorted(s.index for s in chosen)
        for s in chosen:
            assert s.text in article.body  # the article's own words, never rewritten
            assert s == all_sentences[s.index]


def test_a_near_copy_of_a_chosen_sentence_gives_way() -> None:
    chosen = select_key_sentences(SalienceSelector(), NEWS, Budget(max_sentences=2))
    assert [s.index for s in chosen] == [0, 1]
    ranking = [s.index for s in SalienceSelector().rank_sentences(NEWS)]
    assert ranking.index(2) > ranking.index(3)  # the copy falls behind fresh content
    without_mmr = [s.index for s in SalienceSelector(redundancy=0.0).rank_sentences(NEWS)]
    assert without_mmr.index(2) < without_mmr.index(3)


def test_title_overlap_lifts_the_sentence_that_restates_the_headline() -> None:
    article = sentences(
        "افتتح معرض للكتاب في دمشق صباح اليوم.",
        "وقالت وزارة الثقافة إن المعرض يضم مئة دار نشر.",
        "وشهدت عين عيسى معارك بين الجيش وقسد.",
    )
    plain = [s.index for s in SalienceSelector(title=0.0).rank_sentences(article)]
    titled = [s.index for s in SalienceSelector(title=2.0).rank_sentences(article, "معارك في عين عيسى بين الجيش وقسد")]
    assert plain[:2] == [0, 1]
    assert titled[0] == 2


def test_word_budget_is_respected() -> None:
    chosen = select_key_sentences(SalienceSelector(), NEWS, Budget(max_words=20))
    assert sum(len(s.text.split()) for s in chosen) <= 20
    assert chosen


def test_same_input_same_choice_in_a_fresh_process() -> None:
    code = (
        "from tests.test_summarize.test_salience import NEWS;"
        "from briefing.summarize import SalienceSelector;"
        "print([s.index for s in SalienceSelector().rank_sentences(NEWS, 'عين عيسى')])"
    )
    runs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout for _ in range(2)}
    here = str([s.index for s in SalienceSelector().rank_sentences(NEWS, "عين عيسى")]) + "\n"
    assert runs == {here}


def test_sentences_without_content_words_do_not_break_it() -> None:
    odd = sentences("في من إلى.", "2020.", "قال المتحدث إن الوفد وصل.")
    assert sorted(s.index for s in SalienceSelector().rank_sentences(odd, "في")) == [0, 1, 2]
