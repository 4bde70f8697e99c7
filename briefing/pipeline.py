"""The one place that knows the order of the stages.

``run_briefing`` makes the briefing for one date:

1. find the translation model (fail before reading or writing anything if there is none);
2. read the articles from the input folder, reporting the items it cannot use;
3. split each article into sentences;
4. select each article's key sentences;
5. translate every title and key sentence in one batched call;
6. render the Markdown, and the PDF from it;
7. write both into ``OUT/YYYY-MM-DD/`` atomically.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

from briefing.arabic import split_sentences
from briefing.config import Config, database_path
from briefing.errors import RenderError
from briefing.ingest import read_text_folder
from briefing.render import find_templates_dir, render_markdown, render_pdf, write_atomically
from briefing.store import TranslationMemory, open_database
from briefing.summarize import Budget, KeySentenceSelector, get_selector, select_key_sentences
from briefing.translate import ArgosModel, Decoder, Glossary, TranslationEngine, load_glossary
from briefing.types import Briefing, BriefingItem, KeySentences, RunReport, Sentence, Translation

__all__ = ["Clock", "briefing_date", "build_engine", "run_briefing", "translate_text", "utc_now"]

log = logging.getLogger(__name__)


Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def briefing_date(config: Config, now: dt.datetime) -> dt.date:
    """The date of ``now`` in the configured time zone (the machine's own when none is set)."""
    zone = ZoneInfo(config.timezone) if config.timezone else None
    return now.astimezone(zone).date()


def build_engine(config: Config, decoder: Decoder | None = None) -> tuple[TranslationEngine, Callable[[], None]]:
    """The translation engine the config describes, and a function that releases it.

    Raises ``ModelNotInstalledError`` before touching the database if no model is installed.
    """
    if decoder is None:
        decoder = ArgosModel.for_pair(
            config.argos_packages_dir,
            config.source_lang,
            config.target_lang,
            compute_type=config.compute_type,
            threads=config.threads,
        )
    glossary = load_glossary() if config.starter_glossary else Glossary({})
    if config.glossary is not None:
        glossary = glossary.merged(load_glossary(config.glossary))
    memory, close = None, lambda: None
    if config.memory:
        connection = open_database(database_path(config))
        memory, close = TranslationMemory(connection), connection.close
    engine = TranslationEngine(decoder, glossary=glossary, memory=memory, min_confidence=config.min_confidence)
    return engine, close


def translate_text(config: Config, text: str, *, decoder: Decoder | None = None) -> list[Translation]:
    """Each sentence of ``text`` through the engine (memory, glossary, checks), in order."""
    engine, release = build_engine(config, decoder)
    try:
        sentences = split_sentences(text)
        translations = engine.translate(sentences)
        return [translations[s] for s in sentences]
    finally:
        release()


def run_briefing(
    config: Config,
    *,
    date: dt.date | None = None,
    decoder: Decoder | None = None,
    clock: Clock = utc_now,
) -> RunReport:
    """Make the briefing for ``date`` (default: today by ``clock``) and return what the run did."""
    date = date or briefing_date(config, clock())
    templates_dir = find_templates_dir(config.templates_dir)
    selector = get_selector(config.summarizer)

    # 1. The model, before anything is read or written.
    engine, release = build_engine(config, decoder)
    try:
        return _run(config, date, engine, selector, templates_dir)
    finally:
        release()


def _run(config: Config, date: dt.date, engine: TranslationEngine, selector: KeySentenceSelector, templates_dir: Path) -> RunReport:
    # 2. Articles.
    articles, skipped = read_text_folder(config.input_dir)
    log.info("read %d articles from %s (%d skipped)", len(articles), config.input_dir, len(skipped))

    # 3-4. Sentences and key sentences.
    budget = Budget(max_sentences=config.max_sentences, max_words=config.max_words)
    chosen: list[KeySentences] = []
    for article in articles:
        sentences = [Sentence(text, i) for i, text in enumerate(split_sentences(article.body))]
        key = select_key_sentences(selector, sentences, budget, title="" if article.title_derived else article.title)
        chosen.append(KeySentences(article, tuple(key)))
    selected = sum(len(k.sentences) for k in chosen)

    report = RunReport(
        date=date,
        articles_read=len(articles) + len(skipped),
        articles_new=len(articles),
        skipped=tuple(skipped),
        sentences_selected=selected,
        sentences_translated_by_model=0,
        sentences_from_memory=0,
        model=engine.name,
    )
    if not articles:
        log.warning("no articles to brief in %s; nothing written", config.input_dir)
        return report

    # 5. Translation: titles and key sentences, one batch.
    texts = [k.article.title for k in chosen] + [s.text for k in chosen for s in k.sentences]
    translations = engine.translate(texts)
    items = tuple(
        BriefingItem(
            article=k.article,
            title=translations[k.article.title],
            sentences=tuple((s, translations[s.text]) for s in k.sentences),
        )
        for k in chosen
    )
    briefing = Briefing(date=date, items=items, model=engine.name)

    # 6. Render, entirely in memory.
    markdown_text = render_markdown(briefing, templates_dir, summarizer=config.summarizer)
    pdf_bytes = render_pdf(markdown_text, templates_dir, date)

    # 7. Publish both files.
    folder = config.out_dir / date.isoformat()
    markdown_path = folder / f"briefing-{date.isoformat()}.md"
    pdf_path = folder / f"briefing-{date.isoformat()}.pdf"
    _publish(folder, {markdown_path: markdown_text.encode("utf-8"), pdf_path: pdf_bytes})
    log.info("wrote %s and %s", markdown_path, pdf_path)

    by_model = sum(1 for k in chosen for s in k.sentences if translations[s.text].origin == "model")
    flag_counts = Counter(
        flag for item in items for t in (item.title, *(t for _, t in item.sentences)) for flag in t.flags
    )
    return dataclasses.replace(
        report,
        sentences_translated_by_model=by_model,
        sentences_from_memory=selected - by_model,
        flags=tuple(sorted(flag_counts.items())),
        markdown=markdown_path,
        pdf=pdf_path,
    )


def _publish(folder: Path, files: dict[Path, bytes]) -> None:
    """Write the briefing files; on failure leave no trace of this run in ``out/``."""
    created = not folder.exists()
    try:
        write_atomically(files)
    except OSError as exc:
        if created and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
        raise RenderError(f"cannot write the briefing into {folder}: {exc.strerror or exc}") from exc
