"""Whether two articles report one event: a score from what they share, learned from labels.

Vocabulary alone groups events of one kind: two road accidents, two regional offices'
teacher interviews, two ministries' Eid receptions share most of their words. What tells
one event is what is *specific* to it: the names, places and numbers few of the day's
articles use, whether the words of one article's headline are found in the other (a
follow-up names the same case; another office's interviews name another town), and where
each says it happened. Each candidate pair gets these features:

1. cosine of headline-and-lead TF-IDF (``stories.story_vectors``) and of whole texts;
2. how much of each headline's terms the other article uses (the lower and the higher side);
3. how much of each article's *specific* terms (used by at most ``SPECIFIC_ARTICLES`` of the
   day's articles) in headline and lead the other uses, and how many they share;
4. shared rare pairs of successive terms (used by at most 10 articles) in headline and lead;
5. specific headline terms the other article never uses, on both sides (the lower side's
   count) and on one (the higher): another town's office, another family's wedding;
6. whether both headlines hold numbers and share none (another day's index, another toll);
7. places (``arabic.places``): whether the places two heads name are all *apart* (neither the
   same nor one within the other: Arar and Madinah, not Ad-Dayer and Jazan), counting
   places named as such in headline and lead, and, in the headlines, peoples too ("the
   Egyptian minister" against "the Indonesian minister");
8. the rare terms (used by at most 10 articles) of the whole texts they share: how many, and
   their share of the smaller set;
9. the paragraphs they share (``reprints``): how many, and their share of the shorter article.

A logistic model turns them, and the product of every two of them, into the probability
that the pair is one story (the same event, or a development of it): what one feature
means depends on others (sharing rare words says more when the places are not apart; a
headline whose words the other article uses says less when both headlines are a
template). Its weights (``data/event_model.json``) were fitted on the labelled
cross-outlet pairs of 2015-07-23 to 07-27, 07-31, 08-01, 08-03, 08-04, 08-06, 08-09 and
08-11 that are candidate pairs (4,275 of 4,440; SaudiNewsNet; ``benchmarks/labels/``,
``benchmarks/story_pairs.py --fit``) and are checked on the 370 pairs of 2015-07-22
(figures in ``benchmarks/README.md``). The same weights score the pairs that are not
candidates when two groups are weighed (``stories.group_by_scores``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import pairwise

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from briefing.arabic.normalize import to_ascii_digits
from briefing.arabic.places import Gazetteer, any_compatible, most_specific, starter_places
from briefing.arabic.tokenize import content_terms_of_texts, get_stemmer
from briefing.cluster.stories import tfidf_rows

__all__ = [
    "EVENT_MODEL", "FEATURE_NAMES", "WEIGHT_NAMES", "ArticleTerms", "candidate_pairs", "event_scores", "event_weights",
    "feature_products", "pair_feature_rows", "pair_features", "row_dots",
]

# Specific terms: used by at most this many of the day's articles (a name, a place, a case),
# at two levels: a person or a town (10), a team or a ministry (40).
SPECIFIC_ARTICLES = (10, 40)
# Words of the body that count as its lead.
LEAD_WORDS = 60
# Words of the body that count as its text, at most: more than nearly any news article
# (2015-07-21: 98.7 % are shorter); stemming is the costly part (each new word form once,
# 12 us). At 300 words, recall on 07-22 fell from 0.84 to 0.78 (refitted: 0.775).
TEXT_WORDS = 2000
_NUMBER = re.compile(r"\d+")
# Counts capped here before scaling to 0-1: shared specific terms and phrases, unexplained
# headline terms, shared rare terms, shared paragraphs.
SHARED_CAP = 5
UNEXPLAINED_CAP = 3
RARE_CAP = 10
PARAGRAPHS_CAP = 5

FEATURE_NAMES = (
    "cosine_lead", "cosine_text",
    "headline_in_other_low", "headline_in_other_high",
    "specific10_in_other_low", "specific10_in_other_high", "specific10_shared",
    "specific40_in_other_high", "phrases_shared",
    "unexplained10_low", "unexplained40_low", "unexplained40_high",
    "headline_numbers_apart", "places_apart", "headline_places_apart",
    "rare_shared", "rare_shared_share", "paragraphs_shared", "paragraphs_shared_share",
)
# The pair model's weights (fitted, see the docstring): one per feature, one per product of
# two features (the columns ``i < j``, in row-major order), then the intercept.
EVENT_MODEL = "data/event_model.json"
_PRODUCT_FIRST, _PRODUCT_SECOND = np.triu_indices(len(FEATURE_NAMES), 1)
WEIGHT_NAMES = (
    *FEATURE_NAMES,
    *(f"{FEATURE_NAMES[i]} x {FEATURE_NAMES[j]}" for i, j in zip(_PRODUCT_FIRST, _PRODUCT_SECOND, strict=True)),
    "intercept",
)
# Candidate pairs: each article's nearest neighbours by any of the cosines, above CANDIDATE_COSINE.
# 15: the same precision and recall as 20 on 07-22 and 07-23 (recall 0.772 for 0.793 on 07-24)
# for 7.1 s of grouping instead of 8.3 on 2015-07-21.
CANDIDATE_COSINE = 0.1
NEIGHBOURS = 15
SIMILARITY_BLOCK_ROWS = 1000
PAIR_BLOCK = 20_000
# Up to this many pairs, row_dots goes row by row (about 10 us a pair, against about 0.2 ms
# for slicing a sparse matrix twice, whatever the number of pairs).
FEW_PAIRS = 16


@dataclass(frozen=True, slots=True)
class Places:
    """The places an article names (paths of ``arabic.places``): ``where`` as places, ``named``
    as places or by their peoples."""

    headline_where: frozenset[str]
    head_where: frozenset[str]
    """Headline and lead."""
    headline_named: frozenset[str]
    head_named: frozenset[str]


@dataclass(frozen=True, slots=True)
class ArticleTerms:
    """The day's articles as term sets, and how many articles use each term."""

    headlines: list[frozenset[str]]
    heads: list[frozenset[str]]
    """Headline and lead."""
    texts: list[frozenset[str]]
    """Headline and whole body."""
    frequency: dict[str, int]
    useful_headline: list[tuple[str, ...]]
    """Headline terms that at least one other article uses."""
    headline_terms: list[list[str]]
    """Each headline's terms, in order (repeats kept)."""
    body_terms: list[list[str]]
    specific: list[list[tuple[str, ...]]]
    """For each level of ``SPECIFIC_ARTICLES``: the headline-and-lead terms that level calls specific."""
    specific_headline: list[list[tuple[str, ...]]]
    """For each level: the headline's specific terms."""
    rare: list[frozenset[str]]
    """The whole text's terms of the first level of ``SPECIFIC_ARTICLES``."""
    phrases: list[frozenset[str]]
    """Pairs of successive terms of headline and lead used by 2 to ``SPECIFIC_ARTICLES[0]``
    articles: "Saif Al-Falasi", "Aden airport", "Al-Anad base"."""
    headline_numbers: list[frozenset[str]]
    places: list[Places]
    paragraphs: list[int]
    """How many paragraphs (long enough to be compared: ``reprints``) each article has."""

    @classmethod
    def of(
        cls,
        titles: Sequence[str],
        bodies: Sequence[str],
        *,
        paragraphs: Sequence[int] | None = None,
        gazetteer: Gazetteer | None = None,
    ) -> ArticleTerms:
        stem = get_stemmer("snowball")
        gazetteer = gazetteer if gazetteer is not None else starter_places()
        headline_terms = content_terms_of_texts(list(titles), stem)
        body_terms = content_terms_of_texts([" ".join(b.split()[:TEXT_WORDS]) for b in bodies], stem)
        leads = [" ".join(b.split()[:LEAD_WORDS]) for b in bodies]
        lead_terms = content_terms_of_texts(leads, stem)
        headlines = [frozenset(t) for t in headline_terms]
        heads = [h | frozenset(t) for h, t in zip(headlines, lead_terms, strict=True)]
        texts = [h | frozenset(t) for h, t in zip(headlines, body_terms, strict=True)]
        frequency: dict[str, int] = {}
        for terms in texts:
            for term in terms:
                frequency[term] = frequency.get(term, 0) + 1
        pairs_of = [
            frozenset(f"{a} {b}" for run in (h, t) for a, b in pairwise(run))
            for h, t in zip(headline_terms, lead_terms, strict=True)
        ]
        phrase_frequency: dict[str, int] = {}
        for phrases in pairs_of:
            for phrase in phrases:
                phrase_frequency[phrase] = phrase_frequency.get(phrase, 0) + 1
        rarest = SPECIFIC_ARTICLES[0]
        phrases_rare = [frozenset(p for p in phrases if phrase_frequency[p] <= rarest) for phrases in pairs_of]
        useful = [tuple(t for t in h if frequency.get(t, 0) >= 2) for h in headlines]
        specific = [
            [tuple(t for t in h if 2 <= frequency.get(t, 0) <= most) for h in heads] for most in SPECIFIC_ARTICLES
        ]
        specific_headline = [
            [tuple(t for t in h if 2 <= frequency.get(t, 0) <= most) for h in headlines] for most in SPECIFIC_ARTICLES
        ]
        rare = [frozenset(t for t in text if 2 <= frequency[t] <= rarest) for text in texts]
        numbers = [frozenset(_NUMBER.findall(to_ascii_digits(t))) for t in titles]
        places = [_places_of(gazetteer, t, lead) for t, lead in zip(titles, leads, strict=True)]
        counts = list(paragraphs) if paragraphs is not None else [0] * len(titles)
        return cls(
            headlines, heads, texts, frequency, useful, headline_terms, body_terms, specific, specific_headline,
            rare, phrases_rare, numbers, places, counts,
        )

    def vectors(self) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
        """Unit TF-IDF rows of the whole texts (headline and body) and of the headlines."""
        texts = [[*h, *b] for h, b in zip(self.headline_terms, self.body_terms, strict=True)]
        return tfidf_rows(texts), tfidf_rows(self.headline_terms)


