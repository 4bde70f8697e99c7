"""A run killed or starved at the worst moments loses nothing and publishes nothing twice.

Each kill case starts a real `run_briefing` in its own process, with a checkpoint that
stops at the named point (after writing a marker file); the test kills the process with
SIGKILL, checks what is left in out/ and in the record, and runs again. The full-disk
cases put the record and out/ on a small tmpfs and fill it at a checkpoint, in process.

"Published twice" is checked as a reader would see it: every article link in every
Markdown file anywhere under out/ (hidden files included) belongs to one file only.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from briefing.config import Config
from briefing.errors import RenderError, StoreError
from briefing.pipeline import ArticleChoice, run_briefing

DATE = dt.date(2026, 11, 22)
DAY = DATE.isoformat()
LINKS = {
    "000_95590521fceed790.txt": ("Orient News", "https://orient-news.example/ar/1"),
    "001_067d577040979a17.txt": ("Sputnik Arabic", "https://sputnik.example/ar/2"),
}

DRIVER = """
import datetime as dt, pathlib, sys, time
from briefing.config import Config
from briefing.pipeline import ArticleChoice, run_briefing
point, marker, inbox, out, packages, database, force, formats = sys.argv[1:9]
config = Config(input_dir=pathlib.Path(inbox), out_dir=pathlib.Path(out), argos_packages_dir=pathlib.Path(packages),
                database=pathlib.Path(database), formats=tuple(formats.split(",")))
def checkpoint(name):
    if name == point:
        pathlib.Path(marker).write_text(name)
        time.sleep(600)
run_briefing(config, date=dt.date(2026, 11, 22), checkpoint=checkpoint, choice=ArticleChoice(force=force == "1"))
"""


@pytest.fixture
def linked(config: Config) -> Config:
    """The seeds with a URL each, so their links can be counted in the Markdown."""
    lines = []
    for name, (outlet, url) in LINKS.items():
        lines += [f'["{name}"]', f'outlet = "{outlet}"', f'url = "{url}"', ""]
    (config.input_dir / "metadata.toml").write_text("\n".join(lines), encoding="utf-8")
    return config


def kill_at(point: str, config: Config, tmp_path: Path, *, force: bool = False, formats: str = "markdown,pdf,html") -> None:
    marker = tmp_path / f"reached-{point}"
    marker.unlink(missing_ok=True)
    process = subprocess.Popen(
        [sys.executable, "-c", DRIVER, point, str(marker), str(config.input_dir), str(config.out_dir),
         str(config.argos_packages_dir), str(config.database), "1" if force else "0", formats],
        env=os.environ.copy(),
    )
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert process.poll() is None, "the run ended before reaching the checkpoint"
            assert time.monotonic() < deadline, f"checkpoint {point} not reached"
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        assert process.wait(timeout=30) == -signal.SIGKILL
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def published_rows(database: Path) -> list[tuple[str, str]]:
    if not database.exists():
        return []
    with contextlib.closing(sqlite3.connect(database)) as db:
        return sorted(db.execute("SELECT date, article_id FROM briefing_articles"))


def files_under(folder: Path) -> list[str]:
    """Every file under ``folder``, hidden ones included, relative to it."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def files_listing_each_link(out: Path) -> dict[str, set[str]]:
    """Article link -> the Markdown files under ``out`` (hidden ones too) that list it."""
    where: dict[str, set[str]] = defaultdict(set)
    for path in out.rglob("*"):
        if path.is_file() and ".md" in path.name:
            for url in re.findall(r"\]\((https://[^)]+)\)", path.read_text(encoding="utf-8")):
                where[url].add(str(path.relative_to(out)))
    return dict(where)


def assert_published_once(config: Config) -> None:
    """Each seed in one briefing of the record and in one Markdown file under out/."""
    assert config.database is not None
    rows = published_rows(config.database)
    assert len(rows) == 2 and len({article for _, article in rows}) == 2
    assert files_listing_each_link(config.out_dir) == {
        url: {f"{DAY}/briefing-{DAY}.md"} for _, url in LINKS.values()
    }
    assert files_under(config.out_dir) == [f"{DAY}/briefing-{DAY}.html", f"{DAY}/briefing-{DAY}.md", f"{DAY}/briefing-{DAY}.pdf", "index.html"]
    # The index links the one briefing, each of its files.
    index = (config.out_dir / "index.html").read_text(encoding="utf-8")
    assert sorted(re.findall(r'href="([^"]+)"', index)) == sorted(
        [f"{DAY}/briefing-{DAY}.html", f"{DAY}/briefing-{DAY}.html", f"{DAY}/briefing-{DAY}.md", f"{DAY}/briefing-{DAY}.pdf"]
    )


