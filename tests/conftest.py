"""Shared fixtures: an isolated home, the real test Argos package installed, real configs.

``argostranslate.settings`` reads its environment and creates folders under the
home directory the first time it is imported, so ``pytest_configure`` points HOME,
the XDG folders and ARGOS_PACKAGES_DIR at a temporary directory before any test
(or our code) can import it. Fontconfig's cache, used by WeasyPrint, follows
XDG_CACHE_HOME into the same place. Nothing in the user's home is read or written.
"""

from __future__ import annotations

import http.server
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SEEDS = REPO / "seeds"
TEST_PACKAGE = DATA / "translate-ar_en-test.argosmodel"
PHRASEBOOK = DATA / "phrasebook.tsv"

_ISOLATED_HOME = Path(tempfile.mkdtemp(prefix="briefing-tests-home-"))


def pytest_configure(config: pytest.Config) -> None:
    os.environ["HOME"] = str(_ISOLATED_HOME)
    for variable, sub in (("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"), ("XDG_CACHE_HOME", "cache")):
        os.environ[variable] = str(_ISOLATED_HOME / sub)
    # Argos's own default packages folder, in case anything reaches it: also temporary.
    os.environ["ARGOS_PACKAGES_DIR"] = str(_ISOLATED_HOME / "argos-default-packages")


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(_ISOLATED_HOME, ignore_errors=True)


def read_phrasebook() -> list[tuple[str, str]]:
    """(Arabic, English as the model says it) for every phrasebook row."""
    pairs = []
    for line in PHRASEBOOK.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            source, target, *_ = line.split("\t")
            pairs.append((source, target))
    return pairs


@pytest.fixture(scope="session")
def packages_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A packages folder holding the test package, installed by the real Argos code."""
    from briefing.translate import install_from_file

    folder = tmp_path_factory.mktemp("argos-packages")
    install_from_file(folder, TEST_PACKAGE)
    return folder


@pytest.fixture(scope="session")
def model(packages_dir: Path) -> Iterator[object]:
    """The test package's model, loaded once for the session."""
    from briefing.translate import ArgosModel

    yield ArgosModel.for_pair(packages_dir, "ar", "en")


@pytest.fixture
def seeds_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    shutil.copytree(SEEDS, folder)
    return folder


@pytest.fixture
def config(tmp_path: Path, seeds_dir: Path, packages_dir: Path):  # type: ignore[no-untyped-def]
    from briefing.config import Config

    return Config(
        input_dir=seeds_dir,
        out_dir=tmp_path / "out",
        argos_packages_dir=packages_dir,
        database=tmp_path / "briefing.sqlite3",
    )


@pytest.fixture
def local_server() -> Iterator[tuple[str, list[str]]]:
    """A real HTTP server on 127.0.0.1 that records every path requested."""
    requested: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requested.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requested
    finally:
        server.shutdown()
        server.server_close()


FOLDER_MODEL = DATA / "ar_en-test-folder"


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A models folder holding the folder test model (separate SentencePiece models), installed for real."""
    from briefing.translate import install_folder_model

    folder = tmp_path_factory.mktemp("folder-models")
    install_folder_model(folder, FOLDER_MODEL)
    return folder
