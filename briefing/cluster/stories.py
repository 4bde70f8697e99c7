"""Stories: articles about the same event, across outlets.

``story_vectors`` makes each article a TF-IDF vector of the stems of its headline (counted
twice: the headline names the event) and its opening words (where Arabic news states who
did what), or of its whole text; ``events`` scores candidate pairs with them. Groups are
then built by average linkage over those scores (``group_by_scores``): two groups merge
only if their articles are, on average, likely enough one story, and their dates, when
known, are close; this stops the chaining that plain connected components suffer from
(A like B, B like C, A nothing like C).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Sequence
from itertools import chain

import numpy as np
from scipy import sparse

from briefing.arabic.tokenize import content_terms_of_texts, get_stemmer

__all__ = [
    "MAX_CROSS_PAIRS_SCORED",
    "PAIRS_SCORED_PER_ARTICLE",
    "STORY_WINDOW_DAYS",
    "PairScorer",
    "group_by_scores",
    "story_vectors",
    "tfidf_rows",
    "within_window",
]

# Words of the body that go into an article's vector. The first ~100 words hold the
# lead; later paragraphs drift into background that many different stories share.
LEAD_WORDS = 100
# Articles published further apart than this are different stories, however alike.
STORY_WINDOW_DAYS = 3
# Cross pairs scored when two groups are weighed (``group_by_scores``), at most: for one
# merge, and for a group, this many for each of its articles in all (what its merges
# scored, its parts' included): a group made of hundreds of alike articles (a flood of
# junk) spends its own allowance, not the day's. A call costs about 0.15 ms and 0.04 ms a
# pair (2015-07-21), so at most 80 ms a merge and, for a day, 4.5 ms an article (when
# every pair scored is a call of its own). On 2015-07-21 and the thirteen labelled days,
# 30 gives the stories no bound gives, 20 one merge fewer on 08-06, 10 changes three days'
# stories; 07-21 scored 730 pairs in 85 calls (0.05 s, the ten-day model), no merge more
# than 2,000.
MAX_CROSS_PAIRS_SCORED = 2_000
PAIRS_SCORED_PER_ARTICLE = 30

PairScorer = Callable[[list[tuple[int, int]]], tuple[list[float], list[bool]]]
"""Scores pairs ``(i, j)``, ``i < j``, not scored before: each pair's score, and whether its places are apart."""
# Terms in more than this share of the day's articles ("said", "kingdom") link nothing,
# once there are enough articles for the share to mean something.
MAX_DOCUMENT_FREQUENCY = 0.2
MIN_ARTICLES_FOR_FREQUENCY_CAP = 50
# ... and so do terms in more than this many articles, however many there are: a term
# shared by 500 articles names no one event, and each such term adds its count squared to
# the pairs compared (a week of 20,000 articles reached 300 million pairs without it).
MAX_DOCUMENT_COUNT = 500


def story_vectors(
    titles: Sequence[str], bodies: Sequence[str], *, lead_words: int | None = LEAD_WORDS, headline_copies: int = 2
) -> sparse.csr_matrix:
    """Unit TF-IDF rows (articles x stems) of headline (``headline_copies`` times) and lead
    (the first ``lead_words`` words of the body; None: all of it)."""
    stem = get_stemmer("snowball")
    texts = [
        "\n".join([t] * headline_copies + [" ".join(b.split()[:lead_words])])
        for t, b in zip(titles, bodies, strict=True)
    ]
    return tfidf_rows(content_terms_of_texts(texts, stem))


def tfidf_rows(term_lists: Sequence[Sequence[str]]) -> sparse.csr_matrix:
    """Unit TF-IDF rows (texts x terms) of texts given as their terms."""
    vocabulary: dict[str, int] = {}
    columns = np.fromiter(
        (vocabulary.setdefault(term, len(vocabulary)) for term in chain.from_iterable(term_lists)), dtype=np.int64
    )
    n = len(term_lists)
    rows = np.repeat(np.arange(n), [len(t) for t in term_lists])
    counts = sparse.csr_matrix((np.ones(len(columns)), (rows, columns)), shape=(n, max(len(vocabulary), 1)))
    counts.sum_duplicates()
    frequency = np.bincount(counts.indices, minlength=counts.shape[1])
    idf = np.log((n + 1) / (frequency + 1)) + 1.0
    idf[frequency < 2] = 0.0  # a term of one article links nothing
    if n >= MIN_ARTICLES_FOR_FREQUENCY_CAP:
        idf[frequency > min(MAX_DOCUMENT_FREQUENCY * n, MAX_DOCUMENT_COUNT)] = 0.0
    weighted = counts.copy()
    weighted.data = (1.0 + np.log(weighted.data)) * idf[weighted.indices]
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ weighted)


