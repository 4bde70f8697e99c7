from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import briefing
from briefing.config import Config
from briefing.pipeline import briefing_date, run_briefing


@pytest.mark.parametrize(
    ("zone", "expected"),
    [("Asia/Riyadh", dt.date(2026, 11, 23)), ("America/New_York", dt.date(2026, 11, 22)), ("UTC", dt.date(2026, 11, 22))],
)
def test_today_is_taken_in_the_configured_time_zone(zone: str, expected: dt.date) -> None:
    late_evening_utc = dt.datetime(2026, 11, 22, 22, 30, tzinfo=dt.UTC)
    assert briefing_date(Config(timezone=zone), now=late_evening_utc) == expected


def test_whole_run_in_process_with_the_translator_handed_in(config: Config, translator: object) -> None:
    report = run_briefing(config, date=dt.date(2026, 11, 22), translator=translator)  # type: ignore[arg-type]
    assert report.sentences_selected == 6
    assert report.markdown == config.out_dir / "2026-11-22" / "briefing-2026-11-22.md"
    assert report.pdf is not None and report.pdf.read_bytes().startswith(b"%PDF-")


def test_word_budget_from_config_limits_key_sentences(config: Config, translator: object) -> None:
    # Each seed's lead sentence is longer than 20 words: one sentence per article.
    report = run_briefing(config.replace(max_sentences=0, max_words=20), date=dt.date(2026, 11, 22), translator=translator)  # type: ignore[arg-type]
    assert report.sentences_selected == 2


def test_empty_inbox_writes_nothing(config: Config, translator: object, tmp_path: Path) -> None:
    empty = tmp_path / "empty-inbox"
    empty.mkdir()
    report = run_briefing(config.replace(input_dir=empty), date=dt.date(2026, 11, 22), translator=translator)  # type: ignore[arg-type]
    assert report.as_json()["outputs"] is None
    assert not config.out_dir.exists()


def test_public_api_is_exactly_what_we_export() -> None:
    public = sorted(name for name in dir(briefing) if not name.startswith("_") and name not in {
        "arabic", "config", "errors", "ingest", "pipeline", "render", "summarize", "translate", "types", "logging"})
    assert sorted(briefing.__all__) == public