POINTS = ["ingest", "translate", "staged", "intent", "between-files", "before-commit", "committed"]


@pytest.mark.parametrize("point", POINTS)
def test_break_4_a_run_killed_at_any_checkpoint_is_settled_by_the_next_and_publishes_once(
    point: str, linked: Config, model: object, tmp_path: Path
) -> None:
    config = linked
    assert config.database is not None
    kill_at(point, config, tmp_path)

    # Only the commit publishes: before it, nothing is recorded as published.
    assert published_rows(config.database) == ([] if point != "committed" else [(DAY, a) for a in _seed_ids(config)])
    # Whatever carries a final name in out/ is whole (a killed run may leave hidden temporaries).
    day = config.out_dir / DAY
    final = sorted(p.name for p in day.iterdir() if not p.name.startswith(".")) if day.exists() else []
    every = [f"briefing-{DAY}.html", f"briefing-{DAY}.md", f"briefing-{DAY}.pdf"]
    placed = {"between-files": [f"briefing-{DAY}.md"], "before-commit": every, "committed": every}
    assert final == placed.get(point, [])
    for name in final:
        data = (day / name).read_bytes()
        ending = {".pdf": b"%%EOF", ".md": b"against the Arabic.*", ".html": b"</html>"}[Path(name).suffix]
        assert data.rstrip().endswith(ending)

    # The next run settles it: the interrupted publication is finished (files all in
    # place) or undone (not), the temporaries go, and each article is published once.
    report = run_briefing(config, date=DATE, decoder=model)  # type: ignore[arg-type]
    finished_by_reconcile = point in ("before-commit", "committed")
    assert report.articles_published == (0 if finished_by_reconcile else 2)
    assert_published_once(config)
    # And a run after that finds nothing new.
    assert run_briefing(config, date=DATE + dt.timedelta(days=1), decoder=model).articles_published == 0  # type: ignore[arg-type]
    assert_published_once(config)


def _seed_ids(config: Config) -> list[str]:
    from briefing.ingest import read_text_folder

    return sorted(a.id for a in read_text_folder(config.input_dir)[0])


@pytest.mark.parametrize("point", ["intent", "between-files"])
def test_break_4_a_rebuild_killed_before_its_files_are_all_in_place_keeps_the_old_briefing(
    point: str, linked: Config, model: object, tmp_path: Path
) -> None:
    config = linked
    run_briefing(config, date=DATE, decoder=model)  # type: ignore[arg-type]
    day = config.out_dir / DAY
    before = {p.name: p.read_bytes() for p in day.iterdir()}

    kill_at(point, config, tmp_path, force=True)
    # Killed between the renames, the new Markdown stands beside the old PDF: the next run
    # puts the old Markdown back from its hidden hard-link backup.
    report = run_briefing(config, date=DATE, decoder=model)  # type: ignore[arg-type]
    assert report.articles_published == 0  # nothing new: the old briefing stands
    assert {p.name: p.read_bytes() for p in day.iterdir()} == before
    assert_published_once(config)


def briefing_files(database: Path) -> list[tuple[str, str]]:
    with contextlib.closing(sqlite3.connect(database)) as db:
        return sorted((date, fmt) for date, fmt in db.execute("SELECT date, format FROM briefing_files"))


def test_a_rebuild_with_fewer_formats_takes_the_others_away(linked: Config, model: object) -> None:
    """Left in place, the old HTML and PDF would still show what the rebuild dropped."""
    config = linked
    assert config.database is not None
    run_briefing(config, date=DATE, decoder=model)  # type: ignore[arg-type]
    fewer = config.replace(formats=("markdown",))
    report = run_briefing(fewer, date=DATE, decoder=model, choice=ArticleChoice(force=True))  # type: ignore[arg-type]
    assert [name for name, _ in report.outputs] == ["markdown"]
    assert files_under(config.out_dir) == [f"{DAY}/briefing-{DAY}.md", "index.html"]
    assert briefing_files(config.database) == [(DAY, "markdown")]
    assert re.findall(r'href="([^"]+)"', (config.out_dir / "index.html").read_text(encoding="utf-8")) == [
        f"{DAY}/briefing-{DAY}.md", f"{DAY}/briefing-{DAY}.md",
    ]
    assert run_briefing(fewer, date=DATE + dt.timedelta(days=1), decoder=model).articles_published == 0  # type: ignore[arg-type]
    assert_published_once_in(config, [f"{DAY}/briefing-{DAY}.md", "index.html"])


