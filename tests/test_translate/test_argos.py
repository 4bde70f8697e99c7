"""The real Argos code path with the small real test package (tests/data/*.argosmodel)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from briefing.arabic import split_sentences
from briefing.errors import ModelNotInstalledError, PackageInstallError
from briefing.translate import ArgosModel, install_from_file, list_installed_packages
from briefing.translate.argos import BATCH_SENTENCES, equal_length_batches
from tests.conftest import TEST_PACKAGE, read_phrasebook

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

PHRASEBOOK = read_phrasebook()


def test_phrasebook_is_about_thirty_pairs_with_seed_sentences() -> None:
    assert 28 <= len(PHRASEBOOK) <= 40
    seed_text = "".join(p.read_text(encoding="utf-8") for p in (Path(__file__).parents[2] / "seeds").iterdir())
    assert sum(1 for source, _ in PHRASEBOOK if len(source) > 80 and source in seed_text) >= 6


@pytest.mark.parametrize(("arabic", "english"), PHRASEBOOK[8:], ids=[e for _, e in PHRASEBOOK[8:]])
def test_short_phrasebook_sentences_translate_exactly(model: ArgosModel, arabic: str, english: str) -> None:
    [decoded] = model.decode([arabic])
    assert decoded.text == english
    assert decoded.score < 0
    assert decoded.confidence < 0


def test_whole_phrasebook_in_one_batched_call(model: ArgosModel) -> None:
    results = model.decode([a for a, _ in PHRASEBOOK])
    assert [d.text for d in results] == [e for _, e in PHRASEBOOK]


def test_confidence_is_the_mean_log_probability_per_token(model: ArgosModel, packages_dir: Path) -> None:
    """Checked against CTranslate2 with no length penalty, which returns the plain sum."""
    import ctranslate2

    from briefing.translate import find_installed_package

    package = find_installed_package(packages_dir, "ar", "en")
    raw = ctranslate2.Translator(str(package.package_path / "model"), compute_type="int8")
    tokens = package.tokenizer.encode("هذا خبر عاجل.")
    [result] = raw.translate_batch([tokens], beam_size=4, length_penalty=0.0, return_scores=True)
    [decoded] = model.decode(["هذا خبر عاجل."])
    assert decoded.confidence == pytest.approx(result.scores[0] / (len(result.hypotheses[0]) + 1), rel=1e-3)


def test_same_as_argostranslate_packaged_translation(model: ArgosModel, packages_dir: Path) -> None:
    """Our batched call gives what Argos's own apply_packaged_translation gives per sentence.

    Argos's sentence splitter is replaced by one that returns the sentence unchanged
    (the real ones download models); everything else is Argos's code. The sentences are
    the phrasebook's and every sentence of the two seed articles: real news of many
    lengths, which the model decodes into long, fragile output.
    """
    import ctranslate2
    from argostranslate.translate import apply_packaged_translation

    from briefing.translate import find_installed_package

    package = find_installed_package(packages_dir, "ar", "en")

    class Unchanged:
        def split_sentences(self, text: str) -> list[str]:
            return [text]

    argos_model = ctranslate2.Translator(str(package.package_path / "model"), device="cpu", compute_type="int8")
    seed_sentences = [s for path in sorted(SEEDS.glob("*.txt")) for s in split_sentences(path.read_text("utf-8"))]
    assert len(seed_sentences) > 25
    sources = [a for a, _ in PHRASEBOOK] + seed_sentences
    ours = model.decode(sources)
    for source, decoded in zip(sources, ours, strict=True):
        [hypothesis] = apply_packaged_translation(package, source, argos_model, Unchanged(), num_hypotheses=1)
        assert hypothesis.value == decoded.text
        assert hypothesis.score == pytest.approx(decoded.score, abs=1e-4)


def test_batches_hold_sentences_of_one_length_so_none_is_padded() -> None:
    """A padded sentence can decode differently in int8; equal lengths need no padding."""
    tokenized = [["t"] * n for n in [3, 5, 3, 7, 5, 3] + [4] * (BATCH_SENTENCES + 1)]
    batches = equal_length_batches(tokenized)
    assert batches == [[0, 2, 5], list(range(6, 6 + BATCH_SENTENCES)), [6 + BATCH_SENTENCES], [1, 4], [3]]
    assert sorted(i for batch in batches for i in batch) == list(range(len(tokenized)))


def test_install_and_list(tmp_path: Path) -> None:
    installed = install_from_file(tmp_path / "pkgs", TEST_PACKAGE)
    assert (installed.name, installed.version, installed.from_code, installed.to_code) == (
        "translate-ar_en-test",
        "1.0",
        "ar",
        "en",
    )
    assert [p.label for p in list_installed_packages(tmp_path / "pkgs")] == ["translate-ar_en-test 1.0"]
    metadata = json.loads((installed.path / "metadata.json").read_text())
    assert metadata["type"] == "translate" and metadata["argos_version"] == "1.0"
    assert (installed.path / "sentencepiece.model").is_file()
    assert (installed.path / "model" / "model.bin").is_file()


def test_no_package_installed_says_how_to_install_one(tmp_path: Path) -> None:
    with pytest.raises(ModelNotInstalledError) as excinfo:
        ArgosModel.for_pair(tmp_path / "empty", "ar", "en")
    message = str(excinfo.value)
    assert "briefing models install" in message
    assert "briefing models install FILE.argosmodel" in message


def zip_with(files: dict[str, str]):  # type: ignore[no-untyped-def]
    def make(path: Path) -> None:
        with zipfile.ZipFile(path, "w") as archive:
            for name, content in files.items():
                archive.writestr(name, content)

    return make


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda p: p.write_bytes(b"not a zip"), "not an Argos package (must be a zip archive)"),
        (zip_with({"x/README.md": "hi"}), "expected one top-level folder with a metadata.json"),
        (zip_with({"x/metadata.json": json.dumps({"type": "sbd"})}), "not a translate package (type 'sbd')"),
        (zip_with({"x/metadata.json": json.dumps({"to_code": "en"})}), "metadata.json lacks from_code"),
        (
            zip_with({"x/metadata.json": json.dumps({"from_code": "ar", "to_code": "en"})}),
            "no model/ folder (CTranslate2 model) in the package",
        ),
        (
            zip_with({"x/metadata.json": "{}", "x/model/../../evil": "x"}),
            "unsafe path in archive: x/model/../../evil",
        ),
    ],
)
def test_bad_package_files_are_refused_before_installing(tmp_path: Path, make, reason: str) -> None:  # type: ignore[no-untyped-def]
    archive = tmp_path / "bad.argosmodel"
    make(archive)
    with pytest.raises(PackageInstallError) as excinfo:
        install_from_file(tmp_path / "pkgs", archive)
    assert str(excinfo.value) == f"{archive}: {reason}"
    assert not (tmp_path / "pkgs").exists()


def test_a_stray_folder_among_packages_is_ignored(tmp_path: Path) -> None:
    install_from_file(tmp_path / "pkgs", TEST_PACKAGE)
    (tmp_path / "pkgs" / "half-extracted").mkdir()
    assert [p.name for p in list_installed_packages(tmp_path / "pkgs")] == ["translate-ar_en-test"]
    assert ArgosModel.for_pair(tmp_path / "pkgs", "ar", "en").name == "translate-ar_en-test 1.0"


def test_looking_up_a_missing_folder_does_not_create_it(tmp_path: Path) -> None:
    assert list_installed_packages(tmp_path / "typo") == []
    assert not (tmp_path / "typo").exists()


def test_the_models_limits_read_from_model_bin_agree_with_a_probe(model: ArgosModel, tmp_path: Path) -> None:
    """The probe (for a model whose model.bin gives no table) finds what the table says."""
    from briefing.translate.limits import model_limits

    read = model.limits
    assert (read.max_input, read.max_output, read.source) == (256, 256, "model.bin")
    probed = model_limits(tmp_path / "no-model", model._load)  # nothing to read there: it probes
    assert (probed.max_input, probed.max_output, probed.source) == (256, 256, "probe")


def test_no_batch_fails_for_length_and_a_long_sentence_is_remembered_cut(model: ArgosModel, tmp_path: Path, caplog) -> None:  # type: ignore[no-untyped-def]
    from briefing.store import TranslationMemory, open_database
    from briefing.translate import TranslationEngine

    too_long = " ".join(["وقالت المصادر إن الاجتماع بحث الأوضاع في المدينة"] * 40) + "."
    memory = TranslationMemory(open_database(tmp_path / "tm.sqlite3"))
    with caplog.at_level("WARNING", logger="briefing"):
        first = TranslationEngine(model, memory=memory).translate([too_long, "هذا خبر عاجل."])
    assert not [r for r in caplog.records if "failed" in r.getMessage()]
    assert "truncated" in first[too_long].flags
    again = TranslationEngine(model, memory=memory).translate([too_long])[too_long]
    assert again.origin == "memory" and "truncated" in again.flags  # remembered, mark and all