def _places_of(gazetteer: Gazetteer, title: str, lead: str) -> Places:
    """The most specific places of each set: "Saudi Arabia" beside "Hail" says nothing more,
    and would otherwise be compatible with every Saudi town of another article."""
    in_headline, in_lead = gazetteer.find(title), gazetteer.find(lead)
    headline_where = {m.path for m in in_headline if not m.people}
    headline_named = {m.path for m in in_headline}
    return Places(
        most_specific(headline_where),
        most_specific(headline_where | {m.path for m in in_lead if not m.people}),
        most_specific(headline_named),
        most_specific(headline_named | {m.path for m in in_lead}),
    )


def candidate_pairs(*matrices: sparse.csr_matrix) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
    """Pairs (i < j) among each article's ``NEIGHBOURS`` nearest by any of ``matrices`` (unit
    rows), at ``CANDIDATE_COSINE`` or more, with their cosine in every matrix (one column
    each). Bounded: at most ``NEIGHBOURS`` pairs per article and matrix, computed a block of
    rows at a time."""
    found: list[NDArray[np.int64]] = []
    n = matrices[0].shape[0]
    for matrix in matrices:
        transposed = matrix.T.tocsc()
        for start in range(0, n, SIMILARITY_BLOCK_ROWS):
            block = (matrix[start : start + SIMILARITY_BLOCK_ROWS] @ transposed).tocoo()
            rows, columns, values = block.row.astype(np.int64) + start, block.col.astype(np.int64), block.data
            keep = (columns != rows) & (values >= CANDIDATE_COSINE)
            rows, columns, values = rows[keep], columns[keep], values[keep]
            # Each row's best NEIGHBOURS: sorted by row, then by cosine, best first.
            order = np.lexsort((-values, rows))
            rows, columns = rows[order], columns[order]
            starts = np.searchsorted(rows, rows, side="left")
            near = (np.arange(len(rows)) - starts) < NEIGHBOURS
            found.append(np.minimum(rows[near], columns[near]) * n + np.maximum(rows[near], columns[near]))
    keys = np.unique(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)
    first, second = keys // n, keys % n
    cosines = np.column_stack([row_dots(matrix, first, second) for matrix in matrices]) if len(keys) else np.zeros((0, len(matrices)))
    return first.astype(np.int64), second.astype(np.int64), cosines


