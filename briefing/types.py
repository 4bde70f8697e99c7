"""The values the stages pass to each other: frozen, slotted, standard library only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "Article",
    "Briefing",
    "BriefingItem",
    "KeySentences",
    "RunReport",
    "Sentence",
    "SkippedItem",
    "Translation",
]


@dataclass(frozen=True, slots=True)
class Article:
    """One ingested article, cleaned of page furniture; text kept as published."""

    id: str
    """Hash of the normalised text: the same article from two places has one id."""
    source: str
    """Where it came from, as the user would name it (a file path for now)."""
    title: str
    title_derived: bool
    """True when the article had no title line and ``title`` was made from its first sentence."""
    body: str
    """The article's text without its title and furniture, paragraphs separated by blank lines."""


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of an article, exactly as written there."""

    text: str
    index: int
    """Position of the sentence in its article, from 0."""


@dataclass(frozen=True, slots=True)
class KeySentences:
    """The sentences chosen to stand for an article, in article order."""

    article: Article
    sentences: tuple[Sentence, ...]


@dataclass(frozen=True, slots=True)
class Translation:
    """One source text and its English, with how far to trust it."""

    source: str
    text: str
    score: float
    """CTranslate2's score for the hypothesis, as Argos reports it."""
    confidence: float
    """Mean log-probability per output token (0 is certain; lower is less sure)."""
    origin: str
    """``"model"`` when decoded in this run, ``"memory"`` when remembered from an earlier one."""
    flags: tuple[str, ...] = ()
    """What a reader should check: ``untranslated``, ``low-confidence``, ``repetition``,
    ``numbers-changed``, ``glossary-not-applied``."""


@dataclass(frozen=True, slots=True)
class BriefingItem:
    """One article as it appears in the briefing."""

    article: Article
    title: Translation
    sentences: tuple[tuple[Sentence, Translation], ...]


@dataclass(frozen=True, slots=True)
class Briefing:
    date: dt.date
    items: tuple[BriefingItem, ...]
    model: str
    """The Argos package that translated it, e.g. ``translate-ar_en 1.0``."""


@dataclass(frozen=True, slots=True)
class SkippedItem:
    """An input that was reported and left out, and why."""

    source: str
    reason: str
    kind: str = "unreadable"
    """``"unreadable"`` (a failure the user should look at) or ``"duplicate"`` (same text as another item)."""


@dataclass(frozen=True, slots=True)
class RunReport:
    """What one ``generate`` run did; ``as_json()`` is the ``--json`` contract."""

    date: dt.date
    articles_read: int
    articles_new: int
    skipped: tuple[SkippedItem, ...]
    sentences_selected: int
    sentences_translated_by_model: int
    sentences_from_memory: int
    model: str | None = None
    articles_published: int = 0
    """Articles in the briefing this run wrote (0 when it wrote none)."""
    flags: tuple[tuple[str, int], ...] = ()
    """How many key sentences and titles carry each flag, e.g. (("low-confidence", 2),)."""
    markdown: Path | None = None
    pdf: Path | None = None

    @property
    def had_failures(self) -> bool:
        """Some input could not be read (duplicates do not count)."""
        return any(s.kind == "unreadable" for s in self.skipped)

    def as_json(self) -> dict[str, Any]:
        outputs = None
        if self.markdown is not None and self.pdf is not None:
            outputs = {"markdown": str(self.markdown), "pdf": str(self.pdf)}
        return {
            "date": self.date.isoformat(),
            "articles_read": self.articles_read,
            "articles_new": self.articles_new,
            "articles_published": self.articles_published,
            "skipped": [{"source": s.source, "reason": s.reason, "kind": s.kind} for s in self.skipped],
            "sentences_selected": self.sentences_selected,
            "sentences_translated_by_model": self.sentences_translated_by_model,
            "sentences_from_memory": self.sentences_from_memory,
            "outputs": outputs,
            "model": self.model,
            "flags": dict(self.flags),
        }
