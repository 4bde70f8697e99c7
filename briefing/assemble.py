"""The run's parts, made from the ``Config``: the model, the translation engine, the date.

Kept apart from ``pipeline`` so a command that needs only one of them (``briefing
translate``) or none (``briefing status``) loads nothing more.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from briefing.config import Config, database_path, models_path
from briefing.types import Article, Sentence, Story, Translation

if TYPE_CHECKING:
    from briefing.translate import Decoder, TranslationEngine

__all__ = ["Clock", "briefing_date", "build_engine", "open_decoder", "select_featured", "translate_text", "utc_now"]

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


def build_engine(config: Config, decoder: Decoder, connection: sqlite3.Connection | None) -> TranslationEngine:
    """The engine around ``decoder``: the glossaries, the memory (in the record), the threshold."""
    from briefing.store import TranslationMemory
    from briefing.translate import Glossary, TranslationEngine, load_glossary

    glossary = load_glossary() if config.starter_glossary else Glossary({})
    if config.glossary is not None:
        glossary = glossary.merged(load_glossary(config.glossary))
    memory = TranslationMemory(connection) if (config.memory and connection is not None) else None
    return TranslationEngine(decoder, glossary=glossary, memory=memory, min_confidence=config.min_confidence)


def select_featured(config: Config, stories: list[Story]) -> list[tuple[Story, list[tuple[Sentence, Article]]]]:
    """The featured stories (``stories.featured``) and their key sentences, by the
    configured selector and budget (``summarize.story.featured_points``)."""
    from briefing.summarize import Budget, get_selector
    from briefing.summarize.story import featured_points

    budget = Budget(max_sentences=config.max_sentences, max_words=config.max_words)
    return featured_points(get_selector(config.summarizer), stories, config.featured_stories, config.story_sentences, budget)


def translate_text(config: Config, text: str, *, decoder: Decoder | None = None) -> list[Translation]:
    """Each sentence of ``text`` through the engine (memory, glossary, checks), in order."""
    from briefing.arabic import split_sentences
    from briefing.store import open_database

    decoder = decoder or open_decoder(config)
    connection = open_database(database_path(config)) if config.memory else None
    try:
        engine = build_engine(config, decoder, connection)
        sentences = split_sentences(text)
        translations = engine.translate(sentences)
        return [translations[s] for s in sentences]
    finally:
        if connection is not None:
            connection.close()
