"""Keep benchmarks out of the user's home: point argostranslate and briefing at a scratch folder."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def isolate(work: Path) -> None:
    """Call before anything imports argostranslate (it reads these once, at import)."""
    for variable in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        os.environ[variable] = str(work / variable.lower())
    os.environ["ARGOS_PACKAGES_DIR"] = str(work / "packages")
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))


def data_missing(path: Path) -> bool:
    """True (and says so) when a benchmark's data file is not there: the benchmark is skipped."""
    if path.is_file():
        return False
    print(f"skipped: {path} not found (the data lives in ../shared/data)", file=sys.stderr)
    return True


def unpacked_day(day: Path, work: Path) -> Path:
    """A SaudiNewsNet day's JSON (``day``: its zip) unpacked into ``work/inbox``, a folder to read."""
    import zipfile

    inbox = work / "inbox"
    inbox.mkdir()
    with zipfile.ZipFile(day) as archive:
        archive.extractall(inbox)
    return inbox


@contextmanager
def scratch_home() -> Iterator[Path]:
    """A temporary folder that argostranslate and briefing take as home (see ``isolate``)."""
    with tempfile.TemporaryDirectory(prefix="briefing-bench-") as tmp:
        work = Path(tmp)
        isolate(work)
        yield work