def row_dots(matrix: sparse.csr_matrix, first: NDArray[np.int64], second: NDArray[np.int64]) -> NDArray[np.float64]:
    """The dot product of rows ``first[k]`` and ``second[k]`` for every k, in one sparse
    product; a few pairs (the cross pairs of two groups, ``stories.group_by_scores``) row
    by row, where slicing the matrix would cost more than the products."""
    dots = np.empty(len(first))
    if len(first) <= FEW_PAIRS:
        pointers, columns, values = matrix.indptr, matrix.indices, matrix.data
        for k, (a, b) in enumerate(zip(first.tolist(), second.tolist(), strict=True)):
            row_a, row_b = slice(pointers[a], pointers[a + 1]), slice(pointers[b], pointers[b + 1])
            _, in_a, in_b = np.intersect1d(columns[row_a], columns[row_b], assume_unique=True, return_indices=True)
            dots[k] = float(values[row_a][in_a] @ values[row_b][in_b])
        return dots
    for start in range(0, len(first), PAIR_BLOCK):
        a, b = first[start : start + PAIR_BLOCK], second[start : start + PAIR_BLOCK]
        dots[start : start + PAIR_BLOCK] = np.asarray(matrix[a].multiply(matrix[b]).sum(axis=1)).ravel()
    return dots


