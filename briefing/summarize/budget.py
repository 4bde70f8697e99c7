from __future__ import annotations

from dataclasses import dataclass

from briefing.arabic import split_words
from briefing.types import Sentence

__all__ = ["Budget"]


@dataclass(frozen=True, slots=True)
class Budget:
    """How much of an article to keep: at most ``max_sentences`` and ``max_words`` (0 = no limit).

    The first chosen sentence is always kept, however long: an article never
    disappears from the briefing because its lead is long.
    """

    max_sentences: int = 0
    max_words: int = 0

    def admits(self, chosen: list[Sentence], candidate: Sentence) -> bool:
        if not chosen:
            return True
        if self.max_sentences and len(chosen) >= self.max_sentences:
            return False
        if self.max_words:
            words = sum(len(split_words(s.text)) for s in chosen) + len(split_words(candidate.text))
            return words <= self.max_words
        return True
