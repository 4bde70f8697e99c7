"""`bash scripts/demo.sh`, run as a new user runs it, then the commands the README shows.

The demo runs in a copy of the checkout's files it uses (scripts/, seeds/, the test model)
with a `.venv` whose `python` and `briefing` are this test run's interpreter and command,
and whose `pip install` does nothing: the one part replaced, because installing the
package again would take a minute and point this environment's editable install at the
copy (scripts/test.sh has just run that same install for real).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import TEST_PACKAGE

REPO = Path(__file__).resolve().parents[1]


def fake_venv(folder: Path) -> None:
    bin_dir = folder / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    python = bin_dir / "python"
    python.write_text(
        "#!/bin/sh\n"
        '[ "$1 $2 $3" = "-m pip install" ] && exit 0  # installed already (see the module docstring)\n'
        f'exec "{sys.executable}" "$@"\n',
        encoding="utf-8",
    )
    briefing = bin_dir / "briefing"
    briefing.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m briefing "$@"\n', encoding="utf-8")
    for script in (python, briefing):
        script.chmod(0o755)


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    folder = tmp_path / "briefing"
    (folder / "tests" / "data").mkdir(parents=True)
    shutil.copytree(REPO / "scripts", folder / "scripts")
    shutil.copytree(REPO / "seeds", folder / "seeds")
    shutil.copy(REPO / "pyproject.toml", folder / "pyproject.toml")
    shutil.copy(TEST_PACKAGE, folder / "tests" / "data" / TEST_PACKAGE.name)
    (folder / "out").mkdir()
    fake_venv(folder)
    return folder


def run(folder: Path, *command: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    # No Argos model in the (test) home unless ``env`` points Argos at one.
    env = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    return subprocess.run(list(command), cwd=folder, capture_output=True, text=True, env=env, timeout=300, check=False)


def test_the_demo_leaves_a_setup_the_readme_commands_use(checkout: Path) -> None:
    demo = run(checkout, "bash", "scripts/demo.sh", "--date", "2026-11-22")
    assert demo.returncode == 0, demo.stderr
    assert demo.stderr.splitlines()[0].startswith("Installing briefing and its dependencies into .venv")
    assert "using the small test model" in demo.stderr
    assert (checkout / "out" / "2026-11-22" / "briefing-2026-11-22.pdf").is_file()
    assert "Settings in briefing.toml" in demo.stderr.splitlines()[-1]
    settings = (checkout / "briefing.toml").read_text(encoding="utf-8")
    assert settings.startswith("# Written by scripts/demo.sh")
    assert 'dir = "seeds"' in settings and 'path = ".demo/briefing.sqlite3"' in settings

    # The commands the README shows, from the checkout, with no --config: the demo's setup.
    status = run(checkout, ".venv/bin/briefing", "status", "--json")
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["last_runs"][0]["date"] == "2026-11-22"
    models = run(checkout, ".venv/bin/briefing", "models", "list")
    assert models.returncode == 0 and models.stdout.startswith("ar->en"), models.stdout + models.stderr
    again = run(checkout, ".venv/bin/briefing", "generate", "--date", "2026-11-22", "--force", "--json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["articles_published"] == 2

    # Run again: the file it wrote is its own to rewrite, and the model is still there.
    rerun = run(checkout, "bash", "scripts/demo.sh", "--date", "2026-11-23")
    assert rerun.returncode == 0, rerun.stderr
    assert (checkout / "briefing.toml").read_text(encoding="utf-8") == settings
    assert not (checkout / ".demo" / "briefing.toml").exists()
    assert "Settings in briefing.toml" in rerun.stderr.splitlines()[-1]
    assert "already installed" in rerun.stderr.splitlines()[0]


def test_the_demo_never_overwrites_your_own_settings(checkout: Path) -> None:
    mine = '[output]\ntimezone = "Asia/Riyadh"\n'
    (checkout / "briefing.toml").write_text(mine, encoding="utf-8")
    demo = run(checkout, "bash", "scripts/demo.sh", "--date", "2026-11-22")
    assert demo.returncode == 0, demo.stderr
    assert (checkout / "briefing.toml").read_text(encoding="utf-8") == mine
    assert ".venv/bin/briefing --config .demo/briefing.toml status" in demo.stderr.splitlines()[-1]
    assert 'dir = "../seeds"' in (checkout / ".demo" / "briefing.toml").read_text(encoding="utf-8")
    status = run(checkout, ".venv/bin/briefing", "--config", ".demo/briefing.toml", "status", "--json")
    assert json.loads(status.stdout)["last_runs"][0]["date"] == "2026-11-22"


def test_with_a_model_installed_the_demo_uses_it(checkout: Path, tmp_path: Path) -> None:
    # A model where Argos keeps them (ARGOS_PACKAGES_DIR: Argos's own setting, the test's folder).
    argos = {"ARGOS_PACKAGES_DIR": str(tmp_path / "argos-packages")}
    empty = tmp_path / "empty.toml"
    empty.write_text("", encoding="utf-8")
    installed = run(checkout, ".venv/bin/briefing", "--config", str(empty), "models", "install", str(TEST_PACKAGE), env=argos)
    assert installed.returncode == 0, installed.stderr
    demo = run(checkout, "bash", "scripts/demo.sh", "--date", "2026-11-22", env=argos)
    assert demo.returncode == 0, demo.stderr
    assert "test model" not in demo.stderr
    assert "packages_dir" not in (checkout / "briefing.toml").read_text(encoding="utf-8")
    assert not (checkout / ".demo" / "argos-packages").exists()
    status = run(checkout, ".venv/bin/briefing", "status", "--json", env=argos)
    assert json.loads(status.stdout)["last_runs"][0]["outcome"] == "published"
