"""Both ends of the pipeline are registries: a new source kind is one class and one line
in ``ingest.registry.SOURCES``, a new output format one function and one line in
``render.RENDERERS``. Each test below adds one, as the README shows, and runs the real job:
the configuration accepts it by name, the run reads through it or writes it, the record
keeps its file, publishing stays atomic, the index links it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
import types
import zipfile
from pathlib import Path

import pytest

from briefing.config import Config, Source, load_config
from briefing.errors import ConfigError, IngestError
from briefing.ingest.metadata import skip_kind
from briefing.ingest.registry import SOURCES, SourceKind
from briefing.ingest.sources import Gathering
from briefing.ingest.text import article_from_text
from briefing.pipeline import run_briefing
from briefing.render import RENDERERS, Renderer
from briefing.store import Record, open_database
from briefing.types import Briefing, SkippedItem, SourceRead

DATE = dt.date(2026, 11, 22)


class ZipSource:
    """``[[sources]] zip = "..."``: every .txt of a zip archive, one article each."""

    def read(self, source: Source, gathering: Gathering) -> SourceRead:
        articles, skipped = [], []
        try:
            archive = zipfile.ZipFile(source.location)
        except (OSError, zipfile.BadZipFile) as exc:
            raise IngestError(f"not a zip archive: {exc}") from exc
        with archive:
            for member in sorted(archive.namelist()):
                where = f"{source.location}!{member}"
                try:
                    article = article_from_text(where, archive.read(member).decode("utf-8"))
                except IngestError as exc:
                    skipped.append(SkippedItem(where, str(exc), skip_kind(exc)))
                    continue
                articles.append(dataclasses.replace(article, outlet=source.outlet))
        return SourceRead(articles, skipped, [])


def plain_text(briefing: Briefing, templates_dir: Path, *, summarizer: str) -> str:
    """The briefing as plain text: each featured story's English headline and key points."""
    lines = [f"Briefing {briefing.date.isoformat()}"]
    for number, featured in enumerate(briefing.stories, 1):
        lines.append(f"{number}. {featured.title.text}")
        lines.extend(f"   - {point.translation.text}" for point in featured.points)
    return "\n".join(lines) + "\n"


@pytest.fixture
def zip_kind(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(SOURCES, "zip", SourceKind(__name__, "ZipSource", is_web=False))  # the one registry line


@pytest.fixture
def text_format(monkeypatch: pytest.MonkeyPatch) -> None:
    module = types.ModuleType("plain_text_renderer")
    module.plain_text = plain_text  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "plain_text_renderer", module)
    monkeypatch.setitem(RENDERERS, "text", Renderer("plain_text_renderer", "plain_text", ".txt"))  # the one line


def test_a_new_source_kind_is_configured_by_its_name_and_read(
    zip_kind: None, tmp_path: Path, seeds_dir: Path, packages_dir: Path, model: object
) -> None:
    archive = tmp_path / "seeds.zip"
    with zipfile.ZipFile(archive, "w") as made:
        for path in sorted(seeds_dir.glob("*.txt")):
            made.write(path, path.name)
        made.writestr("empty.txt", "")
    config_file = tmp_path / "briefing.toml"
    config_file.write_text(
        f'[[sources]]\nzip = "{archive.name}"\noutlet = "Archive"\n[output]\ndir = "out"\nformats = ["markdown"]\n'
        f'[translate]\npackages_dir = "{packages_dir}"\n[store]\npath = "record.sqlite3"\n',
        encoding="utf-8",
    )
    config = load_config(config_file)
    assert config.sources == (Source("zip", str(tmp_path / "seeds.zip"), "Archive"),)  # a path, from the file's folder
    report = run_briefing(config, date=DATE, decoder=model)  # type: ignore[arg-type]
    assert (report.articles_read, report.articles_published) == (3, 2)
    assert [(s.source, s.kind) for s in report.skipped] == [(f"{tmp_path / 'seeds.zip'}!empty.txt", "empty")]
    text = (tmp_path / "out" / DATE.isoformat() / f"briefing-{DATE}.md").read_text(encoding="utf-8")
    assert "A Turkish-Russian race to decide the fate of Ain Issa, and the SDF faces a single option" in text


def test_an_unknown_source_kind_names_the_registered_ones(zip_kind: None, tmp_path: Path) -> None:
    config_file = tmp_path / "briefing.toml"
    config_file.write_text('[[sources]]\nmbox = "x"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown key 'mbox' .known: folder, feed, page, zip, outlet."):
        load_config(config_file)


def test_a_new_output_format_is_chosen_by_name_written_recorded_and_indexed(
    text_format: None, config: Config, model: object
) -> None:
    config = config.replace(formats=("text", "html"))
    report = run_briefing(config, date=DATE, decoder=model)  # type: ignore[arg-type]
    folder = config.out_dir / DATE.isoformat()
    assert dict(report.outputs) == {"text": folder / f"briefing-{DATE}.txt", "html": folder / f"briefing-{DATE}.html"}
    assert report.as_json()["outputs"] == {"text": str(folder / f"briefing-{DATE}.txt"), "html": str(folder / f"briefing-{DATE}.html")}
    assert sorted(p.name for p in folder.iterdir()) == [f"briefing-{DATE}.html", f"briefing-{DATE}.txt"]
    lines = (folder / f"briefing-{DATE}.txt").read_text(encoding="utf-8").splitlines()
    assert lines[:2] == [f"Briefing {DATE}", "1. A Turkish-Russian race to decide the fate of Ain Issa, and the SDF faces a single option"]
    assert len(lines) == 7  # the headline and the story's five key points
    assert config.database is not None
    connection = open_database(config.database)
    try:
        published = Record(connection).briefing(DATE)
    finally:
        connection.close()
    assert published is not None and set(published.files) == {"text", "html"}
    index = (config.out_dir / "index.html").read_text(encoding="utf-8")
    assert f'href="{DATE}/briefing-{DATE}.txt">text</a>' in index


def test_an_unknown_output_format_is_a_configuration_error(tmp_path: Path) -> None:
    config_file = tmp_path / "briefing.toml"
    for formats, message in [
        ('["markdown", "docx"]', "output.formats: unknown format 'docx' .known: markdown, pdf, html."),
        ("[]", "output.formats: give at least one of markdown, pdf, html"),
        ('["pdf", "pdf"]', "output.formats: a format is given twice"),
        ('"pdf"', "output.formats: expected a list of strings"),
    ]:
        config_file.write_text(f"[output]\nformats = {formats}\n", encoding="utf-8")
        with pytest.raises(ConfigError, match=message):
            load_config(config_file)


def test_a_format_left_out_is_not_written(config: Config, model: object) -> None:
    report = run_briefing(config.replace(formats=("markdown",)), date=DATE, decoder=model)  # type: ignore[arg-type]
    folder = config.out_dir / DATE.isoformat()
    assert [name for name, _ in report.outputs] == ["markdown"] and report.pdf is None and report.html is None
    assert sorted(p.name for p in folder.iterdir()) == [f"briefing-{DATE}.md"]
