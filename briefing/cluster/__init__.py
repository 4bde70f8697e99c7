"""From a day's articles to its stories: copies collapsed, reprints found, events grouped.

``find_stories`` is the stage's one entry point; it is pure (articles in, stories out)
and deterministic (no salted hashes, ties broken by input order).

1. Exact copies (same normalised text, so the same id) and near-duplicates (MinHash over
   word shingles, ``copies``) are collapsed into one article that keeps all its sources.
2. Paragraphs shared between outlets are counted (``reprints``): "shares N paragraphs
   with OUTLET".
3. The remaining articles are grouped into stories (``stories``, scored pair by pair on
   what they share: ``events``) and ranked: most independent outlets first (an outlet
   once; a reprint or copy of another outlet's article does not count), then most
   articles, then the latest, then input order.

``day_evidence`` is steps 1 and 2 and the pairs' features, apart, for the benchmark that
fits the pair model on labelled pairs (``benchmarks/story_pairs.py``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from briefing.arabic.places import Gazetteer
from briefing.arabic.tokenize import word_tokens
from briefing.cluster.copies import near_duplicate_pairs
from briefing.cluster.events import (
    FEATURE_NAMES,
    ArticleTerms,
    candidate_pairs,
    event_scores,
    pair_feature_rows,
    row_dots,
)
from briefing.cluster.reprints import counted_paragraphs, paragraph_shingles, paragraphs_of, shared_paragraph_counts
from briefing.cluster.shingles import shingle_hashes
from briefing.cluster.stories import group_by_scores, story_vectors, within_window
from briefing.types import Article, Story, StoryArticle

__all__ = ["DayEvidence", "day_evidence", "find_stories", "group_day", "rank_stories"]

# Shingle width for near-duplicates: 4 words is long enough that two different articles
# on one subject share few shingles, short enough that an edited word spoils only four.
COPY_SHINGLE_WORDS = 4
# Articles sharing this many paragraphs, making up this share of the shorter one's, are one
# story whatever else their scores say: a reprint. Fewer shared paragraphs are evidence the
# pair model weighs (``events``): a roundup shares two paragraphs with each of several
# different stories (a day's markets, a club's news), and joining on them alone chained
# those stories into one (2015-07-25: 16 articles on oil, the dollar and house sales).
# Measured on the labelled pairs (benchmarks/README.md, "Story grouping"): mean F1 0.840
# when every pair sharing 2 paragraphs is joined, 0.849 at 80 %, 0.852 with none.
MIN_PARAGRAPHS_TO_LINK = 2
REPRINT_LINK_SHARE = 0.8
# Average linkage over the event scores (``events``): pairs from LINK_SCORE up are tried,
# best first; two groups merge when their mean pair score is at least MERGE_SCORE, the
# cross pairs not among the candidates scored when the groups are weighed
# (``stories.group_by_scores``). Twelve labelled days, each scored by weights fitted on
# the eleven others (benchmarks/README.md, "Story grouping"), mean F1: from 0.6, 0.833
# with a merge bar of 0.25, 0.826 with 0.28 and 0.3, 0.823 with 0.32, and 0.811 at 0.3
# when the cross pairs never scored count 0; from 0.55, 0.842 (0.25) and 0.828 (0.3).
# 0.6 and 0.3, not the labels' best: lower, the scored cross pairs chain events of one
# kind whose reports all read alike into one story that leads the day: 2015-07-25's market
# reports (Brent, China's factories, the Australian dollar, US home sales: 22 at 0.25, 16
# at 0.28, 13 at 0.3: the oil and China reports), and on 07-21 the Chechen president's
# visit and Samir Geagea's audience, received by the same princes (one story of 22-23
# below 0.3).
LINK_SCORE = 0.6
MERGE_SCORE = 0.3
PLACES_APART = FEATURE_NAMES.index("places_apart")
# An article with at least this share of its paragraphs shared with a longer article of
# another outlet is a reprint, not a report of its own (independent coverage). Half: the
# seeds' Orient News piece shares 2 of its paragraphs with Sputnik's; a report that quotes
# one agency paragraph among several of its own stays independent.
REPRINT_SHARE = 0.5


@dataclass(frozen=True, slots=True)
class DayEvidence:
    """A day's articles after their copies are collapsed, and what their pairs share."""

    articles: list[Article]
    """One article for each set of copies: the one standing for them."""
    copies: list[list[Article]]
    shares: dict[int, list[tuple[str, int]]]
    """Each article's partial reprints: (the other outlet, paragraphs shared)."""
    shared_paragraphs: dict[tuple[int, int], int]
    paragraph_counts: list[int]
    terms: ArticleTerms
    vectors: sparse.csr_matrix
    """Headline-and-lead TF-IDF rows (``stories.story_vectors``)."""
    text_vectors: sparse.csr_matrix
    """Whole-text TF-IDF rows (``events.ArticleTerms.vectors``)."""
    pairs: list[tuple[int, int]]
    """The candidate pairs (i < j) the pair model scores."""
    features: NDArray[np.float64]
    """Their ``events.FEATURE_NAMES``, a row each."""
    reprinted: list[tuple[int, int]]
    """Pairs that are one story whatever their score: one is mostly paragraphs of the other."""
    apart: set[tuple[int, int]]
    """Candidate pairs whose places are apart (``events``, "places_apart")."""
    paragraph_shingles: list[tuple[tuple[int, bytes], ...]]
    """Each article's counted paragraphs and their shingles (``StoryArticle.paragraph_shingles``)."""


