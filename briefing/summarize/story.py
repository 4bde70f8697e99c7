"""Key sentences of a story, drawn from all its articles.

Each article's sentences are ranked by the selector; the story takes the best remaining
sentence of each article in turn (most central article first), so a story carried by
five outlets is told from several of them, and skips any sentence that says again what
an earlier one said: outlets copy each other, and a sentence must never appear twice in
a briefing (``seen`` carries what earlier stories used).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from briefing.arabic import split_sentences
from briefing.arabic.tokenize import word_tokens
from briefing.summarize import Budget, KeySentenceSelector
from briefing.types import Article, Sentence, Story

__all__ = ["REPEAT_OVERLAP", "StorySentences", "featured_points", "has_news", "said_before", "select_story_sentences"]

# A sentence whose words are this much covered by one already chosen says nothing new.
# Copies differ by a word or two ("the sources added" / "the agency added"): the seeds'
# copied sentences overlap 0.8-0.95; different sentences of one story stay under 0.5.
REPEAT_OVERLAP = 0.7
NO_LIMIT = Budget()


class StorySentences:
    """Remembers the sentences of a briefing so far, so none is chosen twice."""

    def __init__(self) -> None:
        self._word_sets: list[frozenset[str]] = []

    def is_repeat(self, words: frozenset[str]) -> bool:
        """Most of ``words`` (or of an earlier sentence's) already said: an exact repeat included."""
        return any(len(words & other) >= REPEAT_OVERLAP * min(len(words), len(other)) for other in self._word_sets)

    def add(self, words: frozenset[str]) -> None:
        self._word_sets.append(words)


def select_story_sentences(
    selector: KeySentenceSelector, story: Story, count: int, seen: StorySentences, budget: Budget = NO_LIMIT
) -> list[tuple[Sentence, Article]]:
    """Up to ``count`` sentences of the story, each with its article: grouped by article in
    story order, in article order within each. ``budget`` bounds what one article gives."""
    rankings: list[tuple[Article, Iterator[Sentence]]] = []
    for member in story.members:
        article = member.article
        sentences = [Sentence(text, i) for i, text in enumerate(split_sentences(article.body))]
        title = "" if article.title_derived else article.title
        rankings.append((article, iter(selector.rank_sentences(sentences, title))))
    chosen: dict[int, list[Sentence]] = {}
    total = 0
    while rankings and total < count:
        still: list[tuple[Article, Iterator[Sentence]]] = []
        for article, ranking in rankings:
            if total >= count:
                break
            for sentence in ranking:
                if not budget.admits(chosen.get(id(article), []), sentence):
                    break  # this article has given all it may
                words = frozenset(word_tokens(sentence.text))
                if not words or seen.is_repeat(words):
                    continue
                seen.add(words)
                chosen.setdefault(id(article), []).append(sentence)
                total += 1
                still.append((article, ranking))
                break
        rankings = still  # an article with nothing new left drops out
    picked: list[tuple[Sentence, Article]] = []
    for member in story.members:
        for sentence in sorted(chosen.get(id(member.article), []), key=lambda s: s.index):
            picked.append((sentence, member.article))
    return picked


def featured_points(
    selector: KeySentenceSelector, stories: list[Story], count: int, sentences: int, budget: Budget = NO_LIMIT,
    *, said: Iterable[str] = (),
) -> list[tuple[Story, list[tuple[Sentence, Article]]]]:
    """The first ``count`` stories that have something to say, each with up to ``sentences``
    key sentences; no sentence twice in the briefing. A story left with nothing new (earlier
    stories used all its sentences) is not featured: its articles are listed with the
    others, and the next story takes its place. ``said``: key sentences earlier briefings
    published (the tracking window): a sentence that near-repeats one of them is not new."""
    seen = said_before(said)
    featured: list[tuple[Story, list[tuple[Sentence, Article]]]] = []
    for story in stories:
        if len(featured) == count:
            break
        points = select_story_sentences(selector, story, sentences, seen, budget)
        if points:
            featured.append((story, points))
    return featured


def said_before(sentences: Iterable[str]) -> StorySentences:
    """A memory of sentences already published (earlier briefings' key sentences)."""
    seen = StorySentences()
    for text in sentences:
        words = frozenset(word_tokens(text))
        if words:
            seen.add(words)
    return seen


def has_news(story: Story, said: StorySentences) -> bool:
    """Whether some sentence of the story says what ``said`` does not (a near-repeat by
    ``REPEAT_OVERLAP`` is not news)."""
    for member in story.members:
        for text in split_sentences(member.article.body):
            words = frozenset(word_tokens(text))
            if words and not said.is_repeat(words):
                return True
    return False
