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

__all__ = ["COPY_JACCARD", "near_duplicate_pairs"]

# Shingle sets at least this similar are one article. 0.8 keeps the re-posts seen in
# SaudiNewsNet (same text, new byline or headline: Jaccard 0.85-1.0) and leaves apart
# follow-ups of a story, which share their background paragraphs (0.2-0.6).
COPY_JACCARD = 0.8
# 32 bands of 4 rows: a pair at Jaccard 0.8 becomes a candidate with probability
# 1 - (1 - 0.8**4)**32 > 0.9999; at 0.3, a pair is a (checked, then dropped) candidate
# 23 % of the time, few enough to verify exactly.
BANDS, ROWS = 32, 4
_PRIME = (1 << 61) - 1
_SEED = 20151


def near_duplicate_pairs(
    shingle_sets: Sequence[NDArray[np.uint64]], threshold: float = COPY_JACCARD
) -> list[tuple[int, int, float]]:
    """``(i, j, jaccard)`` for every pair (i < j) whose shingle sets (sorted distinct
    hashes) have Jaccard >= ``threshold``."""
    signatures = _minhash(shingle_sets)
    buckets: dict[tuple[int, bytes], list[int]] = defaultdict(list)
    for index, signature in enumerate(signatures):
        if not len(shingle_sets[index]):
            continue
        for band in range(BANDS):
            buckets[(band, signature[band * ROWS : (band + 1) * ROWS].tobytes())].append(index)
    candidates: set[tuple[int, int]] = set()
    for members in buckets.values():
        if len(members) > 1:
            candidates.update((a, b) for k, a in enumerate(members) for b in members[k + 1 :])
    pairs = []
    for a, b in sorted(candidates):
        first, second = shingle_sets[a], shingle_sets[b]
        common = len(np.intersect1d(first, second, assume_unique=True))
        jaccard = common / (len(first) + len(second) - common)
        if jaccard >= threshold:
            pairs.append((a, b, jaccard))
    return pairs


def _minhash(shingle_sets: Sequence[NDArray[np.uint64]]) -> NDArray[np.uint64]:
    """One row of ``BANDS * ROWS`` minimum hash values per set (universal hashing mod a prime)."""
    rng = np.random.default_rng(_SEED)
    count = BANDS * ROWS
    a = rng.integers(1, 1 << 31, size=count, dtype=np.uint64)
    b = rng.integers(0, 1 << 31, size=count, dtype=np.uint64)
    signatures = np.zeros((len(shingle_sets), count), dtype=np.uint64)
    for index, shingles in enumerate(shingle_sets):
        if len(shingles):
            values = shingles >> np.uint64(32)  # the well-mixed high half of each 64-bit hash
            # (a * x + b) mod 2^61 - 1 with x < 2^32 and a < 2^31: the product fits in 64 bits.
            signatures[index] = ((values[:, None] * a + b) % _PRIME).min(axis=0)
    return signatures