@pytest.mark.parametrize("point", ["intent", "between-files", "before-commit", "committed"])
def test_break_4_a_rebuild_with_fewer_formats_killed_anywhere_keeps_all_the_old_files_or_none(
    point: str, linked: Config, model: object, tmp_path: Path
) -> None:
    config = linked
    assert config.database is not None
    run_briefing(config, date=DATE, decoder=model)  # type: ignore[arg-type]
    day = config.out_dir / DAY
    before = {p.name: p.read_bytes() for p in day.iterdir()}
    kill_at(point, config, tmp_path, force=True, formats="markdown")
    run_briefing(config.replace(formats=("markdown",)), date=DATE, decoder=model)  # type: ignore[arg-type]
    if point in ("before-commit", "committed"):  # every rename and removal done: the rebuild is finished
        assert sorted(p.name for p in day.iterdir()) == [f"briefing-{DAY}.md"]
        assert briefing_files(config.database) == [(DAY, "markdown")]
        assert_published_once_in(config, [f"{DAY}/briefing-{DAY}.md", "index.html"])
    else:  # undone: the three old files, as they were, and nothing hidden left beside them
        assert {p.name: p.read_bytes() for p in day.iterdir()} == before
        assert briefing_files(config.database) == [(DAY, "html"), (DAY, "markdown"), (DAY, "pdf")]
        assert_published_once(config)


def assert_published_once_in(config: Config, listing: list[str]) -> None:
    assert config.database is not None
    rows = published_rows(config.database)
    assert len(rows) == 2 and len({article for _, article in rows}) == 2
    assert files_listing_each_link(config.out_dir) == {url: {f"{DAY}/briefing-{DAY}.md"} for _, url in LINKS.values()}
    assert files_under(config.out_dir) == listing


def test_break_4_files_of_a_date_the_record_ran_but_never_published_are_moved_out_of_out(
    linked: Config, model: object
) -> None:
    """What an older briefing left when killed after its renames and before its commit."""
    config = linked
    assert config.database is not None
    run_briefing(config, date=DATE, decoder=model)  # type: ignore[arg-type]
    with contextlib.closing(sqlite3.connect(config.database)) as db, db:  # killed before its commit
        db.execute("DELETE FROM briefing_articles")
        db.execute("DELETE FROM briefings")
        db.execute("UPDATE runs SET finished = NULL, outcome = NULL")
    stale = (config.out_dir / DAY / f"briefing-{DAY}.md").read_bytes()

    report = run_briefing(config, date=DATE + dt.timedelta(days=1), decoder=model)  # type: ignore[arg-type]

    assert report.articles_published == 2
    next_day = (DATE + dt.timedelta(days=1)).isoformat()
    assert files_under(config.out_dir) == [
        f"{next_day}/briefing-{next_day}.html", f"{next_day}/briefing-{next_day}.md", f"{next_day}/briefing-{next_day}.pdf",
        "index.html",
    ]
    assert DAY not in (config.out_dir / "index.html").read_text(encoding="utf-8")  # moved away, so not listed
    [kept] = (config.database.parent / "unrecorded" / DAY).glob(f"*-briefing-{DAY}.md")
    assert kept.read_bytes() == stale  # kept, out of the way, under a name no later one overwrites


def test_break_4_briefings_of_a_shared_out_folder_that_this_record_did_not_write_are_left_alone(
    linked: Config, model: object, tmp_path: Path
) -> None:
    """Another record (a colleague's) published 2026-11-21 into the same out/; this one only
    ran that day with nothing new. Its files are not this record's to move."""
    config = linked
    theirs = config.out_dir / "2026-11-21"
    theirs.mkdir(parents=True)
    (theirs / "briefing-2026-11-21.md").write_text("their briefing", encoding="utf-8")
    empty_inbox = tmp_path / "empty"
    empty_inbox.mkdir()
    run_briefing(config.replace(input_dir=empty_inbox), date=dt.date(2026, 11, 21), decoder=model)  # type: ignore[arg-type]
    run_briefing(config, date=DATE, decoder=model)  # type: ignore[arg-type]
    assert (theirs / "briefing-2026-11-21.md").read_text(encoding="utf-8") == "their briefing"


