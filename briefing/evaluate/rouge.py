"""ROUGE-1, ROUGE-2 and ROUGE-L F1 over token lists (no stemming), as the protocol asks."""

from __future__ import annotations

from collections import Counter

__all__ = ["rouge_l_f1", "rouge_n_f1"]


def _f1(overlap: int, candidate: int, reference: int) -> float:
    if overlap == 0 or candidate == 0 or reference == 0:
        return 0.0
    precision, recall = overlap / candidate, overlap / reference
    return 2 * precision * recall / (precision + recall)


def _ngrams(tokens: list[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def rouge_n_f1(candidate: list[str], reference: list[str], n: int) -> float:
    ours, theirs = _ngrams(candidate, n), _ngrams(reference, n)
    return _f1(sum((ours & theirs).values()), sum(ours.values()), sum(theirs.values()))


def rouge_l_f1(candidate: list[str], reference: list[str]) -> float:
    """F1 of the longest common subsequence of the two token sequences."""
    previous = [0] * (len(reference) + 1)
    for token in candidate:
        current = [0]
        for j, other in enumerate(reference):
            current.append(previous[j] + 1 if token == other else max(previous[j + 1], current[j]))
        previous = current
    return _f1(previous[-1], len(candidate), len(reference))