def group_by_scores(
    count: int,
    scores: dict[tuple[int, int], float],
    dates: Sequence[dt.date | None],
    *,
    link: float,
    merge: float,
    must_link: Sequence[tuple[int, int]] = (),
    apart: Collection[tuple[int, int]] = (),
    score_missing: PairScorer | None = None,
) -> list[list[int]]:
    """Groups of ``range(count)`` by average linkage over pair ``scores``: pairs are taken
    best first from ``link`` up, and two groups merge when the mean score over all their
    cross pairs is at least ``merge`` and their dates are within the window, unless that
    mean is under ``link`` and every cross pair scored is one of ``apart`` (pairs whose
    places are apart: two accidents in two towns, each told twice, are two stories however
    alike the four reports read; a pair scored over ``link`` on all its evidence stays one).
    ``must_link`` pairs are joined first.

    ``scores`` holds pairs ``(i, j)`` with ``i < j``. A cross pair not in it counts 0, unless
    ``score_missing`` scores it when its two groups are weighed (``scores`` holds only each
    article's nearest neighbours: without it, an article could hardly join a story of 30,
    whose other 29 articles it is not nearest to). Bounded: at most
    ``MAX_CROSS_PAIRS_SCORED`` pairs for one merge, and ``PAIRS_SCORED_PER_ARTICLE`` for each
    article of a group in all its merges; past those, missing pairs count 0."""
    scored_pairs = set(scores)  # and those scored on demand, so that none is scored twice
    spent: dict[int, int] = {}  # pairs scored on demand by each group's merges so far
    parent = list(range(count))
    members: dict[int, list[int]] = {i: [i] for i in range(count)}
    between: dict[int, dict[int, float]] = {i: {} for i in range(count)}
    # Cross pairs scored, and of them those apart, as (scored, apart) counts.
    known: dict[int, dict[int, tuple[int, int]]] = {i: {} for i in range(count)}
    for (a, b), score in scores.items():
        between[a][b] = between[a].get(b, 0.0) + score
        between[b][a] = between[b].get(a, 0.0) + score
        mark = (1, 1 if (a, b) in apart else 0)
        known[a][b] = known[b][a] = mark
    spans: dict[int, tuple[dt.date, dt.date]] = {i: (day, day) for i, day in enumerate(dates) if day is not None}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def within(a: int, b: int) -> bool:
        if a not in spans or b not in spans:
            return True
        (first_a, last_a), (first_b, last_b) = spans[a], spans[b]
        return (max(last_a, last_b) - min(first_a, first_b)).days <= STORY_WINDOW_DAYS

    def union(a: int, b: int) -> None:
        if len(members[a]) < len(members[b]):
            a, b = b, a
        for other, total in between.pop(b).items():
            if other == a:
                continue
            between[a][other] = between[a].get(other, 0.0) + total
            links = between[other]
            links[a] = links.get(a, 0.0) + links.pop(b)
        between[a].pop(b, None)
        for other, (scored, away) in known.pop(b).items():
            if other == a:
                continue
            was_scored, was_away = known[a].get(other, (0, 0))
            known[a][other] = known[other][a] = (was_scored + scored, was_away + away)
            known[other].pop(b)
        known[a].pop(b, None)
        if b in spans:
            first, last = spans.pop(b)
            spans[a] = (min(first, spans[a][0]), max(last, spans[a][1])) if a in spans else (first, last)
        if b in spent:
            spent[a] = spent.get(a, 0) + spent.pop(b)
        parent[b] = a
        members[a].extend(members.pop(b))

    for a, b in must_link:
        ra, rb = root(a), root(b)
        if ra != rb:
            union(ra, rb)
    for (a, b), score in sorted(scores.items(), key=lambda item: (-item[1], item[0])):
        if score < link:
            break
        ra, rb = root(a), root(b)
        if ra == rb or not within(ra, rb):
            continue
        size = len(members[ra]) * len(members[rb])
        scored, away = known[ra].get(rb, (0, 0))
        allowance = PAIRS_SCORED_PER_ARTICLE * (len(members[ra]) + len(members[rb])) - spent.get(ra, 0) - spent.get(rb, 0)
        if score_missing is not None and scored < size <= min(MAX_CROSS_PAIRS_SCORED, scored + allowance):
            missing = [
                pair for x in members[ra] for y in members[rb]
                if (pair := (min(x, y), max(x, y))) not in scored_pairs
            ]
            values, apart_flags = score_missing(missing)
            scored_pairs.update(missing)
            # The larger group pays: a flood of alike articles weighed against each article
            # of a day spends its own allowance.
            payer = ra if len(members[ra]) >= len(members[rb]) else rb
            spent[payer] = spent.get(payer, 0) + len(missing)
            added = sum(values)
            between[ra][rb] = between[ra].get(rb, 0.0) + added
            between[rb][ra] = between[rb].get(ra, 0.0) + added
            scored, away = scored + len(missing), away + sum(apart_flags)
            known[ra][rb] = known[rb][ra] = (scored, away)
        mean = between[ra].get(rb, 0.0) / size
        if mean >= merge and not (mean < link and scored and away == scored):
            union(ra, rb)
    return sorted((sorted(group) for group in members.values()), key=lambda g: g[0])


def within_window(days: Sequence[dt.date | None]) -> bool:
    """Whether the known dates among ``days`` are at most ``STORY_WINDOW_DAYS`` apart."""
    known = [day for day in days if day is not None]
    return len(known) < 2 or (max(known) - min(known)).days <= STORY_WINDOW_DAYS