def pair_feature_rows(
    pairs: Sequence[tuple[int, int]],
    cosines: NDArray[np.float64],
    terms: ArticleTerms,
    shared_paragraphs: dict[tuple[int, int], int],
) -> NDArray[np.float64]:
    """``pair_features`` of each of ``pairs``, a row each (``cosines``: a row each, the
    lead's and the whole text's first)."""
    rows = [
        pair_features(i, j, c, terms, shared_paragraphs.get((i, j), 0))
        for (i, j), c in zip(pairs, cosines.tolist(), strict=True)
    ]
    return np.array(rows, dtype=np.float64).reshape(len(pairs), len(FEATURE_NAMES))


def pair_features(i: int, j: int, cosines: Sequence[float], terms: ArticleTerms, shared_paragraphs: int = 0) -> list[float]:
    """The features of ``FEATURE_NAMES`` for articles ``i`` and ``j``: ``cosines`` are their
    cosines in the lead and the whole-text vectors, ``shared_paragraphs`` how many
    paragraphs they share (``reprints``)."""

    # Each article's term tuples hold a term once (they are drawn from its sets), so counting
    # is a set intersection, in C: 48,700 pairs a day.
    def covered(mine: tuple[str, ...], theirs: frozenset[str]) -> float:
        return len(theirs.intersection(mine)) / len(mine) if mine else 0.0

    def unexplained(level: int, mine: int, theirs: int) -> float:
        headline = terms.specific_headline[level][mine]
        missing = len(headline) - len(terms.texts[theirs].intersection(headline))
        return min(missing, UNEXPLAINED_CAP) / UNEXPLAINED_CAP

    features = list(cosines[:2])
    a, b = covered(terms.useful_headline[i], terms.texts[j]), covered(terms.useful_headline[j], terms.texts[i])
    features += [min(a, b), max(a, b)]
    mine, theirs = terms.specific[0][i], terms.specific[0][j]
    a, b = covered(mine, terms.texts[j]), covered(theirs, terms.texts[i])
    shared = len(set(mine).intersection(theirs))
    features += [min(a, b), max(a, b), min(shared, SHARED_CAP) / SHARED_CAP]
    a, b = covered(terms.specific[1][i], terms.texts[j]), covered(terms.specific[1][j], terms.texts[i])
    features.append(max(a, b))
    features.append(min(len(terms.phrases[i] & terms.phrases[j]), SHARED_CAP) / SHARED_CAP)
    features.append(min(unexplained(0, i, j), unexplained(0, j, i)))
    a, b = unexplained(1, i, j), unexplained(1, j, i)
    features += [min(a, b), max(a, b)]
    numbers_i, numbers_j = terms.headline_numbers[i], terms.headline_numbers[j]
    features.append(1.0 if numbers_i and numbers_j and not numbers_i & numbers_j else 0.0)
    p, q = terms.places[i], terms.places[j]
    features.append(1.0 if p.head_where and q.head_where and not any_compatible(p.head_where, q.head_where) else 0.0)
    apart = (
        p.headline_named and q.headline_named
        and not any_compatible(p.headline_named, q.head_named)
        and not any_compatible(q.headline_named, p.head_named)
    )
    features.append(1.0 if apart else 0.0)
    rare_i, rare_j = terms.rare[i], terms.rare[j]
    common = len(rare_i & rare_j)
    features += [min(common, RARE_CAP) / RARE_CAP, common / min(len(rare_i), len(rare_j)) if rare_i and rare_j else 0.0]
    fewer = min(terms.paragraphs[i], terms.paragraphs[j]) or 1
    features += [min(shared_paragraphs, PARAGRAPHS_CAP) / PARAGRAPHS_CAP, shared_paragraphs / fewer]
    return features


