"""From a day's articles to its stories: copies collapsed, reprints found, events grouped.

``find_stories`` is the stage's one entry point; it is pure (articles in, stories out)
and deterministic (no salted hashes, ties broken by input order).

1. Exact copies (same normalised text, so the same id) and near-duplicates (MinHash over
   word shingles, ``copies``) are collapsed into one article that keeps all its sources.
2. Paragraphs shared between outlets are counted (``reprints``): "shares N paragraphs
   with OUTLET".
3. The remaining articles are grouped into stories (``stories``) and ranked: most
   distinct outlets first, then most articles, then earliest in the input.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from itertools import chain

import numpy as np
from numpy.typing import NDArray

from briefing.arabic.tokenize import word_tokens
from briefing.cluster.copies import near_duplicate_pairs
from briefing.cluster.reprints import paragraph_shingles, paragraphs_of, shared_paragraph_counts
from briefing.cluster.shingles import shingle_hashes
from briefing.cluster.stories import group_by_similarity, story_vectors, within_window
from briefing.types import Article, Story, StoryArticle

__all__ = ["find_stories", "rank_stories"]

# Shingle width for near-duplicates: 4 words is long enough that two different articles
# on one subject share few shingles, short enough that an edited word spoils only four.
COPY_SHINGLE_WORDS = 4
# Articles sharing this many paragraphs are one story: a reprint, as in the seeds (2).
MIN_PARAGRAPHS_TO_LINK = 2


def find_stories(articles: Sequence[Article]) -> list[Story]:
    """The stories of ``articles``, best first; every article is in exactly one story."""
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
    for article in unique:
        paragraph_words = [word_tokens(p) for p in paragraphs_of(article.body)]
        words = list(chain.from_iterable(paragraph_words))
        word_counts.append(len(words))
        shingles.append(shingle_hashes(words, COPY_SHINGLE_WORDS))
        paragraph_hashes.append(paragraph_shingles(paragraph_words))
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
    bodies = [unique[i].body for i in standing]
    outlet_ids = {key: n for n, key in enumerate(dict.fromkeys(unique[i].outlet_key for i in standing))}
    groups = [outlet_ids[unique[i].outlet_key] for i in standing]
    shared = shared_paragraph_counts([paragraph_hashes[i] for i in standing], groups)
    shares: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for (p, q), count in sorted(shared.items()):
        shares[p].append((unique[standing[q]].label, count))
        shares[q].append((unique[standing[p]].label, count))

    # 3. Stories. Articles sharing several paragraphs are one story whatever their wording
    # (one shared paragraph may be an agency's standard background, told in many stories).
    vectors = story_vectors([unique[i].title for i in standing], bodies)
    dates = [unique[i].published for i in standing]
    reprinted = sorted(
        (p, q)
        for (p, q), count in shared.items()
        if count >= MIN_PARAGRAPHS_TO_LINK and within_window([dates[p], dates[q]])
    )
    groupings = group_by_similarity(vectors, dates, must_link=reprinted)
    stories = []
    for group in groupings:
        # Most central first: the article most like the rest of its story stands for it.
        if len(group) > 1:
            block = vectors[group] @ vectors[group].T
            centrality = block.sum(axis=1).A.ravel().tolist()
            order = sorted(range(len(group)), key=lambda k: (-centrality[k], group[k]))
            group = [group[k] for k in order]
        members = tuple(
            StoryArticle(
                article=unique[standing[k]],
                copies=tuple(copies_of[standing[k]]),
                shares=_merged(shares.get(k, [])),
            )
            for k in group
        )
        stories.append(Story(members))
    return rank_stories(stories)


def rank_stories(stories: list[Story]) -> list[Story]:
    """Most distinct outlets first, then most articles; ties keep their order."""
    return sorted(stories, key=lambda s: (-s.outlet_count, -s.article_count))


def _merged(shares: list[tuple[str, int]]) -> tuple[tuple[str, int], ...]:
    """One entry per outlet: the most paragraphs shared with any one of its articles."""
    best: dict[str, int] = {}
    for outlet, count in shares:
        best[outlet] = max(best.get(outlet, 0), count)
    return tuple(best.items())
