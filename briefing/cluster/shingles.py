"""Word shingles of normalised text, hashed to stable integers.

Python's ``hash`` of a string is salted per process, so it would make copies and
reprints depend on the run. Each word is hashed once with CRC-32 (stable, in C, and
cached: a day has ~100k distinct words), and a shingle's hash folds its words' hashes
FNV-style (xor, then multiply, wrapping at 64 bits), for all shingles of a text at once
with numpy. 64 bits make collisions negligible (a day has ~1.5 million shingles).
"""

from __future__ import annotations

import zlib

import numpy as np
from numpy.typing import NDArray

__all__ = ["shingle_hashes"]

_FNV_PRIME = np.uint64(0x100000001B3)
_FNV_OFFSET = np.uint64(0xCBF29CE484222325)


# word -> CRC-32, shared by every call: hits are one dict lookup in C. Cleared when it
# grows past a few days' vocabulary, so a long-running scheduler does not grow forever.
_WORD_HASHES: dict[str, int] = {}
_MAX_CACHED_WORDS = 1_000_000


def _word_hashes(words: list[str]) -> NDArray[np.uint64]:
    if len(_WORD_HASHES) > _MAX_CACHED_WORDS:
        _WORD_HASHES.clear()
    for word in set(words).difference(_WORD_HASHES):
        _WORD_HASHES[word] = zlib.crc32(word.encode())
    return np.fromiter(map(_WORD_HASHES.__getitem__, words), dtype=np.uint64, count=len(words))


def shingle_hashes(words: list[str], size: int) -> NDArray[np.uint64]:
    """Sorted distinct hashes of every run of ``size`` consecutive words (the whole text if shorter)."""
    if not words:
        return np.zeros(0, dtype=np.uint64)
    hashes = _word_hashes(words)
    width = min(size, len(words))
    count = len(words) - width + 1
    rolled = np.full(count, _FNV_OFFSET, dtype=np.uint64)
    for k in range(width):
        rolled = (rolled ^ hashes[k : k + count]) * _FNV_PRIME  # wraps modulo 2^64, as FNV does
    return np.unique(rolled)
