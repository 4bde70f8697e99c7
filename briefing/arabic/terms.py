"""Finding a reader's Arabic terms in text: ``اليمن`` in ``واليمن``, ``باليمن``, ``لليمن`` and
``اليمني``; ``الحوثي`` in ``الحوثيين``; a phrase across its words.

Both the terms and the text are folded by ``normalize_for_matching`` (hamza forms,
alef maqsura, ta marbuta, diacritics), then a term matches a whole word written with
the proclitics Arabic glues to it (و ف, then ب ك ل, then the article ال, which ل+ال
writes ``لل``) and, on its last word, the endings of its relatives and plurals
(nisba ي/ية, ين ون ات). A term written with the article is found only with it (``اليمن``
never finds ``فيمن``, "among those who"); one written without it is found with or without
(``حوثي`` finds ``الحوثيين``). Endings are a closed list, not a prefix match: ``عدن`` must
not find ``عدنان``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from functools import cache

from briefing.arabic.normalize import normalize_for_matching

__all__ = ["MAX_TERMS", "MAX_TERM_CHARS", "PREFIX_LETTERS", "TermMatcher"]

# A topic list is a handful of names; these bound what a configuration can make us compile.
MAX_TERMS = 1000
MAX_TERM_CHARS = 100

_ARTICLE = "ال"
# Endings of the last word (after the ta marbuta fold: ية is يه): relative adjective,
# its feminine, sound plurals. Not the dual ان: ``عدن`` would find ``عدنان``.
_ENDINGS = ("ي", "يه", "يين", "يون", "ين", "ون", "ات", "ه")
# What may be glued before a term: و ف, then ب ك with the article, or ل+ال written لل, or ب ك ل.
_WITH_ARTICLE = f"[وف]?(?:[بك]?{_ARTICLE}|لل)"
_ANY_PREFIX = f"[وف]?(?:[بك]?{_ARTICLE}|لل|[بكل])?"
PREFIX_LETTERS = 4
"""The most letters a match may hold before its term's own (``وبال``): a match of a term
starts at most this many letters, plus the term's length, before any part of the term."""
_WORD = re.compile(r"\w+")
# How many words a matcher remembers (whether each may start a term) before it forgets them
# all: a day's headlines and leads (2015-07-21) hold about 60,000 different words.
_KNOWN_WORDS = 200_000


@cache
def _prefixes() -> frozenset[str]:
    """Every string ``_ANY_PREFIX`` (which ``_WITH_ARTICLE``'s strings are among) matches whole:
    24 of them, found by trying every string of its letters up to ``PREFIX_LETTERS`` long."""
    letters = sorted(set(re.sub(r"[^\w]", "", _ANY_PREFIX)))
    pattern = re.compile(_ANY_PREFIX)
    return frozenset(
        "".join(letters_)
        for size in range(PREFIX_LETTERS + 1)
        for letters_ in itertools.product(letters, repeat=size)
        if pattern.fullmatch("".join(letters_))
    )


