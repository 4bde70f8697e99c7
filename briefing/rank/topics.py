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
from collections.abc import Sequence

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
    """The reader's topics, compiled once per run."""

    def __init__(self, topics: Sequence[Topic]) -> None:
        self.topics = tuple(topics)
        self._terms = [TermMatcher(topic.terms) for topic in self.topics]
        self._exclude = [TermMatcher(topic.exclude) for topic in self.topics]

    def topics_of(self, story: Story) -> tuple[str, ...]:
        """The names of the topics ``story`` is in, in the configuration's order."""
        if not self.topics:
            return ()
        articles = story.articles
        heads = [_head(a) for a in articles]
        leads = [_lead(a) for a in articles]
        needed = max(1, math.ceil(MIN_ARTICLE_SHARE * len(articles)))
        names = []
        for topic, terms, exclude in zip(self.topics, self._terms, self._exclude, strict=True):
            if exclude and any(exclude.found(head) for head in heads):
                continue
            matching = sum(
                1 for article, lead in zip(articles, leads, strict=True)
                if terms.found(article.title) or len(terms.occurrences(lead)) >= MIN_LEAD_MENTIONS
            )
            if matching >= needed:
                names.append(topic.name)
        return tuple(names)


def _lead(article: Article) -> str:
    return " ".join(article.body.split()[:LEAD_WORDS])


def _head(article: Article) -> str:
    """Headline and lead."""
    return f"{article.title}\n{_lead(article)}"
