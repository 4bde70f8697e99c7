"""Folder models: a CTranslate2 model with separate source and target SentencePiece models
(the second test model, tests/data/ar_en-test-folder), installed, chosen, translating."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from briefing.config import Config
from briefing.errors import ModelNotInstalledError, PackageInstallError
from briefing.pipeline import run_briefing
from briefing.store import TranslationMemory, open_database
from briefing.translate import TranslationEngine, install_folder_model, installed_models, open_model
from briefing.translate.limits import position_tables
from tests.conftest import FOLDER_MODEL, REPO, read_phrasebook

PHRASES = read_phrasebook()


def folder_model(packages_dir: Path, models_dir: Path):  # type: ignore[no-untyped-def]
    return open_model(packages_dir, models_dir, "ar", "en", name="ar_en-test-folder")


def test_it_installs_and_is_listed_with_kind_size_and_licence(packages_dir: Path, models_dir: Path) -> None:
    listed = {(m.kind, m.label, m.licence) for m in installed_models(packages_dir, models_dir)}
    assert listed == {("argos", "translate-ar_en-test 1.0", ""), ("folder", "ar_en-test-folder 1.0", "CC0-1.0")}
    [folder] = [m for m in installed_models(packages_dir, models_dir) if m.kind == "folder"]
    assert sorted(p.name for p in folder.path.iterdir()) == ["model", "model.toml", "source.spm", "target.spm"]
    assert 0.5e6 < folder.size_bytes < 2e6


@pytest.mark.parametrize(("arabic", "english"), PHRASES[8:20], ids=[e for _, e in PHRASES[8:20]])
def test_it_translates_the_phrasebook_exactly(packages_dir: Path, models_dir: Path, arabic: str, english: str) -> None:
    [decoded] = folder_model(packages_dir, models_dir).decode([arabic])
    assert decoded.text == english


def test_its_limits_come_from_its_model_bin(packages_dir: Path, models_dir: Path) -> None:
    model = folder_model(packages_dir, models_dir)
    assert position_tables(model.model_dir / "model.bin") == {"encoder": 256, "decoder": 256}
    assert (model.limits.max_input, model.limits.max_output, model.limits.source) == (256, 256, "model.bin")


def test_the_memory_keeps_its_outputs_apart_from_the_argos_packages(
    packages_dir: Path, models_dir: Path, model: object, tmp_path: Path
) -> None:
    memory = TranslationMemory(open_database(tmp_path / "tm.sqlite3"))
    folder = folder_model(packages_dir, models_dir)
    text = "ذهب الولد إلى المدرسة صباحا في الحافلة."  # unseen: the two models say different things
    by_argos = TranslationEngine(model, memory=memory).translate([text])[text]  # type: ignore[arg-type]
    by_folder = TranslationEngine(folder, memory=memory).translate([text])[text]
    assert by_folder.origin == "model"  # not served the Argos package's English
    assert by_argos.text != by_folder.text
    assert folder.fingerprint != model.fingerprint  # type: ignore[attr-defined]
    assert memory.lookup(folder.fingerprint, [text])[text].output == by_folder.text
    again = TranslationEngine(folder, memory=memory).translate([text])[text]
    assert (again.origin, again.text) == ("memory", by_folder.text)


def test_translate_model_chooses_it_for_the_briefing(config: Config, models_dir: Path) -> None:
    chosen = config.replace(models_dir=models_dir, model="ar_en-test-folder")
    report = run_briefing(chosen)
    assert report.model == "ar_en-test-folder 1.0" and report.articles_published == 2
    assert report.stories[0]["title_en"] == "A Turkish-Russian race to decide the fate of Ain Issa, and the SDF faces a single option"


def test_an_unknown_model_name_says_what_is_installed(packages_dir: Path, models_dir: Path) -> None:
    with pytest.raises(ModelNotInstalledError, match="no installed model is named 'opus' .*ar_en-test-folder"):
        open_model(packages_dir, models_dir, "ar", "en", name="opus")


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda f: (f / "model.toml").unlink(), "no model.toml"),
        (lambda f: (f / "target.spm").unlink(), "SentencePiece model 'target.spm' is not a file of the folder"),
        (lambda f: (f / "model" / "model.bin").unlink(), "no model/model.bin"),
        (lambda f: _edit(f, 'name = "ar_en-test-folder"', 'name = "../evil"'), "letters, digits"),
        (lambda f: _edit(f, 'licence = "CC0-1.0"\n', ""), "licence must be a non-empty string"),
        (lambda f: (f / "link").symlink_to("/etc/passwd"), "is a symbolic link"),
    ],
)
def test_a_bad_folder_is_refused_and_nothing_installed(tmp_path: Path, change, reason: str) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "model"
    shutil.copytree(FOLDER_MODEL, folder)
    change(folder)
    with pytest.raises(PackageInstallError, match=reason):
        install_folder_model(tmp_path / "models", folder)
    assert not (tmp_path / "models").exists() or list((tmp_path / "models").iterdir()) == []


def test_a_folder_model_never_replaces_a_model_of_another_pair(tmp_path: Path) -> None:
    install_folder_model(tmp_path / "models", FOLDER_MODEL)
    other = tmp_path / "fr"
    shutil.copytree(FOLDER_MODEL, other)
    _edit(other, 'from = "ar"', 'from = "fr"')
    with pytest.raises(PackageInstallError, match="holds another model"):
        install_folder_model(tmp_path / "models", other)
    assert (tmp_path / "models" / "ar_en-test-folder" / "model.toml").read_text() == (FOLDER_MODEL / "model.toml").read_text()


def _edit(folder: Path, old: str, new: str) -> None:
    path = folder / "model.toml"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_the_quality_command_scores_every_installed_model(tmp_path: Path, packages_dir: Path, models_dir: Path) -> None:
    ntrex = tmp_path / "ntrex"  # a small NTREX-shaped folder: the phrasebook's own pairs
    ntrex.mkdir()
    (ntrex / "ar.txt").write_text("\n".join(a for a, _ in PHRASES[8:28]) + "\n", encoding="utf-8")
    (ntrex / "en.txt").write_text("\n".join(e for _, e in PHRASES[8:28]) + "\n", encoding="utf-8")
    config = tmp_path / "briefing.toml"
    config.write_text(f'[translate]\npackages_dir = "{packages_dir}"\nmodels_dir = "{models_dir}"\n', encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "briefing.evaluate", "translation", str(ntrex), "--json", "--config", str(config)],
        cwd=REPO, capture_output=True, text=True, timeout=300, check=False,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert set(report) == {"models", "n_segments", "reference_flagged"} and report["n_segments"] == 20
    assert set(report["models"]) == {"translate-ar_en-test 1.0", "ar_en-test-folder 1.0"}
    for scores in report["models"].values():
        assert set(scores) == {"bleu", "chrf", "sentences_per_s", "flagged"}
        assert scores["bleu"] == 100.0 and scores["chrf"] == 100.0  # both know these sentences by heart
        assert scores["sentences_per_s"] > 0 and scores["flagged"] == 0.0  # correct, and nothing marked
    assert report["reference_flagged"] == 0.0


@pytest.mark.parametrize("special", ["device", "fifo"])
def test_a_folder_holding_a_device_or_a_pipe_is_refused_before_anything_is_copied(tmp_path: Path, special: str) -> None:
    """A copy of /dev/zero in the folder would be read without end (35 GB in 60 s before)."""
    import os

    folder = tmp_path / "model"
    shutil.copytree(FOLDER_MODEL, folder)
    if special == "device":
        if os.getuid() != 0:
            pytest.skip("making a device node needs root")
        os.mknod(folder / "model" / "extra.bin", 0o600 | __import__("stat").S_IFCHR, os.makedev(1, 5))
    else:
        os.mkfifo(folder / "model" / "extra.bin")
    with pytest.raises(PackageInstallError, match="extra.bin is not a regular file"):
        install_folder_model(tmp_path / "models", folder)
    assert not (tmp_path / "models").exists()
