"""Near-duplicates: the same article published twice with small edits (a changed
byline, a different headline, a sentence added at the end).

MinHash over 4-word shingles estimates the Jaccard similarity of two articles' shingle
sets; locality-sensitive hashing (bands of rows) finds candidate pairs without comparing
all pairs; each candidate is then checked with the exact Jaccard of its shingle sets, so
the estimate only decides what gets checked, never what counts as a copy.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

__all__ = ["COPY_JACCARD", "MAX_COMPARED", "near_duplicate_pairs"]

# Shingle sets at least this similar are one article. 0.8 keeps the re-posts seen in
# SaudiNewsNet (same text, new byline or headline: Jaccard 0.85-1.0) and leaves apart
# follow-ups of a story, which share their background paragraphs (0.2-0.6).
COPY_JACCARD = 0.8
# 32 bands of 4 rows: a pair at Jaccard 0.8 becomes a candidate with probability
# 1 - (1 - 0.8**4)**32 > 0.9999; at 0.3, a pair is a (checked, then dropped) candidate
# 23 % of the time, few enough to verify exactly.
BANDS, ROWS = 32, 4
# Members of a bucket an item is compared with: the first ones met there. Re-posts of
# one text are all alike, so the first comparison settles them; different texts share a
# bucket only a few at a time on a real day (at most 12 items in one bucket over the 18
# days of SaudiNewsNet), and with 16 every pair of a bucket that small is compared, as
# when all pairs were: the same groups on all 18 days. A crafted bucket of many distinct
# texts then costs 16 comparisons an item, not one per pair.
MAX_COMPARED = 16
# Shingles hashed at a time: bounds the temporary to 8192 x 128 x 8 bytes (8 MB).
MINHASH_BLOCK = 8192
_PRIME = (1 << 61) - 1
_SEED = 20151


def near_duplicate_pairs(
    shingle_sets: Sequence[NDArray[np.uint64]], threshold: float = COPY_JACCARD
) -> list[tuple[int, int, float]]:
    """``(i, j, jaccard)`` (i < j) linking near-duplicates: shingle sets (sorted distinct
    hashes) with Jaccard >= ``threshold``. Enough pairs to connect every group of
    near-duplicates, not every pair of it.

    Within a bucket of candidates, an item is compared with the first ``MAX_COMPARED``
    members met there, not with every member: a thousand re-posts of one text share
    every bucket, and comparing all their pairs would cost the square of their number.
    A pair already joined (through another bucket, or another member) is not compared.
    """
    signatures = _minhash(shingle_sets)
    buckets: dict[tuple[int, bytes], list[int]] = defaultdict(list)
    for index, signature in enumerate(signatures):
        if not len(shingle_sets[index]):
            continue
        for band in range(BANDS):
            buckets[(band, signature[band * ROWS : (band + 1) * ROWS].tobytes())].append(index)
    parent = list(range(len(shingle_sets)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    pairs: list[tuple[int, int, float]] = []
    for members in buckets.values():
        if len(members) < 2:
            continue
        standing: list[int] = []  # the first members met in this bucket
        for item in members:
            for other in standing:
                if root(other) == root(item):
                    continue  # already one group (through another bucket, or another member)
                jaccard = _jaccard(shingle_sets[other], shingle_sets[item])
                if jaccard >= threshold:
                    parent[root(item)] = root(other)
                    pairs.append((min(other, item), max(other, item), jaccard))
            if len(standing) < MAX_COMPARED:
                standing.append(item)
    return sorted(pairs)


def _jaccard(first: NDArray[np.uint64], second: NDArray[np.uint64]) -> float:
    common = len(np.intersect1d(first, second, assume_unique=True))
    return common / (len(first) + len(second) - common)


def _minhash(shingle_sets: Sequence[NDArray[np.uint64]]) -> NDArray[np.uint64]:
    """One row of ``BANDS * ROWS`` minimum hash values per set (universal hashing mod a prime)."""
    rng = np.random.default_rng(_SEED)
    count = BANDS * ROWS
    a = rng.integers(1, 1 << 31, size=count, dtype=np.uint64)[:, None]
    b = rng.integers(0, 1 << 31, size=count, dtype=np.uint64)[:, None]
    signatures = np.full((len(shingle_sets), count), np.iinfo(np.uint64).max, dtype=np.uint64)
    for index, shingles in enumerate(shingle_sets):
        # A block of shingles at a time: the (hashes x shingles) product of one huge text
        # at once would take 128 times its shingles in memory.
        for start in range(0, len(shingles), MINHASH_BLOCK):
            values = shingles[start : start + MINHASH_BLOCK] >> np.uint64(32)  # the well-mixed high half
            # (a * x + b) mod 2^61 - 1 with x < 2^32 and a < 2^31: the product fits in 64 bits.
            hashed = (a * values + b) % _PRIME
            np.minimum(signatures[index], hashed.min(axis=1), out=signatures[index])
    return signatures
