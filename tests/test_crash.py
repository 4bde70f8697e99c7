"""A run killed with SIGKILL at the worst moments loses nothing and publishes nothing twice.

Each case starts a real `run_briefing` in its own process, with a checkpoint that stops
at the named point (after writing a marker file); the test then kills the process with
SIGKILL, checks what is left in out/ and in the record, and runs again.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from briefing.config import Config
from briefing.pipeline import run_briefing

DRIVER = """
import datetime as dt, pathlib, sys, time
from briefing.config import Config
from briefing.pipeline import run_briefing
point, marker, inbox, out, packages, database = sys.argv[1:7]
config = Config(input_dir=pathlib.Path(inbox), out_dir=pathlib.Path(out), argos_packages_dir=pathlib.Path(packages),
                database=pathlib.Path(database))
def checkpoint(name):
    if name == point:
        pathlib.Path(marker).write_text(name)
        time.sleep(600)
run_briefing(config, date=dt.date(2026, 11, 22), checkpoint=checkpoint)
"""


def kill_at(point: str, config: Config, tmp_path: Path) -> None:
    marker = tmp_path / f"reached-{point}"
    process = subprocess.Popen(
        [sys.executable, "-c", DRIVER, point, str(marker), str(config.input_dir), str(config.out_dir),
         str(config.argos_packages_dir), str(config.database)],
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
    with sqlite3.connect(database) as db:
        return sorted(db.execute("SELECT date, article_id FROM briefing_articles"))


@pytest.mark.parametrize("point", ["ingest", "translate", "between-files", "before-commit"])
def test_killed_run_leaves_nothing_half_done_and_the_next_run_publishes_once(
    point: str, config: Config, model: object, tmp_path: Path
) -> None:
    assert config.database is not None
    kill_at(point, config, tmp_path)

    # Nothing is marked as published: the commit never happened.
    assert published_rows(config.database) == []
    # Whatever carries a final name in out/ is whole (a killed run may leave only hidden temporaries).
    day = config.out_dir / "2026-11-22"
    final = sorted(p.name for p in day.iterdir() if not p.name.startswith(".")) if day.exists() else []
    expected_final = {
        "ingest": [],
        "translate": [],
        "between-files": ["briefing-2026-11-22.md"],
        "before-commit": ["briefing-2026-11-22.md", "briefing-2026-11-22.pdf"],
    }[point]
    assert final == expected_final
    for name in final:
        data = (day / name).read_bytes()
        assert data.rstrip().endswith(b"%%EOF") if name.endswith(".pdf") else data.rstrip().endswith(b"against the Arabic.*")

    # The next run publishes every article exactly once and sweeps the temporaries.
    report = run_briefing(config, date=dt.date(2026, 11, 22), decoder=model)  # type: ignore[arg-type]
    assert report.articles_published == 2
    rows = published_rows(config.database)
    assert len(rows) == 2 and len({article for _, article in rows}) == 2
    assert sorted(p.name for p in day.iterdir()) == ["briefing-2026-11-22.md", "briefing-2026-11-22.pdf"]
    # And a run after that finds nothing new.
    assert run_briefing(config, date=dt.date(2026, 11, 23), decoder=model).articles_published == 0  # type: ignore[arg-type]