def day_evidence(articles: Sequence[Article], gazetteer: Gazetteer | None = None) -> DayEvidence:
    """Steps 1 and 2 of the stage, and the features of the candidate pairs."""
    # 1. Exact copies share an id: the first one read stands for them.
    by_id: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        by_id[article.id].append(article)
    unique = [copies[0] for copies in by_id.values()]
    copies_of: dict[int, list[Article]] = {i: by_id[a.id][1:] for i, a in enumerate(unique)}

    # Near-duplicates: the longer text (or the earlier, on a tie) stands for the pair.
    # Each paragraph is normalised once, for this and for the reprints below, and only
    # its hashes are kept: a word list per article would take ~70 bytes a word.
    word_counts: list[int] = []
    shingles: list[NDArray[np.uint64]] = []
    paragraph_hashes: list[list[NDArray[np.uint64]]] = []
    counted: list[list[int]] = []  # which paragraphs those are, for the framing (StoryArticle.paragraph_shingles)
    for article in unique:
        paragraph_words = [word_tokens(p) for p in paragraphs_of(article.body)]
        words = list(chain.from_iterable(paragraph_words))
        word_counts.append(len(words))
        shingles.append(shingle_hashes(words, COPY_SHINGLE_WORDS))
        paragraph_hashes.append(paragraph_shingles(paragraph_words))
        counted.append(counted_paragraphs(paragraph_words))
    keeper = list(range(len(unique)))

    def kept(i: int) -> int:
        while keeper[i] != i:
            i = keeper[i]
        return i

    for a, b, _ in near_duplicate_pairs(shingles):
        ka, kb = kept(a), kept(b)
        if ka == kb:
            continue
        if word_counts[kb] > word_counts[ka]:
            ka, kb = kb, ka
        keeper[kb] = ka
        copies_of[ka].extend([unique[kb], *copies_of.pop(kb)])
    standing = [i for i in range(len(unique)) if kept(i) == i]

    # 2. Paragraphs shared across outlets, between the articles left standing.
    kept_articles = [unique[i] for i in standing]
    bodies = [a.body for a in kept_articles]
    outlet_ids = {key: n for n, key in enumerate(dict.fromkeys(a.outlet_key for a in kept_articles))}
    groups = [outlet_ids[a.outlet_key] for a in kept_articles]
    counts = [len(paragraph_hashes[i]) for i in standing]
    shared = shared_paragraph_counts([paragraph_hashes[i] for i in standing], groups)
    shares: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for (p, q), count in sorted(shared.items()):
        shares[p].append((kept_articles[q].label, count))
        shares[q].append((kept_articles[p].label, count))

    # The pairs' evidence: each text stemmed once, for the vectors and the features.
    titles = [a.title for a in kept_articles]
    vectors = story_vectors(titles, bodies)
    dates = [a.published for a in kept_articles]
    terms = ArticleTerms.of(titles, bodies, paragraphs=counts, gazetteer=gazetteer)
    text_vectors, headline_vectors = terms.vectors()
    first, second, cosines = candidate_pairs(vectors, text_vectors, headline_vectors)
    pairs = list(zip(first.tolist(), second.tolist(), strict=True))
    features = pair_feature_rows(pairs, cosines, terms, shared)
    reprinted = sorted(
        (p, q)
        for (p, q), count in shared.items()
        if count >= MIN_PARAGRAPHS_TO_LINK
        and count >= REPRINT_LINK_SHARE * min(counts[p], counts[q])
        and within_window([dates[p], dates[q]])
    )
    apart = {pair for pair, row in zip(pairs, features[:, PLACES_APART].tolist(), strict=True) if row == 1.0}
    return DayEvidence(
        kept_articles, [copies_of[i] for i in standing], shares, shared, counts, terms, vectors, text_vectors, pairs,
        features, reprinted, apart,
        [tuple(zip(counted[i], (h.tobytes() for h in paragraph_hashes[i]), strict=True)) for i in standing],
    )


