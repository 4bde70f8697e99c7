"""Each outlet's distinctive words in a story: the weighted log-odds ratio with an
informative Dirichlet prior (Monroe, Colaresi and Quinn 2008, "Fightin' Words", section 3.5).

For outlet i against the story's other outlets j, word w (a stem), counts y and totals n:

    delta_w = log((y_iw + a_w) / (n_i + a_0 - y_iw - a_w)) - log((y_jw + a_w) / (n_j + a_0 - y_jw - a_w))
    var_w  ~= 1 / (y_iw + a_w) + 1 / (y_jw + a_w),        z_w = delta_w / sqrt(var_w)

with the prior a_w = a_0 * (share of w in all of the day's articles): a word every paper
uses that day needs many more uses to stand out than a rare one, and a word used once is
never distinctive alone. Words with z >= ``MIN_Z`` are kept, at most ``MAX_WORDS`` per outlet,
shown as the stem's most frequent surface form in that outlet's articles.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain, compress, count, repeat
from operator import contains

import numpy as np

from briefing.arabic.normalize import normalize_for_matching
from briefing.arabic.tokenize import content_terms_of_texts, get_stemmer
from briefing.types import Article, DistinctiveWord, Story

__all__ = ["MAX_WORDS", "MIN_Z", "PRIOR_WORDS", "DayWords", "article_terms", "distinctive_words"]

MIN_Z = 1.96
MAX_WORDS = 5
# Longer "words" are glued runs (a missing space, a URL), not vocabulary.
MAX_WORD_LETTERS = 25
# a_0, the prior's weight in words. On the seeds (their two articles are the whole day),
# 50-100 let one word of each outlet through (Orient News "الوطني", Sputnik "تنظيم"), 200 or
# more only Sputnik's, 20 or less none: z >= 1.96 needs a word used several times by one
# outlet and rarely by the other, against the day's use of it.
PRIOR_WORDS = 100.0
# Words of each article's body counted, at most: the grouping's (``cluster.events``), whose
# stems each story's articles carry (``StoryArticle.terms``), so nothing is stemmed twice.
TEXT_WORDS = 2000
_WORD = re.compile(r"\w+")
_MARKS = re.compile("[\u064b-\u0652\u0670\u0640\u200c-\u200f\u061c\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True, slots=True)
class DayWords:
    """How often each stem is used in all of the day's articles: the prior."""

    counts: Counter[str]
    total: int

    @classmethod
    def of(cls, articles: Sequence[Article]) -> DayWords:
        """The prior of ``articles``, stemmed here."""
        return cls.of_terms(_terms_of(articles))

    @classmethod
    def of_stories(cls, stories: Sequence[Story]) -> DayWords:
        """The prior of all of ``stories``' articles, from the terms the grouping read."""
        return cls.of_terms(terms for story in stories for terms in article_terms(story).values())

    @classmethod
    def of_terms(cls, term_lists: Iterable[Sequence[str]]) -> DayWords:
        """The prior of the articles whose terms are ``term_lists`` (one list an article)."""
        counts = _summed(term_lists)
        return cls(counts, sum(counts.values()))


def article_terms(story: Story) -> dict[str, Sequence[str]]:
    """Each article's terms (by id), copies included: as the grouping read them where it
    did (``StoryArticle.terms``), stemmed here for the others (copies, stories made by hand)."""
    found: dict[str, Sequence[str]] = {m.article.id: m.terms for m in story.members if m.terms}
    missing = {a.id: a for a in story.articles if a.id not in found}
    found.update(zip(missing, _terms_of(list(missing.values())), strict=True))
    return found


