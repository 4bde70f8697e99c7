"""Key-sentence selection: whole sentences of the article, never rewritten.

A selector ranks an article's sentences, most important first
(``rank_sentences``); ``select_key_sentences`` takes from that ranking what the
``Budget`` allows and returns it in article order. ``SUMMARIZERS`` maps the names
accepted by ``summary.method`` in the config to the selector classes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from briefing.errors import ConfigError
from briefing.summarize.budget import Budget
from briefing.summarize.lead import LeadSelector
from briefing.summarize.salience import SalienceSelector
from briefing.types import Sentence

__all__ = [
    "SUMMARIZERS",
    "Budget",
    "KeySentenceSelector",
    "LeadSelector",
    "SalienceSelector",
    "get_selector",
    "select_key_sentences",
]


class KeySentenceSelector(Protocol):
    def rank_sentences(self, sentences: list[Sentence], title: str = "") -> Iterable[Sentence]:
        """Every sentence once, most important first; may be lazy (callers stop at the budget)."""
        ...


SUMMARIZERS: dict[str, type[KeySentenceSelector]] = {
    "lead": LeadSelector,
    "salience": SalienceSelector,
}


def get_selector(name: str) -> KeySentenceSelector:
    try:
        return SUMMARIZERS[name]()
    except KeyError:
        known = ", ".join(sorted(SUMMARIZERS))
        raise ConfigError(f"summary.method: unknown selector {name!r} (known: {known})") from None


def select_key_sentences(
    selector: KeySentenceSelector, sentences: list[Sentence], budget: Budget, title: str = ""
) -> list[Sentence]:
    """The selector's best sentences within ``budget``, in article order."""
    chosen: list[Sentence] = []
    for sentence in selector.rank_sentences(sentences, title):
        if not budget.admits(chosen, sentence):
            break
        chosen.append(sentence)
    return sorted(chosen, key=lambda s: s.index)
