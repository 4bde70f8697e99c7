"""Briefing files on disk: written whole under hidden names, then renamed into place.

The steps are separate so that ``publish`` can record what it is about to do between
them: ``stage`` (complete temporaries, fsynced, and hard-link backups of the files they
replace), ``place`` (the renames), then ``discard`` (the leftovers) or ``undo`` (the old
files back). ``write_atomically`` chains them for a caller with no record to keep.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from collections.abc import Callable, Iterable
from pathlib import Path

from briefing.types import REMOVED, PendingFile

__all__ = [
    "discard",
    "file_digest",
    "place",
    "remove_stale_temporaries",
    "stage",
    "undo",
    "write_atomically",
]

# Hidden temporaries a killed run can leave beside its targets (``.NAME.TOKEN.partial``
# and ``.previous``); the next run removes them.
_TEMPORARY = re.compile(r"^\..+\.[0-9a-f]{12}\.(partial|previous)$")


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Delete the hidden ``.NAME.TOKEN.partial`` / ``.previous`` files a killed run left in ``folder``."""
    removed = []
    if folder.is_dir():
        for path in folder.glob(".*"):
            if path.is_file() and _TEMPORARY.match(path.name):
                path.unlink(missing_ok=True)
                removed.append(path)
    return removed


def stage(outputs: dict[Path, bytes], *, remove: Iterable[Path] = ()) -> list[PendingFile]:
    """Each output written and fsynced under a hidden name beside its target, and each
    target that exists hard-linked to a hidden backup; each file of ``remove`` that exists
    hard-linked to a hidden backup too (``place`` removes it). Nothing under a final name
    changes. On failure, whatever was written is removed and the error raised."""
    staged: list[PendingFile] = []
    try:
        for target in remove:
            if target.is_file():
                kept = _temporary_name(target, ".previous")
                os.link(target, kept)
                staged.append(PendingFile(target, REMOVED, kept, kept))
        for target, data in outputs.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = _write_temporary(target, data)
            backup = _temporary_name(target, ".previous") if target.exists() else None
            try:
                if backup is not None:
                    os.link(target, backup)
            except BaseException:
                temporary.unlink(missing_ok=True)
                raise
            staged.append(PendingFile(target, hashlib.sha256(data).hexdigest(), temporary, backup))
        _fsync_dirs({f.path.parent for f in staged})
    except BaseException:
        discard(staged)
        raise
    return staged


def place(staged: Iterable[PendingFile], *, after_rename: Callable[[Path], None] | None = None) -> None:
    """Rename each staged file over its target. If a rename fails, the ones done are undone."""
    staged = list(staged)
    try:
        for pending in sorted(staged, key=lambda f: f.removes):  # the new files first, then the old ones go
            if pending.removes:
                pending.path.unlink(missing_ok=True)
            else:
                os.replace(pending.temporary, pending.path)
            if after_rename is not None:
                after_rename(pending.path)
        _fsync_dirs({f.path.parent for f in staged})
    except BaseException:
        undo(staged)
        raise


def undo(staged: Iterable[PendingFile]) -> None:
    """Put back what the targets held before: each target that holds the new file gets its
    backup back, or is removed when there was none. Safe to repeat, and after a crash; the
    folders are synced, so what was put back stays back before the caller forgets it."""
    staged = list(staged)
    for pending in staged:
        if pending.removes:
            if not pending.path.exists() and pending.backup is not None and pending.backup.is_file():
                os.replace(pending.backup, pending.path)
        elif pending.path.is_file() and file_digest(pending.path) == pending.sha256:
            if pending.backup is not None and pending.backup.is_file():
                os.replace(pending.backup, pending.path)
            else:
                pending.path.unlink(missing_ok=True)
    _fsync_dirs({f.path.parent for f in staged if f.path.parent.is_dir()})
    discard(staged)


def discard(staged: Iterable[PendingFile]) -> None:
    """Remove the temporaries and backups that remain."""
    for pending in staged:
        pending.temporary.unlink(missing_ok=True)
        if pending.backup is not None:
            pending.backup.unlink(missing_ok=True)


def write_atomically(outputs: dict[Path, bytes], *, after_rename: Callable[[Path], None] | None = None) -> None:
    """Publish several files together: all of them, complete, or none of them changed.

    A reader always finds either the old file or the new one, whole, under the final
    name. (Only a hard kill between two renames can leave one new file beside one old
    one; ``publish`` records its intent first so the next run can settle that.)
    """
    staged = stage(outputs)
    try:
        place(staged, after_rename=after_rename)
    finally:
        discard(staged)


def in_place(pending: PendingFile) -> bool:
    """Whether ``place`` got to this file: the new content under its name, or, for a file
    it removes, the name gone."""
    if pending.removes:
        return not pending.path.exists()
    return pending.path.is_file() and file_digest(pending.path) == pending.sha256


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_temporary(target: Path, data: bytes) -> Path:
    name = _temporary_name(target, ".partial")
    # os.open with 0o666 lets the umask decide, as for any file the user writes;
    # mkstemp's 0o600 would leave published briefings unreadable to the team.
    fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        name.unlink(missing_ok=True)
        raise
    return name


def _temporary_name(target: Path, suffix: str) -> Path:
    """A fresh hidden name beside ``target``; nothing is created there."""
    return target.with_name(f".{target.name}.{secrets.token_hex(6)}{suffix}")


def _fsync_dirs(folders: set[Path]) -> None:
    for folder in folders:
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
