from __future__ import annotations

import os
import secrets
from pathlib import Path

__all__ = ["write_atomically"]


def write_atomically(outputs: dict[Path, bytes]) -> None:
    """Publish several files together: all of them, complete, or none of them changed.

    Each file is written and fsynced under a hidden temporary name next to its
    target, then renamed into place, so no reader (and no crash) sees a half-written
    file under a final name. A target that already exists is first moved aside; if
    any rename fails, the files already placed are taken back and the old ones
    restored. Temporaries never outlive the call. (A crash between two renames can
    still leave one new file beside one old one; the run record resolves that.)
    """
    staged: list[tuple[Path, Path]] = []
    backups: list[tuple[Path, Path]] = []
    placed: list[Path] = []
    try:
        for target, data in outputs.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            staged.append((_write_temporary(target, data, ".partial"), target))
        try:
            for tmp_path, target in staged:
                if target.exists():
                    backup = _temporary_name(target, ".previous")
                    os.replace(target, backup)
                    backups.append((backup, target))
                os.replace(tmp_path, target)
                placed.append(target)
        except OSError:
            for target in placed:
                target.unlink(missing_ok=True)
            for backup, target in backups:
                os.replace(backup, target)
            backups.clear()
            raise
        _fsync_dirs({target.parent for _, target in staged})
    finally:
        for tmp_path, _ in staged:
            tmp_path.unlink(missing_ok=True)
        for backup, _ in backups:
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
