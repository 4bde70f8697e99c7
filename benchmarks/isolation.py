"""Keep benchmarks out of the user's home: point argostranslate and briefing at a scratch folder."""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def isolate(work: Path) -> None:
    """Call before anything imports argostranslate (it reads these once, at import)."""
    for variable in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        os.environ[variable] = str(work / variable.lower())
    os.environ["ARGOS_PACKAGES_DIR"] = str(work / "packages")
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
