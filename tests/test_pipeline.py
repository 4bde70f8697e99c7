from __future__ import annotations

import datetime as dt
import inspect
from pathlib import Path

import pytest

import briefing
from briefing.config import Config
from briefing.errors import AlreadyPublishedError, LockedError, RenderError
from briefing.pipeline import ArticleChoice, briefing_date, run_briefing


@pytest.mark.parametrize(
    ("zone", "expected"),
    [("Asia/Riyadh", dt.date(2026, 11, 23)), ("America/New_York", dt.date(2026, 11, 22)), ("UTC", dt.date(2026, 11, 22))],
)
def test_today_is_taken_in_the_configured_time_zone(zone: str, expected: dt.date) -> None:
    late_evening_utc = dt.datetime(2026, 11, 22, 22, 30, tzinfo=dt.UTC)
    assert briefing_date(Config(timezone=zone), late_evening_utc) == expected


def test_without_a_date_the_run_uses_its_clock(config: Config, model: object) -> None:
    clock = lambda: dt.datetime(2026, 11, 22, 22, 30, tzinfo=dt.UTC)
    report = run_briefing(config.replace(timezone="Asia/Riyadh"), decoder=model, clock=clock)  # type: ignore[arg-type]
    assert report.date == dt.date(2026, 11, 23)
    assert report.pdf == config.out_dir / "2026-11-23" / "briefing-2026-11-23.pdf"


