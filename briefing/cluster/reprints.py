"""Partial reprints: paragraphs one outlet took from another, word for word or nearly.

Outlets rarely copy a whole article; they lift paragraphs and edit them lightly (the
seeds: Orient News rewrites "the sources added" as "the agency added" inside a paragraph
of Sputnik's). So a paragraph counts as shared when most of the shorter one's 5-word
shingles occur in the other: the seeds' two shared paragraphs score 0.77 and 0.91, and
no other pair of their paragraphs scores over 0.2.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from briefing.cluster.shingles import shingle_hashes

__all__ = [
    "MIN_PARAGRAPH_WORDS", "SHARED_CONTAINMENT", "counted_paragraphs", "paragraph_shingles", "paragraphs_of",
    "shared_paragraph_counts",
]

# Paragraphs shorter than this are datelines, bylines and captions, which outlets share
# without copying each other.
MIN_PARAGRAPH_WORDS = 12
SHINGLE_WORDS = 5
# Share of the shorter paragraph's shingles found in the other; see the module docstring.
SHARED_CONTAINMENT = 0.5
# A shingle in more paragraphs than this is boilerplate ("for more news follow us on ..."),
# not evidence of copying.
MAX_SHINGLE_PARAGRAPHS = 50


def paragraphs_of(body: str) -> list[str]:
    """The body's paragraphs (blank-line separated, or one per line when there are no blank lines)."""
    blocks = [b.strip() for b in body.split("\n\n") if b.strip()]
    if len(blocks) <= 1:
        blocks = [line.strip() for line in body.splitlines() if line.strip()]
    return blocks


def paragraph_shingles(paragraph_words: Sequence[list[str]]) -> list[NDArray[np.uint64]]:
    """The shingles of an article's paragraphs (as normalised words) long enough to count."""
    return [shingle_hashes(paragraph_words[n], SHINGLE_WORDS) for n in counted_paragraphs(paragraph_words)]


def counted_paragraphs(paragraph_words: Sequence[list[str]]) -> list[int]:
    """Which of an article's paragraphs ``paragraph_shingles`` hashes: their indices."""
    return [n for n, words in enumerate(paragraph_words) if len(words) >= MIN_PARAGRAPH_WORDS]


def shared_paragraph_counts(
    article_shingles: Sequence[Sequence[NDArray[np.uint64]]], groups: Sequence[int]
) -> dict[tuple[int, int], int]:
    """For article pairs (i < j) in different ``groups`` (outlets): how many paragraphs they
    share (the smaller of the two sides' counts). ``article_shingles[i]`` holds article i's
    ``paragraph_shingles``. Pairs sharing nothing are left out."""
    owners: list[int] = []
    shingles: list[NDArray[np.uint64]] = []
    for index, paragraphs in enumerate(article_shingles):
        for hashes in paragraphs:
            owners.append(index)
            shingles.append(hashes)
    if not shingles:
        return {}
    # Inverted index by sorting: runs of equal hashes are the paragraphs sharing a shingle.
    hashes = np.concatenate(shingles)
    numbers = np.repeat(np.arange(len(shingles)), [len(h) for h in shingles])
    order = np.argsort(hashes, kind="stable")
    hashes, numbers = hashes[order], numbers[order]
    starts = np.flatnonzero(np.r_[True, hashes[1:] != hashes[:-1]])
    sizes = np.diff(np.r_[starts, len(hashes)])
    owner_group = np.asarray([groups[o] for o in owners])
    overlap: Counter[tuple[int, int]] = Counter()
    for start, size in zip(starts[(sizes > 1) & (sizes <= MAX_SHINGLE_PARAGRAPHS)].tolist(),
                           sizes[(sizes > 1) & (sizes <= MAX_SHINGLE_PARAGRAPHS)].tolist(), strict=True):
        run = numbers[start : start + size]
        if (owner_group[run] == owner_group[run[0]]).all():
            continue  # one outlet's own boilerplate or re-post
        members = run.tolist()
        overlap.update(
            (p, q) for k, p in enumerate(members) for q in members[k + 1 :] if owner_group[p] != owner_group[q]
        )
    # Each article's paragraphs that match the other article (counted once each side).
    matched: dict[tuple[int, int], tuple[set[int], set[int]]] = defaultdict(lambda: (set(), set()))
    for (p, q), common in overlap.items():
        if common / min(len(shingles[p]), len(shingles[q])) >= SHARED_CONTAINMENT:
            a, b = owners[p], owners[q]
            if a > b:
                a, b, p, q = b, a, q, p
            mine, theirs = matched[(a, b)]
            mine.add(p)
            theirs.add(q)
    return {pair: min(len(mine), len(theirs)) for pair, (mine, theirs) in matched.items()}
