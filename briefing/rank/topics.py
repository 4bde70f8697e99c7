"""Which of the reader's topics a story is in.

A story is in a topic when at least a third of its articles (one, for a story of one to
three) name a topic term in their headline, or twice in their lead (the first
``LEAD_WORDS`` words), and none of its headlines or leads holds an excluded term (so
``exclude = ["المحيط الهادي"]`` keeps the Pacific's stories out of a topic with ``هادي``).

Measured on 2015-07-21 with the Yemen topic of the issue (اليمن عدن صنعاء الحوثي هادي):
80 stories, each read and judged "is it about Yemen" (benchmarks/README.md, "Topics").
A term anywhere in the text: precision 0.29. Once in headline or lead: 0.68 (recall 0.96).
In the headline only: 1.0, recall 0.75. In the headline or twice in the lead: 0.91,
recall 0.88, the rule kept. A mention deep in an article is background ("since the war in
Yemen began") far more often than news about the topic: of 16 stories that named Yemen
twice in their text but not in headline or lead, none was about Yemen.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from briefing.arabic.normalize import normalize_for_matching
from briefing.arabic.terms import TermMatcher
from briefing.types import Article, Story, Topic

__all__ = ["LEAD_WORDS", "TopicMatcher"]

# The lead: the opening words, where Arabic news says who did what where.
LEAD_WORDS = 60
# Mentions in the lead that put an article in a topic without one in its headline.
MIN_LEAD_MENTIONS = 2
# Share of a story's articles that must be in the topic: one article of five that mentions
# Yemen does not make a football story a Yemen story.
MIN_ARTICLE_SHARE = 1 / 3


class TopicMatcher:
    """The reader's topics, compiled once per run: all their terms in one pattern, so a text
    is read once whatever the number of topics (100 topics over 2015-07-21's 1,982 stories:
    3.3 s, against 12 s with a pattern per topic). The longest term found wins where two
    overlap, across topics too: "الاتفاق النووي" of one topic is not also "النووي" of another."""

    def __init__(self, topics: Sequence[Topic]) -> None:
        self.topics = tuple(topics)
        self._terms = TermMatcher(term for topic in self.topics for term in topic.terms)
        self._exclude = TermMatcher(term for topic in self.topics for term in topic.exclude)
        self._topics_of_term = _topics_of_terms(self.topics, lambda topic: topic.terms)
        self._topics_of_exclude = _topics_of_terms(self.topics, lambda topic: topic.exclude)

    def topics_of(self, story: Story) -> tuple[str, ...]:
        """The names of the topics ``story`` is in, in the configuration's order."""
        if not self.topics:
            return ()
        articles = story.articles
        needed = max(1, math.ceil(MIN_ARTICLE_SHARE * len(articles)))
        excluded: set[int] = set()
        matching = [0] * len(self.topics)
        for article in articles:
            title, lead = normalize_for_matching(article.title), normalize_for_matching(_lead(article))
            if self._exclude:
                for term in self._exclude.occurrences(f"{title}\n{lead}", normalized=True):
                    excluded.update(self._topics_of_exclude[normalize_for_matching(term)])
            in_title = {n for t in self._terms.found(title, normalized=True) for n in self._topics_of_term[normalize_for_matching(t)]}
            in_lead = [n for t in self._terms.occurrences(lead, normalized=True) for n in self._topics_of_term[normalize_for_matching(t)]]
            for number in range(len(self.topics)):
                if number in in_title or in_lead.count(number) >= MIN_LEAD_MENTIONS:
                    matching[number] += 1
        return tuple(
            topic.name for number, topic in enumerate(self.topics) if number not in excluded and matching[number] >= needed
        )


def _topics_of_terms(topics: Sequence[Topic], terms_of: Callable[[Topic], Sequence[str]]) -> dict[str, list[int]]:
    """Each folded term -> the numbers of the topics that name it."""
    found: dict[str, list[int]] = {}
    for number, topic in enumerate(topics):
        for term in terms_of(topic):
            numbers = found.setdefault(normalize_for_matching(term), [])
            if number not in numbers:
                numbers.append(number)
    return found


def _lead(article: Article) -> str:
    return " ".join(article.body.split()[:LEAD_WORDS])
