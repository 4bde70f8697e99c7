"""What a reprint changed: the paragraphs one outlet took from another, word by word.

The seeds show why this matters: Orient News reprints two of Sputnik Arabic's paragraphs
and changes "the sources added" to "the agency added", the SDF "organisation" (تنظيم) to a
"militia" (ميليشيا). The words are aligned on their normalised forms (hamza, diacritics,
punctuation folded: ``"قسد"`` meets ``قسد``) and reported as the outlets wrote them.

Which article is the copy: the later by date; with no dates or the same date, the one
that holds the other's shared text with words of its own (an outlet that reprints adds
its framing, "the message came in a report by Sputnik ...", "in the agency's words";
its paragraphs contain the original's, not the reverse); with neither, the one read later.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from itertools import combinations

import numpy as np

from briefing.arabic.normalize import folds_word_for_word, normalize_for_matching
from briefing.arabic.tokenize import word_tokens
from briefing.cluster.reprints import MIN_PARAGRAPH_WORDS, SHARED_CONTAINMENT, SHINGLE_WORDS, paragraphs_of
from briefing.cluster.shingles import shingle_hashes
from briefing.types import Article, ReprintDiff, Story, StoryArticle, WordChange

__all__ = ["MAX_DIFF_WORDS", "MAX_PARAGRAPHS", "MAX_REPRINT_PAIRS", "reprint_diffs", "word_changes"]

# Bounds on the work for one story: difflib's alignment is quadratic in the worst case, so
# a paragraph is aligned on its first MAX_DIFF_WORDS words (a news paragraph has 20-80; a
# body without paragraph breaks is one "paragraph", and its start is what a reprint edits),
# and a story's diffs stop after MAX_REPRINT_PAIRS pairs of articles (2015-07-21's most
# shared story has 17 pairs).
MAX_DIFF_WORDS = 150
MAX_REPRINT_PAIRS = 40
# Paragraphs of an article compared, at most (its first): a news article has 5-30; a body
# of thousands of one-line "paragraphs" is not compared past these.
MAX_PARAGRAPHS = 200
# Containment sides closer than this are a tie (the rule falls to read order).
CONTAINMENT_TIE = 0.02
# Punctuation trimmed from the ends of a changed phrase: it belongs to the sentence, not to
# the words ("المصادر،" is the word "المصادر"). Quotation marks inside a phrase stay.
_WORD = re.compile(r"\w+")
_EDGE_PUNCTUATION = re.compile(r"^[\s.,;:!?،؛؟…\-–—]+|[\s.,;:!?،؛؟…\-–—]+$")


def reprint_diffs(story: Story) -> tuple[ReprintDiff, ...]:
    """For every pair of the story's articles of different outlets that share paragraphs:
    the original, the copy, how many paragraphs, and the copy's changes to them."""
    articles = [m.article for m in story.members if m.shares]
    diffs: list[ReprintDiff] = []
    shingled = {id(m.article): _shingled(m) for m in story.members if m.shares}
    # Only pairs the reprint finder linked (the first names the second's outlet among those
    # it shares paragraphs with): not every pair of a story's members.
    shares_with = {id(m.article): {outlet for outlet, _ in m.shares} for m in story.members}
    for first, second in combinations(articles, 2):
        if first.outlet_key == second.outlet_key or second.label not in shares_with[id(first)]:
            continue
        matched = _shared_paragraphs(shingled[id(first)], shingled[id(second)])
        if not matched:
            continue
        original, copy, rule = _which_is_copy(first, second, matched)
        if original is second:
            matched = [(b, a, cb, ca) for a, b, ca, cb in matched]
        changes: list[WordChange] = []
        for source, reprint, _, _ in matched:
            for change in word_changes(source, reprint):
                if change not in changes:
                    changes.append(change)
        diffs.append(ReprintDiff(original, copy, len(matched), rule, tuple(changes)))
        if len(diffs) >= MAX_REPRINT_PAIRS:
            break
    return tuple(diffs)


def _shingled(member: StoryArticle) -> list[tuple[str, set[int]]]:
    """The body's paragraphs long enough to count (of its first ``MAX_PARAGRAPHS``), each
    with its set of shingles: as the grouping hashed them (``StoryArticle.paragraph_shingles``;
    hashing them again took the reprints of 2015-07-21 from 0.21 s to 0.37 s), else hashed
    here (a story made by hand)."""
    paragraphs = paragraphs_of(member.article.body)
    if member.paragraph_shingles:
        return [
            (paragraphs[n], set(np.frombuffer(hashes, dtype=np.uint64).tolist()))
            for n, hashes in member.paragraph_shingles
            if n < MAX_PARAGRAPHS
        ]
    found = []
    for paragraph in paragraphs[:MAX_PARAGRAPHS]:
        words = word_tokens(paragraph)
        if len(words) >= MIN_PARAGRAPH_WORDS:
            found.append((paragraph, set(shingle_hashes(words, SHINGLE_WORDS).tolist())))
    return found


