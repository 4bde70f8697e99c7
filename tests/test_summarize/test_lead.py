from __future__ import annotations

import pytest

from briefing.errors import ConfigError
from briefing.summarize import SUMMARIZERS, Budget, get_selector, select_key_sentences
from briefing.types import Sentence


def sentences(*texts: str) -> list[Sentence]:
    return [Sentence(t, i) for i, t in enumerate(texts)]


ARTICLE = sentences(
    "الجملة الأولى من الخبر.",  # 4 words
    "الجملة الثانية أطول قليلا من الأولى.",  # 6 words
    "ثالثة.",  # 1 word
    "والرابعة.",  # 1 word
)


@pytest.mark.parametrize("name", sorted(SUMMARIZERS))
def test_every_selector_handles_empty_and_single_sentence_articles(name: str) -> None:
    selector = get_selector(name)
    assert select_key_sentences(selector, [], Budget(max_sentences=3)) == []
    one = sentences("جملة وحيدة.")
    assert select_key_sentences(selector, one, Budget(max_sentences=3)) == one


def test_lead_takes_first_sentences_up_to_the_sentence_budget() -> None:
    chosen = select_key_sentences(get_selector("lead"), ARTICLE, Budget(max_sentences=2))
    assert [s.index for s in chosen] == [0, 1]


def test_lead_stops_before_the_word_budget_is_crossed() -> None:
    chosen = select_key_sentences(get_selector("lead"), ARTICLE, Budget(max_words=10))
    assert [s.index for s in chosen] == [0, 1]
    chosen = select_key_sentences(get_selector("lead"), ARTICLE, Budget(max_words=9))
    assert [s.index for s in chosen] == [0]


def test_first_sentence_is_kept_even_when_longer_than_the_budget() -> None:
    chosen = select_key_sentences(get_selector("lead"), ARTICLE, Budget(max_words=2))
    assert [s.index for s in chosen] == [0]


def test_no_limits_keeps_the_whole_article_in_order() -> None:
    assert select_key_sentences(get_selector("lead"), ARTICLE, Budget()) == ARTICLE


def test_unknown_selector_names_the_config_key() -> None:
    with pytest.raises(ConfigError, match="summary.method: unknown selector 'textrnak'"):
        get_selector("textrnak")
