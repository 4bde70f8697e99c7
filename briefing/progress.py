"""Progress of a long run: reading the sources, grouping, translating, rendering.

The pipeline says which stage it is in and how far it got (``stage``, ``advance``); the
decoder reports each batch it finishes. Who listens is chosen by the command line
(``reporting``): a ``rich`` progress display on a terminal, with the sentences translated
and the time left; plain log lines otherwise (at INFO: shown with ``-v``, so a CI log or
a cron mail gets none without it), and always with ``--json``. Library code that runs
outside ``reporting`` reports to no one.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Protocol

__all__ = ["LogProgress", "Progress", "RichProgress", "advance", "reporting", "stage"]

log = logging.getLogger(__name__)


class Progress(Protocol):
    def stage(self, name: str, total: int | None) -> None:
        """A stage begins: ``name`` ("translating"), with ``total`` steps if known."""

    def advance(self, steps: int) -> None:
        """``steps`` more steps of the current stage are done."""

    def close(self) -> None:
        """The run is over."""


class _Silent:
    def stage(self, name: str, total: int | None) -> None:
        pass

    def advance(self, steps: int) -> None:
        pass

    def close(self) -> None:
        pass


class LogProgress:
    """One INFO line per stage, and one when it ends, with its time."""

    def __init__(self) -> None:
        self._current: tuple[str, int | None, float] | None = None

    def stage(self, name: str, total: int | None) -> None:
        self._end()
        self._current = (name, total, time.monotonic())
        log.info("%s%s", name, f" ({total:,})" if total is not None else "")

    def advance(self, steps: int) -> None:
        pass

    def close(self) -> None:
        self._end()

    def _end(self) -> None:
        if self._current is not None:
            name, _, started = self._current
            log.info("%s: done in %.1f s", name, time.monotonic() - started)
            self._current = None


class RichProgress:
    """A ``rich`` display on the terminal: one line per stage, a bar and the time left
    where the number of steps is known (the sentences to translate)."""

    def __init__(self, console: Any) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeRemainingColumn,
        )

        self._display = Progress(
            SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
            console=console, transient=False,
        )
        self._task: Any = None
        self._total: int | None = None
        self._display.start()

    def stage(self, name: str, total: int | None) -> None:
        self._finish_task()
        self._task, self._total = self._display.add_task(name.capitalize(), total=total), total

    def advance(self, steps: int) -> None:
        if self._task is not None:
            self._display.advance(self._task, steps)

    def close(self) -> None:
        self._finish_task()
        self._display.stop()

    def _finish_task(self) -> None:
        if self._task is not None:
            done = self._total if self._total is not None else 1  # a stage without a count: shown whole
            self._display.update(self._task, total=done, completed=done)
            self._task = None


_SILENT = _Silent()
_LISTENER: ContextVar[Progress | None] = ContextVar("briefing_progress", default=None)


@contextmanager
def reporting(progress: Progress) -> Iterator[Progress]:
    """Report the stages run inside this block to ``progress``; closed at the end."""
    token = _LISTENER.set(progress)
    try:
        yield progress
    finally:
        _LISTENER.reset(token)
        progress.close()


def stage(name: str, total: int | None = None) -> None:
    (_LISTENER.get() or _SILENT).stage(name, total)


def advance(steps: int = 1) -> None:
    (_LISTENER.get() or _SILENT).advance(steps)