def _shared_paragraphs(
    mine: list[tuple[str, set[int]]], theirs: list[tuple[str, set[int]]]
) -> list[tuple[str, str, float, float]]:
    """Pairs of paragraphs (of ``mine``, of ``theirs``: ``_shingled``) one took from the
    other, with how much of each one's shingles the other holds; each paragraph in one pair
    at most."""
    # Which of their paragraphs hold each shingle the two articles share: only paragraphs
    # sharing one are compared. Most shingles are not shared: set aside in C first.
    shared = set[int]().union(*(a for _, a in mine)) & set[int]().union(*(b for _, b in theirs))
    holders: dict[int, list[int]] = {}
    for j, (_, b) in enumerate(theirs):
        for shingle in b & shared:
            holders.setdefault(shingle, []).append(j)
    candidates = []
    for i, (_, a) in enumerate(mine):
        common_with: dict[int, int] = {}
        for shingle in a & shared:
            for j in holders[shingle]:
                common_with[j] = common_with.get(j, 0) + 1
        for j, common in sorted(common_with.items()):
            b = theirs[j][1]
            if common / min(len(a), len(b)) >= SHARED_CONTAINMENT:
                candidates.append((common / min(len(a), len(b)), i, j, common / len(a), common / len(b)))
    used_i: set[int] = set()
    used_j: set[int] = set()
    pairs = []
    for _, i, j, in_first, in_second in sorted(candidates, key=lambda c: (-c[0], c[1], c[2])):
        if i not in used_i and j not in used_j:
            used_i.add(i)
            used_j.add(j)
            pairs.append((i, j, in_first, in_second))
    return [(mine[i][0], theirs[j][0], a, b) for i, j, a, b in sorted(pairs)]


def _which_is_copy(
    first: Article, second: Article, matched: Sequence[tuple[str, str, float, float]]
) -> tuple[Article, Article, str]:
    if first.published and second.published and first.published != second.published:
        return (first, second, "date") if first.published < second.published else (second, first, "date")
    # The side whose shingles the other holds more of is the one taken (the original).
    first_found = sum(a for _, _, a, _ in matched) / len(matched)
    second_found = sum(b for _, _, _, b in matched) / len(matched)
    if abs(first_found - second_found) > CONTAINMENT_TIE:
        return (first, second, "containment") if first_found > second_found else (second, first, "containment")
    return first, second, "order"


def word_changes(original: str, copy: str) -> list[WordChange]:
    """The copy's changes to the original's words, as written: replaced, inserted, deleted.

    Words are aligned on their normalised form; a word that differs only in punctuation
    (``"قسد"`` for ``قسد``) is no change alone, but is part of a replacement next to it
    (``تنظيم "قسد"`` became ``ميليشيا قسد``). Changes of punctuation only are left out.
    """
    before, after = original.split()[:MAX_DIFF_WORDS], copy.split()[:MAX_DIFF_WORDS]
    before_keys, after_keys = _keys(before), _keys(after)
    opcodes = difflib.SequenceMatcher(None, before_keys, after_keys, autojunk=False).get_opcodes()
    changes = []
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            continue
        if tag == "replace":
            # Take in the neighbouring words written differently (punctuation, quotes).
            if index > 0 and opcodes[index - 1][0] == "equal":
                while i1 > opcodes[index - 1][1] and before[i1 - 1] != after[j1 - 1]:
                    i1, j1 = i1 - 1, j1 - 1
            if index + 1 < len(opcodes) and opcodes[index + 1][0] == "equal":
                while i2 < opcodes[index + 1][2] and before[i2] != after[j2]:
                    i2, j2 = i2 + 1, j2 + 1
        # Punctuation only: the same words once folded (the phrases' keys, ``_key``).
        if _joined(before_keys[i1:i2]) == _joined(after_keys[j1:j2]):
            continue
        old, new = _phrase(before[i1:i2]), _phrase(after[j1:j2])
        changes.append(WordChange(old, new))
    return changes


def _key(word: str) -> str:
    return " ".join(word_tokens(word))


def _joined(keys: list[str]) -> str:
    """``_key`` of the words whose keys are ``keys`` (a word of punctuation has none)."""
    return " ".join(key for key in keys if key)


def _keys(words: list[str]) -> list[str]:
    """``_key`` of each word, the text folded once (word by word only if folding split a word)."""
    text = " ".join(words)
    folded = normalize_for_matching(text).split(" ")
    if not folds_word_for_word(text, words, folded):
        return [_key(w) for w in words]
    return [" ".join(_WORD.findall(w)) for w in folded]


def _phrase(words: Sequence[str]) -> str:
    return _EDGE_PUNCTUATION.sub("", " ".join(words))
