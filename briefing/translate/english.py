"""English words, to tell a translation from subword soup ("Russianpast", "deved", "haing").

The list is pyspellchecker's English word-frequency table (MIT; 160,572 words gathered
from subtitles and Wikipedia, American spelling), read from the installed package, once.
British spellings are folded to American before a word is called unknown (``centre``,
``favour``, ``recognise``, ``defence``, ``programme``): news English uses both. Only
lowercase words are judged: a capitalised word may be a name the list cannot know.
"""

from __future__ import annotations

import gzip
import json
import re
from functools import cache
from importlib import resources

__all__ = ["is_english_word", "unknown_words"]

_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
# British endings and their American forms, tried in turn on a word the list lacks.
_BRITISH = (
    (re.compile(r"our(s|ed|ing|ite|ites|able|ably|ful|less)?$"), r"or\1"),  # colour, favourite, humourless
    (re.compile(r"([^aeiou])re(s|d)?$"), r"\1er\2"),  # centre, metres, theatred
    (re.compile(r"is(e|es|ed|ing|ation|ations|able|er|ers)$"), r"iz\1"),  # recognise, organisation
    (re.compile(r"ys(e|es|ed|ing)$"), r"yz\1"),  # analyse
    (re.compile(r"ence(s)?$"), r"ense\1"),  # defence, licence, offence
    (re.compile(r"mme(s)?$"), r"m\1"),  # programme
    (re.compile(r"ogue(s)?$"), r"og\1"),  # catalogue, dialogue
    (re.compile(r"ll(ed|ing|er|ers)$"), r"l\1"),  # travelled, cancelling
    (re.compile(r"ae"), "e"),  # paediatric, anaemia
)


@cache
def _words() -> frozenset[str]:
    data = resources.files("spellchecker").joinpath("resources/en.json.gz").read_bytes()
    return frozenset(json.loads(gzip.decompress(data)))


def is_english_word(word: str) -> bool:
    """Whether ``word`` (any case) is in the list, as written or in its American spelling."""
    words = _words()
    lowered = word.lower()
    if lowered in words or lowered.split("'")[0] in words:
        return True
    for pattern, american in _BRITISH:
        folded = pattern.sub(american, lowered)
        if folded != lowered and folded in words:
            return True
    return False


def unknown_words(text: str) -> list[str]:
    """The lowercase words of ``text`` that are not English words (capitalised ones are skipped)."""
    return [w for w in _WORD.findall(text) if not w[0].isupper() and not is_english_word(w)]
