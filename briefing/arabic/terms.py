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

import re
from collections.abc import Iterable

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
        for folded in alternatives:
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
        # A name (an actor's alias) takes no endings: "أسد" must not find "الأسدي", a surname.
        suffix = f"(?:{'|'.join(sorted(_ENDINGS, key=len, reverse=True))})?" if endings else ""
        self._pattern = (
            re.compile(rf"(?<!\w)(?:{'|'.join(parts)}){suffix}(?!\w)") if parts else None
        )

    def __bool__(self) -> bool:
        return self._pattern is not None

    def occurrences(self, text: str, *, normalized: bool = False) -> list[str]:
        """Each match in ``text`` (already folded, with ``normalized``), as the term given (in text order)."""
        return [term for _, _, term in self.spans(text if normalized else normalize_for_matching(text))]

    def spans(self, folded: str) -> list[tuple[int, int, str]]:
        """(start, end, term given) of each match in ``folded`` (text already folded), in order."""
        if self._pattern is None:
            return []
        return [self._span(match) for match in self._pattern.finditer(folded)]

    def first_span(self, folded: str, start: int = 0) -> tuple[int, int, str] | None:
        """The first match in ``folded`` from ``start`` on, as ``spans`` finds it after a match
        that ends there (the character before ``start`` still bounds a word); None if none."""
        match = self._pattern.search(folded, start) if self._pattern is not None else None
        return None if match is None else self._span(match)

    def _span(self, match: re.Match[str]) -> tuple[int, int, str]:
        group = next(i for i, value in enumerate(match.groups()) if value is not None)
        return match.start(), match.end(), self._by_group[group]

    def found(self, text: str, *, normalized: bool = False) -> set[str]:
        return set(self.occurrences(text, normalized=normalized))


