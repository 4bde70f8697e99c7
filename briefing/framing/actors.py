"""How each outlet names the actors: "ميليشيا قسد" (SDF militia) against "تنظيم قسد" (SDF
organisation), "ميليشيات أسد الطائفية" (sectarian Assad militias) against "الجيش السوري".

An actor is a set of aliases (``data/actors.toml``, extended by ``[[actors]]`` in the
configuration), found as topic terms are (``arabic.terms``: normalised, with proclitics).
An alias takes proclitics but no endings (``أسد`` is not ``الأسدي``, a surname).
A label is the alias with the words that qualify it, within a fixed window:

- at most ``HEAD_WORDS`` head noun just before it (``ميليشيا``, ``تنظيم``, ``قوات``, ``مسلحي``;
  with a proclitic: ``لميليشيا``), the nearest one, which carries the framing;
- at most ``ADJECTIVE_WORDS`` adjectives just after it (``الطائفية``, ``الإرهابية``);

both from the shipped table of qualifiers, and never across punctuation that ends a
phrase (``قسد، الطائفية`` is not "sectarian SDF"). The English is composed from the
tables: adjectives, the alias's English, the head noun's ("sectarian Assad militias"), so
the framing word is never lost to a model that drops it.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from briefing.arabic.normalize import folds_word_for_word, normalize_for_matching
from briefing.arabic.terms import PREFIX_LETTERS, TermMatcher
from briefing.types import ActorLabel, Article

__all__ = ["ADJECTIVE_WORDS", "HEAD_WORDS", "ActorTable", "actor_labels", "starter_actors"]

HEAD_WORDS = 1
ADJECTIVE_WORDS = 2
_PROCLITICS = ("وب", "ول", "فب", "فل", "وك", "و", "ف", "ب", "ل", "ك")
# Punctuation that ends a phrase: a qualifier is never taken across it.
_PHRASE_END = set(".,;:!?،؛؟۔)([]{}/-–—")
_QUOTES = "\"'«»“”„`"


@dataclass(frozen=True, slots=True)
class ActorTable:
    """The actors' aliases (Arabic -> (actor, English)) and the qualifiers' English."""

    aliases: Mapping[str, tuple[str, str]]
    before: Mapping[str, tuple[str, str]]
    """Folded head noun -> (as written in the table, English)."""
    after: Mapping[str, tuple[str, str]]

    def extended(self, actors: Sequence[tuple[str, Mapping[str, str]]]) -> ActorTable:
        """With more actors or aliases: (name, {alias: English}) each."""
        aliases = dict(self.aliases)
        for name, more in actors:
            for alias, english in more.items():
                # The configuration's wins over a shipped alias spelt the same once folded.
                folded = normalize_for_matching(alias)
                for shipped in [a for a in aliases if normalize_for_matching(a) == folded]:
                    del aliases[shipped]
                aliases[alias] = (name, english or name)
        return ActorTable(aliases, self.before, self.after)


@cache
def starter_actors() -> ActorTable:
    """The shipped actors (the seeds' region: the SDF, Syrian government forces, the SNA,
    Turkey, Russia, the United States, ISIS) and qualifiers."""
    text = resources.files("briefing.framing").joinpath("data/actors.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    aliases = {alias: (actor["name"], english) for actor in data["actors"] for alias, english in actor["aliases"].items()}

    def folded(table: Mapping[str, str]) -> dict[str, tuple[str, str]]:
        return {normalize_for_matching(word): (word, english) for word, english in table.items()}

    return ActorTable(aliases, folded(data["qualifiers"]["before"]), folded(data["qualifiers"]["after"]))


def actor_labels(articles: Sequence[Article], table: ActorTable) -> tuple[ActorLabel, ...]:
    """Each label each outlet uses for each actor in ``articles``, with counts: by actor,
    then outlet (in the articles' order), most used first."""
    cores = _cores(tuple(sorted(table.aliases)))
    counts: Counter[tuple[str, str, str, str]] = Counter()
    outlets: dict[str, None] = {}
    for article in articles:
        outlet = article.label
        outlets.setdefault(outlet, None)
        for text in (article.title, *article.body.splitlines()):  # a paragraph at a time: most name no actor
            for alias, head, adjectives in _occurrences(text, cores, table):
                actor, english = table.aliases[alias]
                ar = " ".join([*(w for w, _ in head), alias, *(w for w, _ in adjectives)])
                en = " ".join([*(e for _, e in adjectives), english, *(e for _, e in head)])
                counts[(actor, outlet, ar, en)] += 1
    order = {name: n for n, name in enumerate(dict.fromkeys(a for a, _ in table.aliases.values()))}
    position = {name: n for n, name in enumerate(outlets)}
    labels = sorted(counts.items(), key=lambda item: (order[item[0][0]], position[item[0][1]], -item[1], item[0][2]))
    # Every label used (bounded by the tables: an alias, one head noun, two adjectives).
    return tuple(ActorLabel(actor, outlet, ar, en, count) for (actor, outlet, ar, en), count in labels)


@cache
def _matcher(aliases: tuple[str, ...]) -> TermMatcher:
    return TermMatcher(aliases, endings=False)


@cache
def _cores(aliases: tuple[str, ...]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """A substring every match of an alias contains, with the aliases that have it: the
    alias's longest word, folded (its first word without the article: only the first takes
    proclitics). The longest is the rarest: "السوري", not "الجيش", for "الجيش السوري"."""
    by_core: dict[str, list[str]] = {}
    for alias in aliases:
        first, *rest = normalize_for_matching(alias).split()
        core = max([first.removeprefix("ال"), *rest], key=len)
        by_core.setdefault(core, []).append(alias)
    return tuple((core, tuple(found)) for core, found in by_core.items())


def _occurrences(
    text: str, cores: tuple[tuple[str, tuple[str, ...]], ...], table: ActorTable
) -> list[tuple[str, list[tuple[str, str]], list[tuple[str, str]]]]:
    """(alias, head nouns before, adjectives after) of each alias found in ``text``."""
    folded = normalize_for_matching(text)
    spans = _found(folded, cores)
    if not spans:
        return []
    words = text.split()
    folded_words = folded.split(" ")
    if not folds_word_for_word(text, words, folded_words):
        # A ligature folded into several words (U+FDFA), a word of marks folded away: word by word.
        folded_words = [normalize_for_matching(w) or "_" for w in words]
        spans = _found(" ".join(folded_words), cores)
    starts, offset = [], 0
    for word in folded_words:
        starts.append(offset)
        offset += len(word) + 1
    found = []
    for start, end, alias in spans:
        first = _word_at(starts, start)
        last = _word_at(starts, end - 1)
        head: list[tuple[str, str]] = []
        k = first - 1
        opens_phrase = folded_words[first].lstrip(_QUOTES)[:1] in _PHRASE_END  # "ميليشيا .قسد"
        while k >= 0 and len(head) < HEAD_WORDS and not opens_phrase and not _ends_phrase(folded_words[k]):
            qualifier = _qualifier(folded_words[k], table.before, proclitics=True)
            if qualifier is None:
                break
            head.insert(0, qualifier)
            k -= 1
        adjectives: list[tuple[str, str]] = []
        k = last
        while k + 1 < len(words) and len(adjectives) < ADJECTIVE_WORDS and not _ends_phrase(folded_words[k]):
            qualifier = _qualifier(folded_words[k + 1], table.after, proclitics=False)
            if qualifier is None:
                break
            adjectives.append(qualifier)
            k += 1
        found.append((alias, head, adjectives))
    return found


def _found(folded: str, cores: tuple[tuple[str, tuple[str, ...]], ...]) -> list[tuple[int, int, str]]:
    """(start, end, alias) of each alias in ``folded``, as one ``TermMatcher`` of them all
    finds them: the leftmost match, there the longest alias (then the first in order), and
    on from its end.

    Most texts name none of the actors: a substring test per core, not the regex; then only
    the aliases whose core is there are searched for (an alias whose core is absent cannot
    match, so the longest match is the same), a third of its time on 2015-07-21. Each core's
    aliases are searched alone, so that a regex is compiled for each core, not for each set
    of cores a text holds (2015-07-21's texts hold 200 such sets: 0.065 s to compile them);
    again from the end of a match their next find overlaps. And each search starts near the
    core's next place in the text (a match holds its core: it starts at most
    ``PREFIX_LETTERS`` and the alias's length before it), not at the text's start."""
    present = [(core, _matcher(aliases), _reach(aliases)) for core, aliases in cores if core in folded]

    def search(k: int, start: int) -> tuple[int, int, str] | None:
        core, matcher, reach = present[k]
        at = folded.find(core, start)
        return None if at < 0 else matcher.first_span(folded, max(start, at - reach))

    upcoming = [search(k, 0) for k in range(len(present))]
    found: list[tuple[int, int, str]] = []
    while True:
        first = min((span for span in upcoming if span is not None), key=lambda s: (s[0], _rank(s[2])), default=None)
        if first is None:
            return found
        found.append(first)
        upcoming = [span if span is None or span[0] >= first[1] else search(k, first[1]) for k, span in enumerate(upcoming)]


@cache
def _reach(aliases: tuple[str, ...]) -> int:
    """How far before a place of their core a match of ``aliases`` may start."""
    return PREFIX_LETTERS + max(len(normalize_for_matching(alias)) for alias in aliases)


@cache
def _rank(alias: str) -> tuple[int, str]:
    """An alias's place among a ``TermMatcher``'s alternatives (given in sorted order): the
    longest folded first, then in the order given."""
    return -len(normalize_for_matching(alias)), alias


def _word_at(starts: list[int], offset: int) -> int:
    low, high = 0, len(starts) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if starts[middle] <= offset:
            low = middle
        else:
            high = middle - 1
    return low


def _ends_phrase(folded_word: str) -> bool:
    return folded_word.rstrip(_QUOTES)[-1:] in _PHRASE_END


def _qualifier(folded_word: str, table: Mapping[str, tuple[str, str]], *, proclitics: bool) -> tuple[str, str] | None:
    word = folded_word.strip(_QUOTES).rstrip("".join(_PHRASE_END) + _QUOTES)
    if word in table:
        return table[word]
    if proclitics:
        for prefix in _PROCLITICS:
            if word.startswith(prefix) and word[len(prefix):] in table:
                return table[word[len(prefix):]]
    return None