def test_unwritable_output_is_a_render_error_and_leaves_nothing(
    config: Config, model: object, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(RenderError, match="cannot write the briefing into"):
        run_briefing(config.replace(out_dir=blocker / "out"), date=dt.date(2026, 11, 22), decoder=model)  # type: ignore[arg-type]
    assert blocker.read_text() == "not a folder"


def test_word_budget_from_config_limits_key_sentences(config: Config, model: object) -> None:
    # Each seed's lead sentence is longer than 20 words: one sentence per article.
    report = run_briefing(config.replace(max_sentences=0, max_words=20), date=dt.date(2026, 11, 22), decoder=model)  # type: ignore[arg-type]
    assert report.sentences_selected == 2


def test_empty_inbox_writes_nothing(config: Config, model: object, tmp_path: Path) -> None:
    empty = tmp_path / "empty-inbox"
    empty.mkdir()
    report = run_briefing(config.replace(input_dir=empty), date=dt.date(2026, 11, 22), decoder=model)  # type: ignore[arg-type]
    assert report.as_json()["outputs"] is None
    assert not config.out_dir.exists()


def test_public_api_is_exactly_what_we_export() -> None:
    public = sorted(
        name
        for name, value in vars(briefing).items()
        if not name.startswith("_") and not inspect.ismodule(value)  # submodules appear as they get imported
    )
    # run_briefing is imported on first use (it pulls in the stages): the rest are plain names.
    assert sorted(briefing.__all__) == sorted([*public, "run_briefing"])
    assert briefing.run_briefing is run_briefing
    with pytest.raises(AttributeError):
        briefing.no_such_name  # noqa: B018


def test_flags_travel_to_the_markdown_and_the_pdf(config: Config, model: object, tmp_path: Path) -> None:
    import subprocess

    inbox = tmp_path / "flagged-inbox"
    inbox.mkdir()
    (inbox / "a.txt").write_text("عنوان\n\nسقطت الرقة.\nشكرا جزيلا لكم.\n", encoding="utf-8")
    report = run_briefing(config.replace(input_dir=inbox), date=dt.date(2026, 11, 22), decoder=model)  # type: ignore[arg-type]
    flags = report.as_json()["flags"]
    assert flags["untranslated"] == 1 and flags["glossary-not-applied"] == 1
    assert report.markdown is not None and report.pdf is not None
    markdown = report.markdown.read_text(encoding="utf-8")
    assert '<p class="en" lang="en">The city fell.<br><span class="flags">Check: glossary-not-applied</span></p>' in markdown
    assert '<span class="flags">Check: untranslated</span>' in markdown
    # The English column (left half of the A4 page): each mark sits right under its sentence.
    left = ["pdftotext", "-x", "0", "-y", "0", "-W", "298", "-H", "842", str(report.pdf), "-"]
    shown = " ".join(subprocess.run(left, capture_output=True, text=True, check=True).stdout.split())
    assert "The city fell. Check: glossary-not-applied" in shown
    assert "Check: untranslated" in shown
    # The first page explains the marks used, and only those.
    cover = " ".join(subprocess.run(["pdftotext", "-l", "1", str(report.pdf), "-"], capture_output=True, text=True, check=True).stdout.split())
    assert "Marks on translations" in cover
    # High on the cover, under the counts: a long list of stories never pushes it to a page of its own.
    assert cover.index("Marks on translations") < cover.index("Top stories")
    assert "Check: untranslated: the model returned Arabic, or the input unchanged." in cover
    assert "low-confidence" not in cover


def test_rebuilding_a_day_takes_every_sentence_from_memory(config: Config, model: object) -> None:
    first = run_briefing(config, date=dt.date(2026, 11, 22), decoder=model)  # type: ignore[arg-type]
    markdown = first.markdown.read_text(encoding="utf-8") if first.markdown else ""
    again = run_briefing(config, date=dt.date(2026, 11, 22), decoder=model, choice=ArticleChoice(force=True))  # type: ignore[arg-type]
    assert (first.sentences_translated_by_model, first.sentences_from_memory) == (5, 0)
    assert (again.sentences_translated_by_model, again.sentences_from_memory) == (0, 5)
    assert again.articles_published == 2 and again.articles_new == 0
    assert again.markdown == first.markdown and again.markdown.read_text(encoding="utf-8") == markdown


def test_next_day_over_unchanged_input_finds_nothing_new(config: Config, model: object) -> None:
    first = run_briefing(config, date=dt.date(2026, 11, 22), decoder=model)  # type: ignore[arg-type]
    next_day = run_briefing(config, date=dt.date(2026, 11, 23), decoder=model)  # type: ignore[arg-type]
    assert (first.articles_new, first.articles_published) == (2, 2)
    assert (next_day.articles_read, next_day.articles_new, next_day.articles_published) == (2, 0, 0)
    assert next_day.markdown is None
    assert not (config.out_dir / "2026-11-23").exists()


def publish_without_seed_001(config: Config, model: object) -> None:
    """Publish 2026-11-22 with seed 000 only, then put seed 001 back in the inbox as a new article."""
    seed = next(config.input_dir.glob("001_*"))
    kept = seed.read_bytes()
    seed.unlink()
    run_briefing(config, date=dt.date(2026, 11, 22), decoder=model)  # type: ignore[arg-type]
    seed.write_bytes(kept)


def test_only_the_new_article_goes_into_the_next_briefing(config: Config, model: object) -> None:
    publish_without_seed_001(config, model)
    report = run_briefing(config, date=dt.date(2026, 11, 23), decoder=model)  # type: ignore[arg-type]
    assert (report.articles_read, report.articles_new, report.articles_published) == (2, 1, 1)
    assert report.markdown is not None
    text = report.markdown.read_text(encoding="utf-8")
    assert "Special sources told" in text and "Turkish-Russian race" not in text


def test_a_published_date_with_new_articles_needs_force(config: Config, model: object) -> None:
    publish_without_seed_001(config, model)
    with pytest.raises(AlreadyPublishedError, match="run again with --force"):
        run_briefing(config, date=dt.date(2026, 11, 22), decoder=model)  # type: ignore[arg-type]
    rebuilt = run_briefing(config, date=dt.date(2026, 11, 22), decoder=model, choice=ArticleChoice(force=True))  # type: ignore[arg-type]
    assert rebuilt.articles_published == 2


def test_all_and_since_bring_back_published_articles(config: Config, model: object) -> None:
    run_briefing(config, date=dt.date(2026, 11, 22), decoder=model)  # type: ignore[arg-type]
    everything = run_briefing(config, date=dt.date(2026, 11, 23), decoder=model, choice=ArticleChoice(everything=True))  # type: ignore[arg-type]
    assert (everything.articles_new, everything.articles_published) == (0, 2)
    recent = run_briefing(config, date=dt.date(2026, 11, 24), decoder=model, choice=ArticleChoice(since=dt.date(2000, 1, 1)))  # type: ignore[arg-type]
    assert recent.articles_published == 2
    future = run_briefing(config, date=dt.date(2026, 11, 25), decoder=model, choice=ArticleChoice(since=dt.date(2999, 1, 1)))  # type: ignore[arg-type]
    assert future.articles_published == 0 and future.markdown is None


def test_dry_run_reports_and_writes_nothing(config: Config, tmp_path: Path) -> None:
    report = run_briefing(config, date=dt.date(2026, 11, 22), choice=ArticleChoice(dry_run=True))
    assert (report.articles_read, report.articles_new, report.sentences_selected) == (2, 2, 5)
    assert report.markdown is None
    assert not config.out_dir.exists()
    assert config.database is not None and not config.database.exists()


def test_a_second_run_waits_for_the_lock_then_gives_up(config: Config, model: object) -> None:
    from briefing.lock import run_lock

    assert config.database is not None
    with (
        run_lock(config.database.with_suffix(".lock"), wait_s=0),
        pytest.raises(LockedError, match="another briefing run is in progress"),
    ):
        run_briefing(config.replace(lock_wait=0.5), date=dt.date(2026, 11, 22), decoder=model)  # type: ignore[arg-type]
    assert not config.out_dir.exists()
    # Once the lock is free, the run goes ahead.
    assert run_briefing(config, date=dt.date(2026, 11, 22), decoder=model).articles_published == 2  # type: ignore[arg-type]