def feature_products(features: NDArray[np.float64]) -> NDArray[np.float64]:
    """``features`` (a pair a row) followed by the product of every two of its columns, in
    the order of ``WEIGHT_NAMES``: what the model's weights are fitted on."""
    return np.hstack([features, features[:, _PRODUCT_FIRST] * features[:, _PRODUCT_SECOND]])


@cache
def event_weights() -> tuple[float, ...]:
    """The shipped weights (``EVENT_MODEL``), read once."""
    model = json.loads(resources.files("briefing.cluster").joinpath(EVENT_MODEL).read_text(encoding="utf-8"))
    if model["features"] != list(FEATURE_NAMES) or len(model["weights"]) != len(WEIGHT_NAMES):
        raise ValueError(f"{EVENT_MODEL} was fitted on other features, or holds other weights than {len(WEIGHT_NAMES)}")
    return tuple(float(w) for w in model["weights"])


def event_scores(features: NDArray[np.float64], weights: Sequence[float] | None = None) -> NDArray[np.float64]:
    """The probability that each pair (a row of ``features``) is one story; ``weights``: as
    ``event_weights()`` (the shipped ones by default). The products' part is computed as
    ``sum(F @ W * F)`` over an upper-triangular ``W``, not by making the products (a day's
    50,000 pairs would take 171 columns more)."""
    w = np.asarray(event_weights() if weights is None else weights, dtype=np.float64)
    rows = np.asarray(features, dtype=np.float64)
    count = len(FEATURE_NAMES)
    if rows.ndim != 2 or rows.shape[1] != count:
        raise ValueError(f"features of shape {rows.shape}: a row of {count} for each pair")
    if len(w) != len(WEIGHT_NAMES):
        raise ValueError(f"{len(w)} weights for the {len(WEIGHT_NAMES)} of WEIGHT_NAMES")
    products = np.zeros((count, count))
    products[_PRODUCT_FIRST, _PRODUCT_SECOND] = w[count:-1]
    logits = rows @ w[:count] + np.einsum("ij,ij->i", rows @ products, rows) + w[-1]
    return np.asarray(1.0 / (1.0 + np.exp(-logits)))
