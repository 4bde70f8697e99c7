"""The run's parts, made from the ``Config``: the model (on a cluster, if one is configured),
the translation engine, the date.

Kept apart from ``pipeline`` so a command that needs only one of them (``briefing
translate``) or none (``briefing status``) loads nothing more.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from briefing.config import Config, cluster_workers, database_path, models_path
from briefing.types import (
    Article,
    Briefing,
    FeaturedStory,
    KeyPoint,
    ListedArticle,
    ListedStory,
    PublishedStory,
    RankedStory,
    Sentence,
    Story,
    StoryArticle,
    Topic,
    Translation,
)

if TYPE_CHECKING:
    from briefing.translate import Decoder, TranslationEngine

__all__ = [
    "REPEAT_DAYS",
    "BriefingPlan",
    "Clock",
    "briefing_date",
    "build_engine",
    "open_decoder",
    "plan_briefing",
    "select_featured",
    "translate_text",
    "translation_workers",
    "utc_now",
]

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def briefing_date(config: Config, now: dt.datetime) -> dt.date:
    """The date of ``now`` in the configured time zone (the machine's own when none is set)."""
    zone = ZoneInfo(config.timezone) if config.timezone else None
    return now.astimezone(zone).date()


def open_decoder(config: Config) -> Decoder:
    """The configured model for the pair (``ModelNotInstalledError`` if none)."""
    from briefing.translate import open_model

    return open_model(
        config.argos_packages_dir,
        models_path(config),
        config.source_lang,
        config.target_lang,
        name=config.model,
        compute_type=config.compute_type,
        threads=config.threads,
    )


@contextmanager
def translation_workers(config: Config, decoder: Decoder) -> Iterator[Decoder]:
    """``decoder`` itself; with ``translate.cluster``, a decoder on that cluster, connected now
    (ClusterError if it cannot be: before the run writes anything), whose own connections
    the run's network guard lets through (``offline.allowing``), closed at the end."""
    if not config.cluster:
        yield decoder
        return
    from briefing.errors import ClusterError
    from briefing.offline import allowing
    from briefing.translate.cluster import open_cluster
    from briefing.translate.ctranslate import CTranslate2Model

    if not isinstance(decoder, CTranslate2Model):
        raise ClusterError(f"translate.cluster: {decoder.name} is not an installed model a worker can open")
    ca, cert, key = config.cluster_tls_ca, config.cluster_tls_cert, config.cluster_tls_key
    with open_cluster(decoder, config.cluster, model_dir=config.cluster_model_dir, timeout=config.cluster_timeout,
                      workers=cluster_workers(config.cluster), tls=(ca, cert, key) if ca and cert and key else None,
                      ) as on_cluster, allowing(on_cluster.peer):
        yield on_cluster


def build_engine(config: Config, decoder: Decoder, connection: sqlite3.Connection | None) -> TranslationEngine:
    """The engine around ``decoder``: the glossaries, the memory (in the record), the threshold."""
    from briefing.store import TranslationMemory
    from briefing.translate import Glossary, TranslationEngine, load_glossary

    glossary = load_glossary() if config.starter_glossary else Glossary({})
    if config.glossary is not None:
        glossary = glossary.merged(load_glossary(config.glossary))
    memory = TranslationMemory(connection) if (config.memory and connection is not None) else None
    return TranslationEngine(decoder, glossary=glossary, memory=memory, min_confidence=config.min_confidence)


def select_featured(
    config: Config, stories: list[Story], *, said: Sequence[str] = ()
) -> list[tuple[Story, list[tuple[Sentence, Article]]]]:
    """The featured stories (``stories.featured``) and their key sentences, by the
    configured selector and budget (``summarize.story.featured_points``); none of ``said``
    (earlier briefings' key sentences) is given again."""
    from briefing.summarize import Budget, get_selector
    from briefing.summarize.story import featured_points

    budget = Budget(max_sentences=config.max_sentences, max_words=config.max_words)
    return featured_points(
        get_selector(config.summarizer), stories, config.featured_stories, config.story_sentences, budget, said=said
    )


Points = list[tuple[Sentence, Article]]

# Days back a key sentence, once published, is not chosen again: a month covers a reader's
# memory of the briefings (18 days replayed: none repeated; see benchmarks/README.md),
# and costs a few thousand sentences compared.
REPEAT_DAYS = 30


@dataclass(frozen=True, slots=True)
class BriefingPlan:
    """What a briefing will show, before translation: the featured stories with their key
    sentences, the stories listed one line each, and the single-outlet articles."""

    featured: list[tuple[RankedStory, Points]]
    listed: list[RankedStory]
    """Not featured, and carried by two outlets or more."""
    others: list[StoryArticle]
    index_english: bool
    topics: tuple[str, ...]
    quiet: frozenset[int] = frozenset()
    """``id()`` of the listed stories that continue one and say nothing new."""

    def texts(self) -> list[str]:
        """Every text to translate: one headline per story shown, the key sentences, and
        (with ``index_english``) each single-outlet article's headline."""
        titles = [r.story.lead.title for r, _ in self.featured] + [r.story.lead.title for r in self.listed]
        if self.index_english:
            titles += [m.article.title for m in self.others]
        from briefing.framing import shown_phrases

        phrases = [t for r, _ in self.featured for t in shown_phrases(r.framing)]
        return titles + [s.text for _, points in self.featured for s, _ in points] + phrases

    def briefing(self, date: dt.date, translations: dict[str, Translation], model: str) -> Briefing:
        from briefing.framing import shown_phrases

        return Briefing(
            date=date,
            stories=tuple(
                FeaturedStory(r.story, translations[r.story.lead.title],
                              tuple(KeyPoint(s, a, translations[s.text]) for s, a in points), r.topics, r.continues,
                              r.framing, tuple((t, translations[t]) for t in shown_phrases(r.framing)))
                for r, points in self.featured
            ),
            listed=tuple(
                ListedStory(r.story, translations[r.story.lead.title], r.topics, r.continues, id(r.story) in self.quiet)
                for r in self.listed
            ),
            others=tuple(ListedArticle(m, translations[m.article.title] if self.index_english else None) for m in self.others),
            model=model,
            topics=self.topics,
        )

    def published_stories(self, date: dt.date, translations: dict[str, Translation]) -> list[PublishedStory]:
        """The featured and listed stories as the record keeps them, for tracking."""
        shown = [(r, [s.text for s, _ in points]) for r, points in self.featured] + [(r, []) for r in self.listed]
        return [
            PublishedStory(
                date, r.story.lead.title, translations[r.story.lead.title].text,
                r.continues.since if r.continues else date, r.terms, tuple(sentences), tuple(a.id for a in r.story.articles),
            )
            for r, sentences in shown
        ]


def plan_briefing(
    config: Config, stories: list[Story], tracked: Sequence[PublishedStory], said: Sequence[str], date: dt.date,
    *, frame_every_story: bool = True,
) -> tuple[BriefingPlan, list[RankedStory]]:
    """The stories ranked for the reader (topics, coverage, continuations of ``tracked``,
    the stories of the last ``stories.track_days`` days' briefings), and what the briefing
    shows of them. A key sentence that near-repeats one of ``said`` (the last
    ``REPEAT_DAYS`` days' key sentences) is not new: a continuing story with nothing new is
    listed ("no new developments"), not featured.

    The featured stories are framed (the page shows their framing); the others only with
    ``frame_every_story`` (the ``--json`` report has every story's)."""
    from briefing.rank import rank_for_reader
    from briefing.summarize.story import has_news, said_before

    ranked = rank_for_reader(stories, config.topics, tracked, date)
    chosen = select_featured(config, [r.story for r in in_turns(ranked, config.topics)], said=said)
    points = {id(story): found for story, found in chosen}
    ranked = _framed(config, ranked, None if frame_every_story else [id(r.story) in points for r in ranked])
    featured = [(r, points[id(r.story)]) for r in ranked if id(r.story) in points]
    rest = [r for r in ranked if id(r.story) not in points]
    listed = [r for r in rest if r.story.outlet_count >= 2]
    in_listed = {id(r.story) for r in listed}
    others = [m for r in rest if id(r.story) not in in_listed for m in r.story.members]
    # A story of one outlet, neither featured nor listed, is shown as its articles, not as a
    # story: it is not marked as continuing anything (nor kept for tracking).
    shown = {id(r.story) for r, _ in featured} | in_listed
    ranked = [r if id(r.story) in shown or r.continues is None else dataclasses.replace(r, continues=None) for r in ranked]
    memory = said_before(said) if any(r.continues for r in listed) else None
    quiet = frozenset(id(r.story) for r in listed if r.continues and memory and not has_news(r.story, memory))
    plan = BriefingPlan(featured, listed, others, config.index_english, tuple(t.name for t in config.topics), quiet)
    return plan, ranked


def _framed(config: Config, ranked: list[RankedStory], wanted: Sequence[bool] | None = None) -> list[RankedStory]:
    """Each story (each ``wanted`` one) with its framing (``framing``): the reprints'
    changes, the actors' labels and each outlet's distinctive words."""
    from briefing.framing import frame_stories, starter_actors

    actors = starter_actors().extended([(name, dict(aliases)) for name, aliases in config.actors])
    framings = frame_stories([r.story for r in ranked], actors, wanted=wanted)
    return [dataclasses.replace(r, framing=f) if f else r for r, f in zip(ranked, framings, strict=True)]


def in_turns(ranked: list[RankedStory], topics: Sequence[Topic]) -> list[RankedStory]:
    """The order the featured stories are drawn in: the best story of each topic, then the
    best outside the topics, then the second of each, and so on, so that one busy topic
    does not take every place (nor the day's biggest story outside the topics). The
    featured stories are then shown in ``ranked`` order: grouped under their topics."""
    queues: dict[str, list[RankedStory]] = {topic.name: [] for topic in topics}
    rest: list[RankedStory] = []
    for story in ranked:
        home = next((name for name in queues if name in story.topics), None)
        (queues[home] if home is not None else rest).append(story)
    lines = [*queues.values(), rest]
    return [line[k] for k in range(max((len(q) for q in lines), default=0)) for line in lines if k < len(line)]


def translate_text(config: Config, text: str, *, decoder: Decoder | None = None) -> list[Translation]:
    """Each sentence of ``text`` through the engine (memory, glossary, checks), in order."""
    from briefing.arabic import split_sentences
    from briefing.store import open_database

    with translation_workers(config, decoder or open_decoder(config)) as decoding:
        connection = open_database(database_path(config)) if config.memory else None
        try:
            engine = build_engine(config, decoding, connection)
            sentences = split_sentences(text)
            translations = engine.translate(sentences)
            return [translations[s] for s in sentences]
        finally:
            if connection is not None:
                connection.close()
