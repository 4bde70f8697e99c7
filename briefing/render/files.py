from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path

__all__ = ["remove_stale_temporaries", "write_atomically"]

# Hidden temporaries a killed run can leave beside its targets; the next run removes them.
TEMPORARY_SUFFIXES = (".partial", ".previous")


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Delete the hidden ``.NAME.*.partial`` / ``.previous`` files a killed run left in ``folder``."""
    removed = []
    if folder.is_dir():
        for path in folder.glob(".*"):
            if path.is_file() and path.name.endswith(TEMPORARY_SUFFIXES):
                path.unlink(missing_ok=True)
                removed.append(path)
    return removed


def write_atomically(outputs: dict[Path, bytes], *, after_rename: Callable[[Path], None] | None = None) -> None:
    """Publish several files together: all of them, complete, or none of them changed.

    Each file is written and fsynced under a hidden temporary name next to its
    target, then renamed over it, so a reader always finds either the old file or the
    new one, whole, under the final name. An existing target is first hard-linked to
    a hidden backup; if any step fails or the process is interrupted, the files already
    placed are put back as they were. (Only a hard kill between two renames can leave
    one new file beside one old one; the run record resolves that.)
    """
    staged: list[tuple[Path, Path]] = []
    backups: dict[Path, Path] = {}
    placed: list[Path] = []
    try:
        for target, data in outputs.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            staged.append((_write_temporary(target, data, ".partial"), target))
        for _, target in staged:
            if target.exists():
                backup = _temporary_name(target, ".previous")
                os.link(target, backup)
                backups[target] = backup
        try:
            for tmp_path, target in staged:
                os.replace(tmp_path, target)
                placed.append(target)
                if after_rename is not None:
                    after_rename(target)
        except BaseException:
            for target in placed:
                if target in backups:
                    os.replace(backups.pop(target), target)
                else:
                    target.unlink(missing_ok=True)
            raise
        _fsync_dirs({target.parent for _, target in staged})
    finally:
        for tmp_path, _ in staged:
            tmp_path.unlink(missing_ok=True)
        for backup in backups.values():
            backup.unlink(missing_ok=True)


def _write_temporary(target: Path, data: bytes, suffix: str) -> Path:
    name = _temporary_name(target, suffix)
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
