"""Publishing a briefing's files so that the record and ``out/`` always agree.

The files are renamed into place only after the record has noted what is about to
happen, and the articles are marked as published only after the files are in place:

1. **stage**: every file written whole under a hidden name (and a hard-link backup of
   each file it replaces), fsynced;
2. **intent**: the record notes the date, each file's final path, content hash,
   temporary and backup, and the articles, and commits;
3. **place**: the renames;
4. **commit**: one transaction records the briefing and its articles and drops the intent.

A run killed anywhere leaves a state ``reconcile`` settles at the start of the next run
(under the run lock, before anything is read): an intent whose files are all in place
(hashes match) is finished, one whose files are not is undone (the old files back, the
new ones removed), so no article is ever in a file of ``out/`` without being recorded as
published, nor recorded without its file. A failure the run sees itself (a full disk at
any step) is undone on the spot. ``reconcile`` also sweeps the hidden temporaries of
every date folder, and moves out of ``out/`` the briefing files of a date the record
ran but never published (left by a crash of an older version): their articles are
still new and will be published again, so they must not stay in ``out/`` as well.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
import shutil
import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import NoReturn

from briefing.errors import RenderError, StoreError
from briefing.render.files import discard, in_place, place, remove_stale_temporaries, stage, undo, write_atomically
from briefing.store import Publishing, Record
from briefing.types import Article, PublishedStory

__all__ = ["BRIEFING_FILE_PREFIX", "INDEX_NAME", "publish", "publish_index", "reconcile"]

log = logging.getLogger(__name__)

BRIEFING_FILE_PREFIX = "briefing-"
INDEX_NAME = "index.html"
Checkpoint = Callable[[str], None]


def publish(
    record: Record,
    date: dt.date,
    outputs: dict[str, tuple[Path, bytes]],
    articles: Iterable[Article],
    *,
    stories: Iterable[PublishedStory] = (),
    checkpoint: Checkpoint = lambda name: None,
) -> None:
    """Put ``outputs`` (format -> path and content) in place and record ``articles`` as
    published on ``date``, with its ``stories`` (for tracking): all of it or none of it. Checkpoints: "staged", "intent",
    "between-files", "before-commit", "committed". Raises RenderError when a file cannot
    be written, StoreError when the record cannot be."""
    formats = {path.absolute(): name for name, (path, _) in outputs.items()}
    files = {path.absolute(): data for path, data in outputs.values()}
    folders = {path.parent for path in files}
    created = {folder for folder in folders if not folder.exists()}
    first = next(iter(files))
    # A rebuild that writes fewer formats takes the date's other briefing files away in the
    # same publication: left in place they would show articles the rebuild dropped.
    stale = _briefing_files(record, date, folders) - set(files)

    def fail(error: Exception) -> NoReturn:
        for folder in created:
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
        raise error

    # 1. Stage.
    try:
        staged = [dataclasses.replace(f, format=formats.get(f.path, "")) for f in stage(files, remove=sorted(stale))]
    except OSError as exc:
        fail(RenderError(f"cannot write the briefing into {first.parent}: {exc.strerror or exc}"))
    checkpoint("staged")
    publishing = Publishing(date, tuple(staged), tuple((a.id, a.source, a.title) for a in articles), tuple(stories))
    # 2. Intent.
    try:
        record.begin_publishing(publishing)
    except sqlite3.Error as exc:
        discard(staged)
        fail(StoreError(f"cannot note the briefing about to be published in the record: {exc}"))
    checkpoint("intent")
    # 3. Place.
    try:
        place(staged, after_rename=lambda path: checkpoint("between-files") if path == first else None)
    except OSError as exc:
        _forget(record, date)
        fail(RenderError(f"cannot put the briefing in place in {first.parent}: {exc.strerror or exc}"))
    checkpoint("before-commit")
    # 4. Commit.
    try:
        record.finish_publishing(publishing)
    except sqlite3.Error as exc:
        undo(staged)
        _forget(record, date)
        fail(StoreError(f"cannot record the published briefing ({exc}); its files were removed and its articles stay new"))
    discard(staged)
    checkpoint("committed")


def reconcile(record: Record, out_dir: Path, aside: Path, *, run: int) -> list[str]:
    """Settle what interrupted runs left: finish or undo their publications, sweep their
    temporaries in every date folder of ``out_dir``, move into ``aside`` the briefing files
    of dates whose runs were killed or failed and never published. Returns one line per
    thing done (``run`` is the run doing it). Raises RenderError when a file of ``out_dir``
    cannot be touched."""
    try:
        return _reconcile(record, out_dir, aside, run)
    except OSError as exc:
        raise RenderError(f"cannot settle what an interrupted run left in {out_dir}: {exc.strerror or exc}") from exc


def _reconcile(record: Record, out_dir: Path, aside: Path, run: int) -> list[str]:
    done: list[str] = []
    for publishing in record.pending_publications():
        if all(in_place(f) for f in publishing.files):
            record.finish_publishing(publishing)
            discard(publishing.files)
            done.append(f"finished publishing the briefing for {publishing.date}, interrupted after its files were in place")
        else:
            undo(publishing.files)
            record.forget_publishing(publishing.date)
            done.append(f"undid the interrupted publication of {publishing.date}; its articles stay new")
    folders = _date_folders(out_dir)
    for folder in [out_dir, *folders.values()] if out_dir.is_dir() else []:
        for stale in remove_stale_temporaries(folder):
            done.append(f"removed {stale}, left by an interrupted run")
    # Only dates of runs that were killed or failed, with no briefing: a date that merely
    # had "nothing new" may hold files some other record published into a shared out/.
    unpublished = record.interrupted_run_dates(besides=run) - record.briefing_dates()
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    for date, folder in sorted(folders.items()):
        if date not in unpublished:
            continue
        for path in sorted(folder.glob(f"{BRIEFING_FILE_PREFIX}{date.isoformat()}.*")):
            target = aside / date.isoformat() / f"{stamp}-{path.name}"  # never over an earlier one
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(path, target)
            done.append(f"moved {path} to {target}: the record has no briefing for {date} (an interrupted run)")
    for line in done:
        log.warning("%s", line)
    return done


def publish_index(out_dir: Path, templates_dir: Path) -> Path | None:
    """Rewrite ``OUT/index.html`` (atomically): every briefing found in ``out_dir``, newest
    first, each format's file linked by its relative path. The index is made from the
    folders themselves, so it lists what a reader can open, whatever record wrote it.
    A failure is logged, not raised: the briefing is published; the next run retries.
    No ``out_dir`` yet (nothing ever published): nothing is written."""
    if not out_dir.is_dir():
        return None
    from briefing.render import RENDERERS
    from briefing.render.templates import template_text

    by_suffix = {renderer.suffix: name for name, renderer in RENDERERS.items()}
    briefings: list[tuple[dt.date, dict[str, str]]] = []
    try:
        for date, folder in _date_folders(out_dir).items():
            files = {
                by_suffix[path.suffix]: f"{folder.name}/{path.name}"
                for path in sorted(folder.glob(f"{BRIEFING_FILE_PREFIX}{date.isoformat()}.*"))
                if path.suffix in by_suffix and path.is_file()
            }
            if files:
                briefings.append((date, files))
        index = out_dir / INDEX_NAME
        # The page says what it was made from; the same listing and templates again (a
        # run with nothing new) need no new page, nor Jinja2.
        made_from = _digest(repr(sorted(briefings)), template_text(templates_dir, "index.html.j2"),
                            template_text(templates_dir, "briefing.web.css"))
        stamp = f"<!-- briefing index {made_from} -->\n".encode()
        if index.is_file() and index.read_bytes().endswith(stamp):
            return index
        from briefing.render.html import render_index  # Jinja2, only when the page changes

        write_atomically({index: render_index(briefings, templates_dir) + b"\n" + stamp})
    except OSError as exc:
        log.warning("could not rewrite %s: %s (the next run tries again)", out_dir / INDEX_NAME, exc.strerror or exc)
        return None
    except Exception as exc:  # a template of one's own that fails: the briefing stands; say why, once a run
        log.warning("could not rewrite %s: %s: %s (the next run tries again)", out_dir / INDEX_NAME, type(exc).__name__, exc)
        log.info("the index's traceback", exc_info=True)
        return None
    return index


def _briefing_files(record: Record, date: dt.date, folders: set[Path]) -> set[Path]:
    """The files of ``date``'s briefing now: those the record has, and any
    ``briefing-DATE`` file of a known format in the folders being written to."""
    from briefing.render import RENDERERS

    existing = record.briefing(date)
    found = {path.absolute() for path in existing.files.values()} if existing is not None else set()
    suffixes = {renderer.suffix for renderer in RENDERERS.values()}
    for folder in folders:
        found.update(folder / f"{BRIEFING_FILE_PREFIX}{date.isoformat()}{suffix}" for suffix in suffixes)
    return {path for path in found if path.is_file()}


def _digest(*parts: str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    return digest.hexdigest()[:32]


def _forget(record: Record, date: dt.date) -> None:
    try:
        record.forget_publishing(date)
    except sqlite3.Error as exc:  # the disk may still be full: the next run's reconcile undoes it
        log.info("could not drop the publishing note for %s (%s); the next run settles it", date, exc)


def _date_folders(out_dir: Path) -> dict[dt.date, Path]:
    folders: dict[dt.date, Path] = {}
    if not out_dir.is_dir():
        return folders
    for path in out_dir.iterdir():
        try:
            date = dt.date.fromisoformat(path.name)
        except ValueError:
            continue
        if path.is_dir() and path.name == date.isoformat():
            folders[date] = path
    return folders
