"""Where a report puts its event: the places of a table, found in Arabic text, with what lies in what.

Two reports of one kind of event in two places are two stories: a road accident in Arar
and one in Madinah, the Hail and the Riyadh passport offices' figures, a battle in Taiz and
one in Aden. Their words are nearly the same; their places are not. A place is known by its
*path*, the places it lies in and its own key (``sa.jazan.dayer``: Ad-Dayer, in Jazan, in
Saudi Arabia), so that a town and its region are never taken for two places: Ad-Dayer and
Jazan are ``compatible``, Ad-Dayer and Arar are not.

The table (``data/places.txt``, see its header) holds the Saudi regions and governorates,
the Yemeni, Syrian, Iraqi and Egyptian governorates and towns in the news, and every
country (a few only in phrases that make them one) with its capital; ``[[places]]`` in the
configuration adds more. Names are found as a reader's topic terms are (``arabic.terms``:
folded, with proclitics); a name written with ``+`` also with the endings of its relative adjective
and plurals (``اليمن+`` finds ``اليمنيين``), the others as written, so that ``الطائف``
(Taif) is never ``الطائفية`` (sectarian) and ``الرياض`` never ``الرياضية`` (sports).
Where two names overlap, the longer wins (``المملكة المتحدة`` is the UK, not Saudi Arabia).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from briefing.arabic.normalize import normalize_for_matching
from briefing.arabic.terms import TermMatcher
from briefing.errors import ConfigError

__all__ = ["Gazetteer", "Mention", "Place", "any_compatible", "compatible", "most_specific", "starter_places"]

_KEY = re.compile(r"^[a-z0-9_]+(?:\.[a-z0-9_]+)*$")
WITH_ENDINGS = "+"
PEOPLE = "~"


@dataclass(frozen=True, slots=True)
class Place:
    path: str
    """Its key after the keys of the places it lies in, dot-separated: ``sa.jazan.dayer``."""
    name: str
    """In English."""
    names: tuple[str, ...]
    """In Arabic; one ending in ``+`` is also found with the endings of its relatives and plurals,
    one starting with ``~`` names its people ("~سعودي+")."""


@dataclass(frozen=True, slots=True)
class Mention:
    """A place named in a text."""

    path: str
    people: bool
    """Named by its people ("اليمنيين", "المصري"): who, not where."""


def compatible(a: str, b: str) -> bool:
    """Whether places ``a`` and ``b`` may be where one event happened: the same place, or one in the other."""
    return a == b or b.startswith(a + ".") or a.startswith(b + ".")


def any_compatible(these: Iterable[str], those: Iterable[str]) -> bool:
    """Whether a place of ``these`` is compatible with a place of ``those``."""
    others = tuple(those)
    return any(compatible(a, b) for a in these for b in others)


def most_specific(paths: Iterable[str]) -> frozenset[str]:
    """``paths`` without those another of them lies in: "Saudi Arabia, Hail" says Hail."""
    given = frozenset(paths)
    return frozenset(p for p in given if not any(q.startswith(p + ".") for q in given))


class Gazetteer:
    """A table of places, compiled once: every name in two patterns (with and without endings)."""

    def __init__(self, places: Iterable[Place]) -> None:
        self.places: dict[str, Place] = {}
        self._path_of: dict[str, tuple[str, bool]] = {}
        plain: list[str] = []
        with_endings: list[str] = []
        for place in places:
            self.places[place.path] = place
            for given in place.names:
                name = given.removesuffix(WITH_ENDINGS).removeprefix(PEOPLE).strip()
                folded = normalize_for_matching(name)
                if not folded:
                    continue
                # A later place (the configuration's) wins a name two places give.
                self._path_of[folded] = (place.path, given.startswith(PEOPLE))
                (with_endings if given.endswith(WITH_ENDINGS) else plain).append(name)
        self._plain = TermMatcher(plain, endings=False)
        self._with_endings = TermMatcher(with_endings, endings=True)

    def find(self, text: str, *, normalized: bool = False) -> list[Mention]:
        """The places named in ``text``, in text order (repeats kept)."""
        folded = text if normalized else normalize_for_matching(text)
        spans = sorted(
            (*self._plain.spans(folded), *self._with_endings.spans(folded)), key=lambda s: (s[0], s[0] - s[1])
        )
        found: list[Mention] = []
        end = -1
        for start, stop, name in spans:
            if start < end:  # inside a longer name found by the other pattern
                continue
            key = normalize_for_matching(name)
            path, people = self._path_of[key]
            # Found with an ending ("اليمنيين" for "اليمن"): its people.
            found.append(Mention(path, people or not folded[start:stop].endswith(key.split()[-1])))
            end = stop
        return found

    def extended(self, more: Sequence[tuple[str, str, Sequence[str]]]) -> Gazetteer:
        """This table with ``more`` places: (name in English, path of the place it lies in or ""
        for a country, Arabic names), each of which may lie in one given before it. A place
        whose path the table holds gains the names. Raises ``ConfigError`` for an unknown ``within``."""
        if not more:
            return self
        places = dict(self.places)
        for name, within, names in more:
            if within and within not in places:
                raise ConfigError(
                    f"places: {name!r} lies within {within!r}, which is not a known place "
                    "(see briefing/arabic/data/places.txt for the paths)"
                )
            key = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "place"
            path = f"{within}.{key}" if within else key
            existing = places.get(path)
            places[path] = Place(path, existing.name if existing else name, (*(existing.names if existing else ()), *names))
        return Gazetteer(places.values())


@cache
def starter_places() -> Gazetteer:
    """The shipped table (``arabic/data/places.txt``)."""
    text = resources.files("briefing.arabic").joinpath("data/places.txt").read_text(encoding="utf-8")
    return Gazetteer(parse_places(text))


def parse_places(text: str) -> list[Place]:
    """The places of a table in the ``places.txt`` format: ``path | English | name / name / ...``."""
    places = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        fields = [field.strip() for field in line.split("|")]
        if len(fields) != 3 or not _KEY.match(fields[0]) or not fields[1]:
            raise ValueError(f"places line {number}: expected 'path | English | Arabic names', got {line!r}")
        names = tuple(name.strip() for name in fields[2].split("/") if name.strip())
        places.append(Place(fields[0], fields[1], names))
    known = {place.path for place in places}
    for place in places:
        parent = place.path.rpartition(".")[0]
        if parent and parent not in known:
            raise ValueError(f"places: {place.path} lies in {parent}, which the table does not hold")
    return places
