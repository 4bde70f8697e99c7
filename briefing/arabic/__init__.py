"""Arabic text handling shared by every stage: pure functions, standard library only."""

from briefing.arabic.normalize import normalize_for_matching
from briefing.arabic.sentences import split_sentences, split_words

__all__ = ["normalize_for_matching", "split_sentences", "split_words"]
