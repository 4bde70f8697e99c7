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

__all__ = ["REPEAT_OVERLAP", "SentenceMarks", "StorySentences", "featured_points", "has_news", "said_before", "select_story_sentences"]

# A sentence whose words are this much covered by one already chosen says nothing new.
# Copies differ by a word or two ("the sources added" / "the agency added"): the seeds'
# copied sentences overlap 0.8-0.95; different sentences of one story stay under 0.5.
REPEAT_OVERLAP = 0.7
# ... and so does one that takes half of its 5-word runs from one sentence already said
# (a long quote or a passage reprinted inside new words): on the 18-day replay, 4 % of one
# day's key sentences did so while staying under REPEAT_OVERLAP (benchmarks/README.md).
REPEAT_SHINGLE_WORDS = 5
REPEAT_SHINGLE_SHARE = 0.5
NO_LIMIT = Budget()


class SentenceMarks:
    """What tells a sentence again: its set of words and its runs of five words."""

    __slots__ = ("shingles", "words")

    def __init__(self, text: str) -> None:
        tokens = word_tokens(text)
        self.words = frozenset(tokens)
        width = REPEAT_SHINGLE_WORDS
        self.shingles = frozenset(tuple(tokens[k : k + width]) for k in range(len(tokens) - width + 1))


class StorySentences:
    """Remembers the sentences said so far (this briefing's, and earlier briefings'), so
    none is said twice."""

    def __init__(self) -> None:
        self._said: list[SentenceMarks] = []
        self._earlier: list[SentenceMarks] = []

    def is_repeat(self, marks: SentenceMarks) -> bool:
        """Said already. Against this briefing's sentences: most of its words, or of the
        other's (copies differ either way), or half of either's 5-word runs. Against an
        earlier briefing's: most of *its own* words or runs, so a short sentence said once
        does not hold back, for a month, every longer one that quotes it."""
        words, shingles = marks.words, marks.shingles
        for other in self._said:
            if len(words & other.words) >= REPEAT_OVERLAP * min(len(words), len(other.words)):
                return True
            fewest = min(len(shingles), len(other.shingles))
            if fewest and len(shingles & other.shingles) >= REPEAT_SHINGLE_SHARE * fewest:
                return True
        for other in self._earlier:
            if len(words & other.words) >= REPEAT_OVERLAP * len(words):
                return True
            if shingles and len(shingles & other.shingles) >= REPEAT_SHINGLE_SHARE * len(shingles):
                return True
        return False

    def add(self, marks: SentenceMarks, *, earlier: bool = False) -> None:
        (self._earlier if earlier else self._said).append(marks)


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
                marks = SentenceMarks(sentence.text)
                if not marks.words or seen.is_repeat(marks):
                    continue
                seen.add(marks)
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
        marks = SentenceMarks(text)
        if marks.words:
            seen.add(marks, earlier=True)
    return seen


def has_news(story: Story, said: StorySentences) -> bool:
    """Whether some sentence of the story says what ``said`` does not (a near-repeat by
    ``REPEAT_OVERLAP`` is not news)."""
    for member in story.members:
        for text in split_sentences(member.article.body):
            marks = SentenceMarks(text)
            if marks.words and not said.is_repeat(marks):
                return True
    return False