def _summed(term_lists: Iterable[Sequence[str]]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for terms in term_lists:
        counts.update(terms)
    return counts


def _terms_of(articles: Sequence[Article]) -> list[list[str]]:
    """Terms of each article as the grouping reads them: its headline's, then its body's first ``TEXT_WORDS`` words'."""
    stem = get_stemmer("snowball")
    titles = content_terms_of_texts([a.title for a in articles], stem)
    bodies = content_terms_of_texts([" ".join(a.body.split()[:TEXT_WORDS]) for a in articles], stem)
    return [[*t, *b] for t, b in zip(titles, bodies, strict=True)]


def distinctive_words(
    story: Story, day: DayWords, terms: Mapping[str, Sequence[str]] | None = None
) -> tuple[DistinctiveWord, ...]:
    """Each outlet's most distinctive words against the story's other outlets (by
    ``Story.outlets`` order); nothing for a story of one outlet. ``terms``: the story's
    ``article_terms``, when the caller has them (else found here)."""
    stem = get_stemmer("snowball")
    by_outlet: dict[str, list[Article]] = {}
    for article in story.articles:
        by_outlet.setdefault(article.label, []).append(article)
    if len(by_outlet) < 2:
        return ()
    terms = article_terms(story) if terms is None else terms
    outlets = list(by_outlet)
    # The story's words counted by outlet in one array (outlets x the story's words): each
    # word looked up in C (map, bincount), not in a Counter per outlet and their sum.
    rows, term_lists = zip(*((row, terms[a.id]) for row, outlet in enumerate(outlets) for a in by_outlet[outlet]))
    flat = list(chain.from_iterable(term_lists))
    vocabulary = list(dict.fromkeys(flat))
    index = dict(zip(vocabulary, count()))
    ids = np.fromiter(map(index.__getitem__, flat), dtype=np.int64, count=len(flat))
    owner = np.repeat(rows, [len(t) for t in term_lists])  # each word's outlet (its row)
    size = len(vocabulary)
    counts = np.bincount(owner * size + ids, minlength=len(outlets) * size).reshape(len(outlets), size).astype(np.float64)
    total = counts.sum(axis=0)
    n_total = float(total.sum())
    in_story_day = np.fromiter(map(day.counts.get, vocabulary, repeat(0)), dtype=np.float64, count=size)
    found = []
    for row, outlet in enumerate(outlets):
        used = np.flatnonzero(counts[row])
        y_i = counts[row, used]
        y_j = total[used] - y_i
        in_day = in_story_day[used]
        n_i = float(y_i.sum())
        n_j = n_total - n_i
        prior = PRIOR_WORDS * np.maximum(in_day, y_i) / max(day.total, n_i)
        # A side made of this one word (or nearly) leaves nothing in the denominator:
        # at least half a word, so the odds stay finite.
        delta = np.log((y_i + prior) / np.maximum(n_i + PRIOR_WORDS - y_i - prior, 0.5)) - np.log(
            (y_j + prior) / np.maximum(n_j + PRIOR_WORDS - y_j - prior, 0.5)
        )
        z = delta / np.sqrt(1.0 / (y_i + prior) + 1.0 / (y_j + prior))
        hits = np.flatnonzero(z >= MIN_Z)
        candidates = zip(z[hits].tolist(), (vocabulary[k] for k in used[hits].tolist()), strict=True)
        scored = [(value, word) for value, word in candidates if _showable(word)]
        chosen = sorted(scored, key=lambda s: (-s[0], s[1]))[:MAX_WORDS]
        if chosen:
            forms = _surfaces(by_outlet[outlet], {word for _, word in chosen}, stem)
            found += [DistinctiveWord(outlet, forms[word], round(z, 2)) for z, word in chosen]
    return tuple(found)


def _showable(stem: str) -> bool:
    """A word, not a number glued to letters ("3أيام", "عام2015") nor a run of letters no
    word is that long."""
    return not any(c.isdigit() for c in stem) and len(stem) <= MAX_WORD_LETTERS


def _surfaces(articles: Sequence[Article], stems: set[str], stem: Callable[[str], str]) -> dict[str, str]:
    """The most frequent way ``articles`` write each of ``stems`` (ties: the first in
    alphabetical order). Only the words that could carry a stem are stemmed again."""
    words = Counter(chain.from_iterable(_WORD.findall(_MARKS.sub("", _text(a))) for a in articles))
    unique = list(words)
    folded = normalize_for_matching(" ".join(unique), keep_ta_marbuta=True).replace("ة", "ه").split(" ")
    if len(folded) != len(unique):
        folded = [normalize_for_matching(w, keep_ta_marbuta=True).replace("ة", "ه") for w in unique]
    # The words holding one of the stems, in order: a pass over the words per stem, in C.
    holding: set[int] = set()
    for wanted in stems:
        holding.update(compress(count(), map(contains, folded, repeat(wanted))))
    candidates = [unique[k] for k in sorted(holding)]
    best: dict[str, tuple[int, str]] = {}
    for word, terms in zip(candidates, content_terms_of_texts(candidates, stem), strict=True):
        if terms and terms[0] in stems:
            key = (words[word], word)
            if terms[0] not in best or (key[0] > best[terms[0]][0] or (key[0] == best[terms[0]][0] and word < best[terms[0]][1])):
                best[terms[0]] = key
    return {s: best[s][1] if s in best else s for s in stems}


def _text(article: Article) -> str:
    return " ".join(f"{article.title} {article.body}".split()[:TEXT_WORDS])
