"""Words for matching: normalised tokens, stop words, light stems.

Display and translation never see these; they exist so that two spellings of a
word, or ``المدينة`` and ``بالمدينة``, count as the same term when sentences are
compared.

Stemmers (``STEMMERS``), chosen on the EASC dev set with the key-sentence selector
(``python -m briefing.evaluate easc PATH --stemmer NAME``; figures in
``benchmarks/README.md``):

- ``snowball``: Snowball's Arabic light stemmer through PyStemmer (C). The default.
- ``none``: normalised surface forms.

NLTK's ISRI root stemmer is not offered: it maps ``استقالة``, ``قال`` and ``مقال``
to one root, which merges unrelated news terms.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import cache
from importlib import resources
from itertools import chain, filterfalse

from briefing.arabic.normalize import normalize_for_matching
from briefing.errors import ConfigError

__all__ = ["STEMMERS", "content_terms", "content_terms_of_texts", "get_stemmer", "stopwords", "word_tokens"]

_WORD = re.compile(r"\w+")
# Terms are cached per word: news vocabulary repeats, so after the first articles
# nearly every lookup is a dictionary hit. The cap bounds memory on a long run
# (200,000 forms is a few days of a national press; ~30 MB).
STEM_CACHE_SIZE = 200_000


def word_tokens(text: str) -> list[str]:
    """Normalised ``\\w+`` runs: the tokens of the evaluation protocol."""
    return _WORD.findall(normalize_for_matching(text))


@cache
def stopwords() -> frozenset[str]:
    """The packaged stop-word list (``arabic/data/stopwords.txt``), normalised."""
    text = resources.files("briefing.arabic").joinpath("data/stopwords.txt").read_text(encoding="utf-8")
    words = (line.strip() for line in text.splitlines())
    return frozenset(normalize_for_matching(w) for w in words if w and not w.startswith("#"))


def _snowball() -> Callable[[str], str]:
    import Stemmer  # PyStemmer

    stem_word: Callable[[str], str] = Stemmer.Stemmer("arabic").stemWord
    return stem_word


def _identity() -> Callable[[str], str]:
    return lambda word: word


STEMMERS: dict[str, Callable[[], Callable[[str], str]]] = {
    "snowball": _snowball,
    "none": _identity,
}


@cache
def get_stemmer(name: str) -> Callable[[str], str]:
    try:
        return STEMMERS[name]()
    except KeyError:
        known = ", ".join(sorted(STEMMERS))
        raise ConfigError(f"unknown stemmer {name!r} (known: {known})") from None


def content_terms(text: str, stem: Callable[[str], str]) -> list[str]:
    """Stems of the words that carry content: no stop words, no bare numbers, no single letters."""
    return content_terms_of_texts([text], stem)[0]


def content_terms_of_texts(texts: list[str], stem: Callable[[str], str]) -> list[list[str]]:
    r"""``content_terms`` of each text, done in one pass: the hot path of key-sentence selection.

    Texts are cut at whitespace (``str.split``, four times faster than a regex), and
    each distinct chunk (a word with any punctuation glued to it, ``"قسد"،``) is
    normalised, split into ``\w+`` words, filtered and stemmed once, then cached as
    a tuple of terms. Only text that carries diacritics, tatweel or direction marks,
    which would cut words apart, is cleaned first.
    """
    chunk_lists = [_chunks(t) for t in texts]
    lookup = _table_with(set(chain.from_iterable(chunk_lists)), stem).__getitem__
    return [list(chain.from_iterable(map(lookup, chunks))) for chunks in chunk_lists]


def _chunks(text: str) -> list[str]:
    """The text cut at whitespace, cleaned first of the marks that would cut words apart."""
    return (_MARKS_INSIDE_WORDS.sub("", text) if _MARKS_INSIDE_WORDS.search(text) else text).split()


def _table_with(chunks: Iterable[str], stem: Callable[[str], str]) -> dict[str, tuple[str, ...]]:
    """The stemmer's chunk -> terms table, holding every one of ``chunks`` (distinct)."""
    table = _term_table(stem)
    # filterfalse over the chunks: set.difference(table.keys()) would copy the table.
    unseen = list(filterfalse(table.__contains__, chunks))
    if unseen:
        if len(table) >= STEM_CACHE_SIZE:
            table = {**table}  # full: serve these texts from a copy, keep the cache as it is
        for chunk in unseen:
            table[chunk] = _terms_of_chunk(chunk, stem)
    return table


_MARKS_INSIDE_WORDS = re.compile("[\u064b-\u0652\u0670\u0640\u200c-\u200f\u061c\u202a-\u202e\u2066-\u2069]")
_TERM_TABLES: dict[int, dict[str, tuple[str, ...]]] = {}


def _term_table(stem: Callable[[str], str]) -> dict[str, tuple[str, ...]]:
    # One word -> term (or None) table per stemmer: a single dict lookup per word
    # replaces the stop-word test, the digit test and the stemmer call.
    return _TERM_TABLES.setdefault(id(stem), {})


def _terms_of_chunk(chunk: str, stem: Callable[[str], str]) -> tuple[str, ...]:
    """The terms a whitespace-separated chunk counts as (none for stop words and numbers).

    Stemmed with ``ة`` as written (the stemmer strips it as a suffix), then folded like
    everything else, so ``المدينة`` and ``بالمدينة`` meet.
    """
    stop = stopwords()
    terms = []
    for word in _WORD.findall(normalize_for_matching(chunk, keep_ta_marbuta=True)):
        folded = word.replace("ة", "ه")
        if len(word) > 1 and not word.isdigit() and folded not in stop:
            terms.append(stem(word).replace("ة", "ه"))
    return tuple(terms)