class TermMatcher:
    """Which of ``terms`` occur in a text, and how often (all of them in one regex pass)."""

    def __init__(self, terms: Iterable[str], *, endings: bool = True) -> None:
        self.terms: dict[str, str] = {}
        """Each term's folded form -> the term as given."""
        for term in terms:
            folded = normalize_for_matching(term)
            if folded:
                self.terms.setdefault(folded, term)
        alternatives = sorted(self.terms, key=len, reverse=True)  # the longest phrase wins
        self._by_group: list[str] = []
        parts = []
        # What the word a match starts in is, once its proclitics are taken off: the first run
        # of word letters of a term's first word, alone or (one word with endings) with one.
        # Only words that are one of these are tried, with only the terms they may start
        # (see ``spans``).
        self._terms_of_word: dict[str, list[int]] = {}
        self._any_word = False
        for index, folded in enumerate(alternatives):
            words = folded.split()
            first = words[0]
            if first.startswith(_ARTICLE) and len(first) > len(_ARTICLE) + 1:
                # Written with the article: found only with it ("اليمن", "واليمن", "لليمن"),
                # never as bare letters ("فيمن", "among those who").
                prefix, first = _WITH_ARTICLE, first.removeprefix(_ARTICLE)
            else:
                prefix = _ANY_PREFIX  # "حوثي" finds "الحوثيين" and "حوثيون"
            body = r"\s+".join(re.escape(w) for w in [first, *words[1:]])
            parts.append(f"{prefix}({body})")
            self._by_group.append(self.terms[folded])
            run = _WORD.match(first)
            if run is None:  # a term that starts with no word letter: every word may start it
                self._any_word = True
                continue
            starts = [run.group()]
            if endings and len(words) == 1 and run.group() == first:
                starts += [run.group() + ending for ending in _ENDINGS]
            for word in starts:
                self._terms_of_word.setdefault(word, []).append(index)
        # A name (an actor's alias) takes no endings: "أسد" must not find "الأسدي", a surname.
        suffix = f"(?:{'|'.join(sorted(_ENDINGS, key=len, reverse=True))})?" if endings else ""
        self._pattern = (
            re.compile(rf"(?<!\w)(?:{'|'.join(parts)}){suffix}(?!\w)") if parts else None
        )
        self._parts, self._suffix = parts, suffix
        self._known_words: dict[str, tuple[re.Pattern[str], list[str]] | None] = {}
        """Words seen, each with the regex of the terms it may start (None: it starts none):
        a day's texts repeat most of their words."""
        self._patterns_of_terms: dict[tuple[int, ...], tuple[re.Pattern[str], list[str]]] = {}

    def __bool__(self) -> bool:
        return self._pattern is not None

    def occurrences(self, text: str, *, normalized: bool = False) -> list[str]:
        """Each match in ``text`` (already folded, with ``normalized``), as the term given (in text order)."""
        return [term for _, _, term in self.spans(text if normalized else normalize_for_matching(text))]

    def spans(self, folded: str) -> list[tuple[int, int, str]]:
        """(start, end, term given) of each match in ``folded`` (text already folded), in order."""
        if self._pattern is None:
            return []
        if self._any_word:
            return [self._span(match) for match in self._pattern.finditer(folded)]
        # The same matches as ``finditer`` over the whole text, tried only where one can start,
        # with only the terms that can start there: a match starts a word (its first letter
        # follows no word letter), and that word, once a proclitic is taken off, is a term's
        # first word (or its one word with an ending). The one regex of every term tried at
        # every word cost 18 s on a day's headlines and leads (2015-07-21, 300 places); most
        # words start no term, and those that do start one or two.
        found: list[tuple[int, int, str]] = []
        end = 0
        known = self._known_words
        for word in _WORD.finditer(folded):
            start = word.start()
            if start < end:  # inside the last match (a phrase)
                continue
            text = word.group()
            if text in known:
                those = known[text]
            else:
                if len(known) >= _KNOWN_WORDS:
                    known.clear()
                    self._patterns_of_terms.clear()
                those = known[text] = self._terms_starting(text)
            if those is None:
                continue
            pattern, terms = those
            match = pattern.match(folded, start)
            if match is not None:
                found.append((match.start(), match.end(), terms[_group_of(match)]))
                end = match.end()
        return found

    def _terms_starting(self, word: str) -> tuple[re.Pattern[str], list[str]] | None:
        """The regex of the terms a match starting with ``word`` may be of (in the order of the
        whole regex, so that the same one wins), with the term of each group; None if none."""
        prefixes = _prefixes()
        indices: set[int] = set()
        for size in range(min(PREFIX_LETTERS, len(word) - 1) + 1):
            if word[:size] in prefixes:
                indices.update(self._terms_of_word.get(word[size:], ()))
        if not indices:
            return None
        key = tuple(sorted(indices))
        if key not in self._patterns_of_terms:
            alternatives = "|".join(self._parts[i] for i in key)
            self._patterns_of_terms[key] = (
                re.compile(rf"(?<!\w)(?:{alternatives}){self._suffix}(?!\w)"),
                [self._by_group[i] for i in key],
            )
        return self._patterns_of_terms[key]

    def first_span(self, folded: str, start: int = 0) -> tuple[int, int, str] | None:
        """The first match in ``folded`` from ``start`` on, as ``spans`` finds it after a match
        that ends there (the character before ``start`` still bounds a word); None if none."""
        match = self._pattern.search(folded, start) if self._pattern is not None else None
        return None if match is None else self._span(match)

    def _span(self, match: re.Match[str]) -> tuple[int, int, str]:
        return match.start(), match.end(), self._by_group[_group_of(match)]

    def found(self, text: str, *, normalized: bool = False) -> set[str]:
        return set(self.occurrences(text, normalized=normalized))


def _group_of(match: re.Match[str]) -> int:
    """Which term's group (from 0) ``match`` is of: each term's pattern holds one group."""
    return next(i for i, value in enumerate(match.groups()) if value is not None)
