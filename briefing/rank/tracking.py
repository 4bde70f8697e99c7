"""Story tracking: today's story that continues one an earlier briefing published.

Each story is summed up by its weighted terms: the stems of its articles' headlines
(twice) and leads, weighted by how often the day's stories use them (TF-IDF over the
day's stories, so "said" or "kingdom" weigh nothing), the heaviest ``TRACK_TERMS`` kept
and scaled to unit length. The record keeps them with each published story; a new story
continues the earlier one whose terms are closest (cosine), when they are close enough
and share enough terms: the same people, places and case words, told again the next day.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Sequence

from briefing.arabic.tokenize import content_terms_of_texts, get_stemmer
from briefing.types import Continuation, PublishedStory, Story

__all__ = ["CONTINUE_COSINE", "MIN_SHARED_TERMS", "TRACK_TERMS", "continuations", "story_terms"]

# Terms kept per story: a story's headline and lead name its event in 10-30 content stems.
TRACK_TERMS = 30
LEAD_WORDS = 60
# A new story continues an earlier one at this cosine of their terms and with this many
# terms in common. Chosen on 2015-07-21 -> 2015-07-22 (SaudiNewsNet, stories of two outlets
# or more): 54 best links, 15 per band of cosine, read and judged (benchmarks/README.md,
# "Story tracking"): 0.15-0.25: 5 of 15 real continuations; 0.25-0.35: 6 of 15;
# 0.35-0.45: 7 of 9; 0.45 and up: 11 of 15.
CONTINUE_COSINE = 0.35
MIN_SHARED_TERMS = 3
# Terms in more than this share of the day's stories name no one story.
MAX_STORY_FREQUENCY = 0.05
MIN_STORIES_FOR_FREQUENCY_CAP = 50


def story_terms(stories: Sequence[Story]) -> list[tuple[tuple[str, float], ...]]:
    """Each story's heaviest terms, with unit-length weights, heaviest first."""
    stem = get_stemmer("snowball")
    counts: list[Counter[str]] = []
    for story in stories:
        texts = [f"{m.article.title}\n{m.article.title}\n{' '.join(m.article.body.split()[:LEAD_WORDS])}" for m in story.members]
        counts.append(Counter(term for terms in content_terms_of_texts(texts, stem) for term in terms))
    frequency: Counter[str] = Counter(term for count in counts for term in count)
    n = len(stories)
    cap = MAX_STORY_FREQUENCY * n if n >= MIN_STORIES_FOR_FREQUENCY_CAP else math.inf
    weighted = []
    for count in counts:
        weights = {
            term: (1.0 + math.log(c)) * (math.log((n + 1) / (frequency[term] + 1)) + 1.0)
            for term, c in count.items()
            if frequency[term] <= cap
        }
        top = sorted(weights.items(), key=lambda item: (-item[1], item[0]))[:TRACK_TERMS]
        norm = math.sqrt(sum(w * w for _, w in top)) or 1.0
        weighted.append(tuple((term, round(w / norm, 4)) for term, w in top))
    return weighted


def continuations(
    terms: Sequence[tuple[tuple[str, float], ...]], earlier: Sequence[PublishedStory], date: dt.date
) -> list[Continuation | None]:
    """For each story (by its ``terms``), the earlier story it continues, or None."""
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for index, story in enumerate(earlier):
        for term, weight in story.terms:
            postings[term].append((index, weight))
    found: list[Continuation | None] = []
    for story_terms_ in terms:
        dot: dict[int, float] = defaultdict(float)
        shared: Counter[int] = Counter()
        for term, weight in story_terms_:
            for index, other in postings.get(term, ()):
                dot[index] += weight * other
                shared[index] += 1
        candidates = [i for i, score in dot.items() if score >= CONTINUE_COSINE and shared[i] >= MIN_SHARED_TERMS]
        if not candidates:
            found.append(None)
            continue
        best = max(candidates, key=lambda i: (round(dot[i], 6), earlier[i].date, -i))
        previous = earlier[best]
        found.append(Continuation(previous.since, previous.title_en, (date - previous.since).days + 1))
    return found
