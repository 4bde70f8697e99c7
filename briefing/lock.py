"""One run at a time: an exclusive lock on a file, shared by the CLI and the scheduler.

``fcntl.flock`` locks belong to the open file and vanish when the process dies, so a
killed run never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from briefing.errors import LockedError, StoreError

__all__ = ["LOCK_POLL_S", "run_lock"]

log = logging.getLogger(__name__)

# How often a waiting run retries the lock: often enough to start promptly, rarely
# enough to cost nothing.
LOCK_POLL_S = 0.2


@contextmanager
def run_lock(path: Path, wait_s: float) -> Iterator[None]:
    """Hold the lock at ``path``, waiting up to ``wait_s`` seconds for another run to finish."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise StoreError(f"cannot open the run lock {path}: {exc.strerror or exc}") from exc
    try:
        deadline = time.monotonic() + wait_s
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "another process"
                    raise LockedError(
                        f"another briefing run is in progress (pid {holder}, lock {path}); "
                        f"waited {wait_s:g} s. Try again when it has finished."
                    ) from None
                time.sleep(LOCK_POLL_S)
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, str(os.getpid()).encode(), 0)  # who holds it, for the message above
        except OSError as exc:  # a full disk: the lock is held all the same
            log.info("could not write the pid into %s: %s", path, exc.strerror or exc)
        yield
    finally:
        os.close(fd)  # releases the lock
