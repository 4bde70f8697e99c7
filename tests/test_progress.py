"""Progress on long work: a rich display on a terminal, log lines (at -v) elsewhere, none in --json.

The terminal is a real pseudo-terminal (``pty``): the command cannot tell it from a user's.
"""

from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
import sys
from pathlib import Path

from tests.test_cli import SEEDS, run, write_config

DATE = "2026-11-22"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def on_a_terminal(folder: Path, *args: str) -> tuple[int, str, str]:
    """Run briefing with stderr on a pseudo-terminal: (exit code, stdout, what the terminal showed)."""
    controller, terminal = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120"}
    env.pop("NO_COLOR", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "briefing", *args], cwd=folder, stdout=subprocess.PIPE, stderr=terminal, env=env,
    )
    os.close(terminal)
    shown = b""
    while True:
        ready, _, _ = select.select([controller], [], [], 120)
        if not ready:
            break
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal closed: the process is done
            break
        if not chunk:
            break
        shown += chunk
    assert process.stdout is not None
    out = process.stdout.read().decode()
    process.stdout.close()
    os.close(controller)
    return process.wait(timeout=120), out, ANSI.sub("", shown.decode(errors="replace"))


def test_a_terminal_shows_each_stage_and_the_sentences_translated(tmp_path: Path, packages_dir: Path) -> None:
    write_config(tmp_path, packages_dir)
    code, out, shown = on_a_terminal(tmp_path, "generate", "--input", str(SEEDS), "--out", str(tmp_path / "out"), "--date", DATE)
    assert code == 0, shown
    for stage in ("Reading sources", "Grouping stories", "Translating sentences", "Rendering", "Publishing"):
        assert stage in shown
    # The seeds' texts to translate: the headline, 5 key sentences, the 9 framing phrases, all done.
    assert re.search(r"Translating sentences\W+15/15", shown), shown
    assert re.search(r"Rendering\W+3/3", shown), shown
    assert out.strip().endswith(f"briefing-{DATE}.html")


def test_no_display_with_json_even_on_a_terminal(tmp_path: Path, packages_dir: Path) -> None:
    write_config(tmp_path, packages_dir)
    code, out, shown = on_a_terminal(
        tmp_path, "generate", "--input", str(SEEDS), "--out", str(tmp_path / "out"), "--date", DATE, "--json"
    )
    assert code == 0 and json.loads(out)["articles_published"] == 2
    assert "Translating" not in shown and "Reading sources" not in shown


def test_off_a_terminal_plain_log_lines_only_with_v(tmp_path: Path, packages_dir: Path) -> None:
    write_config(tmp_path, packages_dir)
    quiet = run("generate", "--input", SEEDS, "--out", tmp_path / "out", "--date", DATE, cwd=tmp_path)
    assert quiet.returncode == 0 and quiet.stderr == ""  # a CI log or a cron mail: nothing
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    write_config(fresh, packages_dir)
    verbose = run("-v", "generate", "--input", SEEDS, "--out", fresh / "out", "--date", DATE, cwd=fresh)
    assert verbose.returncode == 0, verbose.stderr
    lines = [line.split(": ", 1)[1] for line in verbose.stderr.splitlines() if " INFO briefing.progress: " in line]
    assert [line for line in lines if "done in" not in line] == [
        "reading sources", "grouping stories", "translating sentences (15)",
        "translating again the sentences that lost a name (1)",  # the glossary's placeholder dropped: decoded plain
        "rendering (3)", "publishing",
    ]
    assert not ANSI.search(verbose.stderr) and "━" not in verbose.stderr
