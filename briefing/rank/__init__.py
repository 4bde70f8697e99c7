"""The stories placed for the reader: their topics first, then by independent coverage,
each linked to the story it continues from an earlier briefing.

``rank_for_reader`` is the stage's entry point; pure (stories and the earlier briefings'
stories in, ranked stories out). The order (README, "How stories are ranked"):

1. stories in the reader's topics, by the order of the topics in the configuration;
2. then most independent outlets (an outlet once; reprints and copies not counted);
3. then most articles;
4. then the latest publication date; then the order the clustering gave.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from briefing.rank.topics import TopicMatcher
from briefing.rank.tracking import continuations, story_terms
from briefing.types import PublishedStory, RankedStory, Story, Topic

__all__ = ["rank_for_reader"]


def rank_for_reader(
    stories: Sequence[Story], topics: Sequence[Topic], earlier: Sequence[PublishedStory], date: dt.date
) -> list[RankedStory]:
    """``stories`` with their topics and continuations, best first."""
    matcher = TopicMatcher(topics)
    order = {topic.name: n for n, topic in enumerate(topics)}
    terms = story_terms(stories)
    linked = continuations(terms, earlier, date)
    ranked = [
        RankedStory(story, matcher.topics_of(story), link, weights)
        for story, link, weights in zip(stories, linked, terms, strict=True)
    ]

    def key(placed: RankedStory) -> tuple[int, tuple[int, int, int]]:
        first_topic = min((order[name] for name in placed.topics), default=len(order))
        return (first_topic, placed.story.coverage_key)

    return sorted(ranked, key=key)  # stable: ties keep the clustering's order