def find_stories(articles: Sequence[Article], gazetteer: Gazetteer | None = None) -> list[Story]:
    """The stories of ``articles``, best first; every article is in exactly one story.
    ``gazetteer``: the places told apart (default: the shipped table)."""
    day = day_evidence(articles, gazetteer)
    groupings = group_day(day)
    # A reprint is a reprint of an article of its own story (not of one of another day or event).
    story_of = {k: number for number, group in enumerate(groupings) for k in group}
    reprints = _reprints(
        {pair: count for pair, count in day.shared_paragraphs.items() if story_of[pair[0]] == story_of[pair[1]]},
        day.paragraph_counts,
    )
    terms = day.terms
    stories = []
    for group in groupings:
        # Most central first: the article most like the rest of its story stands for it.
        if len(group) > 1:
            block = day.vectors[group] @ day.vectors[group].T
            centrality = block.sum(axis=1).A.ravel().tolist()
            order = sorted(range(len(group)), key=lambda k: (-centrality[k], group[k]))
            group = [group[k] for k in order]
        members = tuple(
            StoryArticle(
                article=day.articles[k],
                copies=tuple(day.copies[k]),
                shares=_merged(day.shares.get(k, [])),
                independent=k not in reprints,
                terms=(*terms.headline_terms[k], *terms.body_terms[k]),
                paragraph_shingles=day.paragraph_shingles[k],
            )
            for k in group
        )
        stories.append(Story(members))
    return rank_stories(stories)


def group_day(day: DayEvidence, weights: Sequence[float] | None = None) -> list[list[int]]:
    """Step 3: the day's articles (by index) grouped into stories: the candidate pairs
    scored by the pair model (``weights``: the shipped ones by default), grouped by average
    linkage, reprints joined first, the cross pairs of two groups weighed scored when needed."""
    scores = dict(zip(day.pairs, event_scores(day.features, weights).tolist(), strict=True)) if day.pairs else {}

    def score_missing(pairs: list[tuple[int, int]]) -> tuple[list[float], list[bool]]:
        first, second = np.array(pairs, dtype=np.int64).reshape(-1, 2).T
        cosines = np.column_stack([row_dots(day.vectors, first, second), row_dots(day.text_vectors, first, second)])
        features = pair_feature_rows(pairs, cosines, day.terms, day.shared_paragraphs)
        return event_scores(features, weights).tolist(), (features[:, PLACES_APART] == 1.0).tolist()

    dates = [a.published for a in day.articles]
    return group_by_scores(
        len(day.articles), scores, dates, link=LINK_SCORE, merge=MERGE_SCORE, must_link=day.reprinted, apart=day.apart,
        score_missing=score_missing,
    )


def rank_stories(stories: list[Story]) -> list[Story]:
    """Most independent outlets first, then most articles, then the latest; ties keep their order."""
    return sorted(stories, key=lambda s: s.coverage_key)


def _reprints(shared: dict[tuple[int, int], int], paragraphs: list[int]) -> set[int]:
    """Articles most of whose paragraphs are shared with one of another outlet that has
    more (the original: on a tie, the one read first)."""
    found: set[int] = set()
    for (p, q), count in shared.items():
        for copy, original in ((p, q), (q, p)):
            longer = paragraphs[original] > paragraphs[copy] or (paragraphs[original] == paragraphs[copy] and original < copy)
            if longer and count >= REPRINT_SHARE * paragraphs[copy]:
                found.add(copy)
    return found


def _merged(shares: list[tuple[str, int]]) -> tuple[tuple[str, int], ...]:
    """One entry per outlet: the most paragraphs shared with any one of its articles."""
    best: dict[str, int] = {}
    for outlet, count in shares:
        best[outlet] = max(best.get(outlet, 0), count)
    return tuple(best.items())
