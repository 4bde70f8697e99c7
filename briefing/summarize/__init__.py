"""Key-sentence selection: whole sentences of the article, never rewritten.

Every selector takes the article's sentences and a ``Budget`` and returns the
chosen ones in article order. ``SUMMARIZERS`` maps the names accepted by
``summary.method`` in the config to the selector classes.
"""

from __future__ import annotations

from typing import Protocol

from briefing.errors import ConfigError
from briefing.summarize.budget import Budget
from briefing.summarize.lead import LeadSelector
from briefing.types import Sentence

__all__ = ["SUMMARIZERS", "Budget", "KeySentenceSelector", "LeadSelector", "get_selector"]


class KeySentenceSelector(Protocol):
    def select_key_sentences(self, sentences: list[Sentence], budget: Budget) -> list[Sentence]: ...


SUMMARIZERS: dict[str, type[KeySentenceSelector]] = {
    "lead": LeadSelector,
}


def get_selector(name: str) -> KeySentenceSelector:
    try:
        return SUMMARIZERS[name]()
    except KeyError:
        known = ", ".join(sorted(SUMMARIZERS))
        raise ConfigError(f"summary.method: unknown selector {name!r} (known: {known})") from None