def test_break_4_stale_temporaries_are_swept_in_every_date_folder(linked: Config, model: object) -> None:
    config = linked
    for day in ("2026-01-01", "2026-11-20"):
        folder = config.out_dir / day
        folder.mkdir(parents=True)
        (folder / f".briefing-{day}.md.0123456789ab.partial").write_bytes(b"half")
        (folder / f".briefing-{day}.pdf.ba9876543210.previous").write_bytes(b"old")
    (config.out_dir / "2026-01-01" / "notes.txt").write_text("mine")  # not ours: left alone
    run_briefing(config, date=DATE, decoder=model)  # type: ignore[arg-type]
    assert files_under(config.out_dir) == [
        "2026-01-01/notes.txt", f"{DAY}/briefing-{DAY}.html", f"{DAY}/briefing-{DAY}.md", f"{DAY}/briefing-{DAY}.pdf",
        "index.html",
    ]


# --- A full disk -----------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 24 MB tmpfs (needs root, as in CI and here; skipped otherwise, with the reason)."""
    mount = tmp_path / "small-disk"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(mount)], capture_output=True, check=False)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs to fill ({made.stderr.decode().strip() or 'not root'})")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path) -> Path:
    """Take every free byte of ``disk``; returns the filler file (delete it to free the space)."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        for size in (1 << 20, 1 << 12, 1):  # big blocks, then the last few bytes
            with contextlib.suppress(OSError):
                while True:
                    os.write(fd, b"\0" * size)
    finally:
        os.close(fd)
    return filler


def filling_at(point: str, disk: Path) -> Callable[[str], None]:
    def checkpoint(name: str) -> None:
        if name == point:
            fill(disk)

    return checkpoint


@pytest.mark.parametrize(
    ("point", "error", "message"),
    [
        # The temporaries cannot be written: nothing in out/, the folder not even left behind.
        ("translate", RenderError, f"cannot write the briefing into .*/out/{DAY}: No space left on device"),
        # The intent cannot be committed: the staged files are removed.
        ("staged", StoreError, "cannot note the briefing about to be published in the record: database or disk is full"),
        # The files are in place but the commit fails: they are taken back out.
        ("before-commit", StoreError, r"cannot record the published briefing \(database or disk is full\); its files"),
    ],
)
def test_break_4_a_full_disk_at_any_step_fails_with_its_cause_and_nothing_is_published_twice(
    point: str, error: type[Exception], message: str, linked: Config, model: object, small_disk: Path
) -> None:
    config = linked.replace(out_dir=small_disk / "out", database=small_disk / "briefing.sqlite3")
    # Some memory first, so the run has something to write to the record at every step.
    with pytest.raises(error, match=message):
        run_briefing(config, date=DATE, decoder=model, checkpoint=filling_at(point, small_disk))  # type: ignore[arg-type]
    assert files_under(config.out_dir) == []
    assert published_rows(small_disk / "briefing.sqlite3") == []

    (small_disk / "filler").unlink()
    report = run_briefing(config, date=DATE, decoder=model)  # type: ignore[arg-type]
    assert report.articles_published == 2
    assert_published_once(config)


def test_break_4_a_full_disk_reported_by_the_command_is_exit_5_with_one_line_and_the_json_object(
    linked: Config, packages_dir: Path, small_disk: Path
) -> None:
    """The same failure as the user sees it: the record cannot even note the run."""
    config_file = small_disk.parent / "briefing.toml"
    config_file.write_text(
        f'[input]\ndir = "{linked.input_dir}"\n[output]\ndir = "{small_disk / "out"}"\n'
        f'[translate]\npackages_dir = "{packages_dir}"\n[store]\npath = "{small_disk / "briefing.sqlite3"}"\n',
        encoding="utf-8",
    )
    fill(small_disk)
    result = subprocess.run(
        [sys.executable, "-m", "briefing", "--config", str(config_file), "generate", "--date", DAY, "--json"],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert result.returncode == 5, result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("briefing: error: ") and ("disk is full" in line or os.strerror(errno.ENOSPC) in line)
    report = json_object(result.stdout)
    assert (report["exit_code"], report["outputs"], report["date"]) == (5, None, DAY)
    assert files_under(small_disk / "out") == []


def json_object(text: str) -> dict[str, object]:
    import json

    parsed = json.loads(text)
    assert isinstance(parsed, dict)
    return parsed


def test_a_dry_run_settles_nothing(linked: Config, model: object, tmp_path: Path) -> None:
    """Only a real run, under the lock, finishes or undoes an interrupted publication."""
    config = linked
    kill_at("before-commit", config, tmp_path)
    run_briefing(config, date=DATE, choice=ArticleChoice(dry_run=True))
    assert config.database is not None
    assert published_rows(config.database) == []
