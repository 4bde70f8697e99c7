"""The `briefing` command, run as a user runs it: a real process, real files, the real test model."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import TEST_PACKAGE, read_phrasebook
from tests.pdftools import dark_share, pdftotext, without_space

SEEDS = Path(__file__).resolve().parents[1] / "seeds"

DATE = "2026-11-22"
PHRASES = dict(read_phrasebook())


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "briefing", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=300,
        check=False,  # callers assert the exit code
    )


def write_config(folder: Path, packages_dir: Path) -> Path:
    path = folder / "briefing.toml"
    path.write_text(
        f'[translate]\npackages_dir = "{packages_dir}"\n[store]\npath = "{folder / "briefing.sqlite3"}"\n',
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory, packages_dir: Path) -> tuple[Path, dict, subprocess.CompletedProcess[str]]:
    """One real `briefing generate` on the seeds, shared by the tests that read its output."""
    work = tmp_path_factory.mktemp("work")
    write_config(work, packages_dir)
    seeds = Path(__file__).resolve().parents[1] / "seeds"
    result = run("generate", "--input", seeds, "--out", work / "out", "--date", DATE, "--json", cwd=work)
    return work, json.loads(result.stdout), result


def test_generate_writes_every_format_and_reports_in_json(generated) -> None:  # type: ignore[no-untyped-def]
    work, report, result = generated
    assert result.returncode == 0, result.stderr
    folder = work / "out" / DATE
    assert report == {
        "date": DATE,
        "articles_read": 2,
        "articles_new": 2,
        "articles_published": 2,
        "skipped": [],
        "sentences_selected": 5,
        "sentences_translated_by_model": 5,
        "sentences_from_memory": 0,
        # Every text the model decoded: the headline, the five key sentences, the reprint's 7
        # changed phrases (one cut at ten words) and the 2 distinctive words; one of them
        # decoded again without its glossary placeholder (the engine's retry).
        "texts_translated_by_model": 16,
        "texts_from_memory": 0,
        "offline": False,
        "outputs": {
            "markdown": str(folder / f"briefing-{DATE}.md"),
            "pdf": str(folder / f"briefing-{DATE}.pdf"),
            "html": str(folder / f"briefing-{DATE}.html"),
        },
        "model": "translate-ar_en-test 1.0",
        "flags": {},
        # The two seeds are one story, carried by two outlets (named in seeds/metadata.toml).
        "stories": [
            {
                "title_ar": "سباق تركي روسي لتحديد مصير عين عيسى وقسد أمام خيار وحيد",
                "title_en": "A Turkish-Russian race to decide the fate of Ain Issa, and the SDF faces a single option",
                "outlets": ["Orient News", "Sputnik Arabic"],
                "articles": 2,
                # Orient News reprints two of Sputnik's paragraphs among its own: still its own report.
                "independent_outlets": 2,
                "topics": [],
                "continues": None,
                "urls": [str(SEEDS / "000_95590521fceed790.txt"), str(SEEDS / "001_067d577040979a17.txt")],
                # Orient News took two of Sputnik's paragraphs: what it changed, in order.
                "reprints": [
                    {
                        "original": "Sputnik Arabic",
                        "copy": "Orient News",
                        "paragraphs": 2,
                        "rule": "containment",  # no dates: Orient's paragraphs hold Sputnik's, and add to them
                        "original_url": str(SEEDS / "001_067d577040979a17.txt"),
                        "copy_url": str(SEEDS / "000_95590521fceed790.txt"),
                        "changes": [
                            {"from": "وأكدت المصادر الخاصة، أن",
                             "to": "الرسالة جاءت عبر خبر نشرته وكالة سبوتنيك الرسمية باللغة العربية، قالت فيه إن",
                             "kind": "replaced"},
                            {"from": "", "to": "وفق تعبير الوكالة", "kind": "inserted"},
                            {"from": "المصادر", "to": "الوكالة", "kind": "replaced"},
                            {"from": 'تنظيم "قسد"', "to": "ميليشيا قسد", "kind": "replaced"},
                        ],
                    }
                ],
                "labels": report["stories"][0]["labels"],  # in full in tests/test_framing.py
                "distinctive": {
                    "Orient News": [{"ar": "الوطني", "en": report["stories"][0]["distinctive"]["Orient News"][0]["en"], "z": 2.04}],
                    "Sputnik Arabic": [{"ar": "تنظيم", "en": report["stories"][0]["distinctive"]["Sputnik Arabic"][0]["en"], "z": 2.09}],
                },
            }
        ],
        "missing_files": [],
    }
    labels = report["stories"][0]["labels"]
    assert {"ar": "ميليشيا قسد", "en": "SDF militia", "count": 5} in labels["SDF"]["Orient News"]
    assert {"ar": "تنظيم قسد", "en": "SDF organisation", "count": 3} in labels["SDF"]["Sputnik Arabic"]
    assert {"ar": "ميليشيات أسد الطائفية", "en": "sectarian Assad militias", "count": 2} in labels["Syrian government forces"]["Orient News"]
    assert {"ar": "الجيش السوري", "en": "Syrian army", "count": 1} in labels["Syrian government forces"]["Sputnik Arabic"]
    assert not any("ميليشي" in label["ar"] for label in labels["SDF"]["Sputnik Arabic"])
    assert sorted(p.name for p in folder.iterdir()) == [f"briefing-{DATE}.html", f"briefing-{DATE}.md", f"briefing-{DATE}.pdf"]
    assert sorted(p.name for p in (work / "out").iterdir()) == [DATE, "index.html"]
    # The record keeps each file of the briefing.
    import sqlite3

    with sqlite3.connect(work / "briefing.sqlite3") as db:
        rows = sorted(db.execute("SELECT format, path FROM briefing_files WHERE date = ?", (DATE,)))
    assert rows == sorted((name, path) for name, path in report["outputs"].items())


def test_markdown_pairs_each_arabic_key_sentence_with_its_english(generated) -> None:  # type: ignore[no-untyped-def]
    work, _, _ = generated
    text = (work / "out" / DATE / f"briefing-{DATE}.md").read_text(encoding="utf-8")
    assert "## 1. A Turkish-Russian race to decide the fate of Ain Issa, and the SDF faces a single option" in text
    lead = next(a for a in PHRASES if a.startswith("حملت الساعات"))
    assert (
        f'<p class="ar" dir="rtl" lang="ar">{lead}</p>\n'
        f'<p class="en" lang="en">{PHRASES[lead]} <span class="outlet">(Orient News)</span></p>'
    ) in text
    assert text.count('<div class="pair">') == 5
    assert "*Reported by:* Orient News, Sputnik Arabic\n" in text
    assert "*Reprint:* Orient News shares 2 paragraphs with Sputnik Arabic\n" in text
    assert "التعليقات" not in text


def test_seeds_briefing_pages_are_not_blank(generated, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Page 1 (date, counts, contents) and page 2 (the story) rendered to pixels hold ink."""
    work, _, _ = generated
    pdf = work / "out" / DATE / f"briefing-{DATE}.pdf"
    assert dark_share(pdf, 1, tmp_path) > 0.005
    assert dark_share(pdf, 2, tmp_path) > 0.02  # a page of Arabic beside English


def test_pdf_gives_back_arabic_key_sentences_and_their_english(generated) -> None:  # type: ignore[no-untyped-def]
    """pdftotext returns each Arabic sentence in reading order, letters intact.

    Whitespace is compared loosely: pdftotext guesses word gaps from glyph positions
    and puts spurious spaces inside some Amiri words ("بر يف"). The Arabic column is
    cropped out (right half of the A4 page) because the English sits beside it.
    """
    work, _, _ = generated
    pdf = work / "out" / DATE / f"briefing-{DATE}.pdf"
    arabic_column = without_space(pdftotext(pdf, "-x", "298", "-y", "0", "-W", "300", "-H", "842"))
    whole = " ".join(pdftotext(pdf).split())
    leads = [a for a in PHRASES if len(a) > 80][:3] + [a for a in PHRASES if a.startswith("كشفت")][1:]
    assert len(leads) == 4
    for arabic in leads:
        assert without_space(arabic) in arabic_column
    assert "Ain Issa to discuss the future of the city" in whole
    assert "complete withdrawal from the city and its handover to the sectarian Assad militias." in whole


def test_pdf_embeds_the_arabic_font(generated) -> None:  # type: ignore[no-untyped-def]
    work, _, _ = generated
    listing = subprocess.run(
        ["pdffonts", str(work / "out" / DATE / f"briefing-{DATE}.pdf")], capture_output=True, text=True, check=True
    ).stdout
    rows = [line.split() for line in listing.splitlines()[2:]]
    amiri = [row for row in rows if "Amiri" in row[0]]
    assert amiri, listing
    # columns: name, type..., encoding, emb, sub, uni, object, id -> "emb" is 5th from the end
    assert all(row[-5] == "yes" for row in amiri), listing


@pytest.mark.parametrize("as_json", [False, True])
def test_no_model_installed_fails_cleanly_and_writes_nothing(tmp_path: Path, as_json: bool) -> None:
    write_config(tmp_path, tmp_path / "no-packages")
    before = sorted(p.name for p in tmp_path.iterdir())
    seeds = Path(__file__).resolve().parents[1] / "seeds"
    flags = ["--json"] if as_json else []
    result = run("generate", "--input", seeds, "--out", tmp_path / "out", "--date", DATE, *flags, cwd=tmp_path)
    message = (
        f"no Argos translation package for ar->en is installed in {tmp_path / 'no-packages'}. Install one with "
        "`briefing models install` (online, from the Argos index) or `briefing models install FILE.argosmodel` "
        "(offline, from a file)."
    )
    assert result.returncode == 4
    assert result.stderr.strip().splitlines() == [f"briefing: error: {message}"]
    if as_json:
        assert json.loads(result.stdout) == {"date": DATE, "error": message, "exit_code": 4, "outputs": None}
    else:
        assert result.stdout == ""
    # Nothing written: no output folder, and not even the configured package folder.
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_bad_inputs_are_skipped_reported_and_the_briefing_still_made(tmp_path: Path, packages_dir: Path) -> None:
    write_config(tmp_path, packages_dir)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    seed = Path(__file__).resolve().parents[1] / "seeds" / "001_067d577040979a17.txt"
    (inbox / "001.txt").write_bytes(seed.read_bytes())
    (inbox / "empty.txt").write_bytes(b"")
    (inbox / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (inbox / "copy.txt").write_bytes(seed.read_bytes())
    result = run("generate", "--input", inbox, "--out", tmp_path / "out", "--date", DATE, "--json", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["skipped"] == [
        {"source": str(inbox / "binary.txt"), "reason": "binary file (contains NUL bytes)", "kind": "unreadable"},
        {"source": str(inbox / "copy.txt"), "reason": f"same text as {inbox / '001.txt'}", "kind": "duplicate"},
        {"source": str(inbox / "empty.txt"), "reason": "empty file", "kind": "empty"},
    ]
    assert report["articles_read"] == 4 and report["articles_new"] == 1
    assert Path(report["outputs"]["pdf"]).is_file()


def test_a_duplicate_alone_is_not_a_failure(tmp_path: Path, packages_dir: Path) -> None:
    write_config(tmp_path, packages_dir)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    seed = Path(__file__).resolve().parents[1] / "seeds" / "001_067d577040979a17.txt"
    (inbox / "a.txt").write_bytes(seed.read_bytes())
    (inbox / "b.txt").write_bytes(seed.read_bytes())
    result = run("generate", "--input", inbox, "--out", tmp_path / "out", "--date", DATE, "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert [s["kind"] for s in json.loads(result.stdout)["skipped"]] == ["duplicate"]


def test_models_install_from_file_then_list(tmp_path: Path) -> None:
    write_config(tmp_path, tmp_path / "pkgs")
    installed = run("models", "install", TEST_PACKAGE, cwd=tmp_path)
    assert installed.returncode == 0, installed.stderr
    assert installed.stdout.startswith("installed translate-ar_en-test 1.0 (ar->en) in ")
    listed = run("models", "list", "--json", cwd=tmp_path)
    [row] = json.loads(listed.stdout)
    assert row == {"name": "translate-ar_en-test", "version": "1.0", "from": "ar", "to": "en",
                   "path": str(tmp_path / "pkgs" / "translate-ar_en-test"), "kind": "argos",
                   "size_mb": row["size_mb"], "licence": ""}
    assert 0.5 < row["size_mb"] < 2  # the package unpacked: a 0.6 MB zip


def test_models_install_offline_from_index_fails_with_advice(tmp_path: Path) -> None:
    # The Argos index URL is pointed at a closed local port: the same answer as being offline.
    config = write_config(tmp_path, tmp_path / "pkgs")
    env_result = subprocess.run(
        [sys.executable, "-m", "briefing", "--config", str(config), "models", "install"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "ARGOS_PACKAGE_INDEX": "http://127.0.0.1:9/"},
    )
    assert env_result.returncode == 6
    assert "cannot read the Argos package index at http://127.0.0.1:9/index.json" in env_result.stderr
    assert "briefing models install FILE.argosmodel" in env_result.stderr


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[summary]\nmax_sentence = 3\n", "unknown key 'summary.max_sentence'"),
        ("[summary]\nmax_sentences = \"three\"\n", "summary.max_sentences: expected a whole number, got 'three'"),
        ("[output]\ntimezone = \"Mars/Olympus\"\n", "output.timezone: unknown time zone 'Mars/Olympus'"),
        ("[summary\n", "not valid TOML"),
    ],
)
def test_config_errors_name_the_key(tmp_path: Path, toml: str, message: str) -> None:
    (tmp_path / "briefing.toml").write_text(toml, encoding="utf-8")
    result = run("generate", "--date", DATE, cwd=tmp_path)
    assert result.returncode == 3
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_bad_date_is_a_usage_error(tmp_path: Path) -> None:
    result = run("generate", "--date", "22/11/2026", cwd=tmp_path)
    assert result.returncode == 2
    assert "'22/11/2026' is not a date like 2026-11-22" in result.stderr


def test_translate_prints_english_and_confidence(tmp_path: Path, packages_dir: Path) -> None:
    write_config(tmp_path, packages_dir)
    result = run("translate", "انسحبت قسد من المدينة. هذا خبر عاجل.", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [line.split("\t")[0] for line in lines] == ["SDF withdrew from the city.", "This is breaking news."]
    assert all(re.fullmatch(r"\(confidence -?\d+\.\d\d\)", line.split("\t")[1]) for line in lines)
    as_json = json.loads(run("translate", "شكرا جزيلا لكم.", "--json", cwd=tmp_path).stdout)
    assert as_json[0]["flags"] == ["untranslated"] and as_json[0]["origin"] == "model"


def test_second_generate_over_unchanged_input_reports_nothing_new_and_status_shows_the_runs(
    tmp_path: Path, packages_dir: Path
) -> None:
    write_config(tmp_path, packages_dir)
    seeds = Path(__file__).resolve().parents[1] / "seeds"
    first = run("generate", "--input", seeds, "--out", tmp_path / "out", "--date", DATE, "--json", cwd=tmp_path)
    second = run("generate", "--input", seeds, "--out", tmp_path / "out", "--date", "2026-11-23", "--json", cwd=tmp_path)
    assert first.returncode == 0 and second.returncode == 0, second.stderr
    report = json.loads(second.stdout)
    assert (report["articles_read"], report["articles_new"], report["articles_published"]) == (2, 0, 0)
    assert report["outputs"] is None
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [DATE, "index.html"]
    shown = json.loads(run("--config", tmp_path / "briefing.toml", "status", "--json", cwd=tmp_path).stdout)
    assert shown["briefings_published"] == 1
    assert [(r["date"], r["outcome"], r["articles_published"]) for r in shown["last_runs"]] == [
        ("2026-11-23", "nothing new", 0),
        (DATE, "published", 2),
    ]


def test_rebuilding_a_published_day_with_new_articles_needs_force(tmp_path: Path, packages_dir: Path) -> None:
    write_config(tmp_path, packages_dir)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    seeds = sorted((Path(__file__).resolve().parents[1] / "seeds").iterdir())
    (inbox / seeds[0].name).write_bytes(seeds[0].read_bytes())
    assert run("generate", "--input", inbox, "--out", tmp_path / "out", "--date", DATE, cwd=tmp_path).returncode == 0
    (inbox / seeds[1].name).write_bytes(seeds[1].read_bytes())
    refused = run("generate", "--input", inbox, "--out", tmp_path / "out", "--date", DATE, cwd=tmp_path)
    assert refused.returncode == 8
    assert "run again with --force" in refused.stderr
    forced = run("generate", "--input", inbox, "--out", tmp_path / "out", "--date", DATE, "--force", "--json", cwd=tmp_path)
    assert forced.returncode == 0
    assert json.loads(forced.stdout)["articles_published"] == 2


def test_a_deleted_briefing_gets_a_rebuild_hint_and_force_rebuilds_it(tmp_path: Path, packages_dir: Path) -> None:
    write_config(tmp_path, packages_dir)
    out = tmp_path / "out"
    assert run("generate", "--input", SEEDS, "--out", out, "--date", DATE, cwd=tmp_path).returncode == 0
    files = sorted((out / DATE).iterdir())
    for path in files:
        path.unlink()
    (out / DATE).rmdir()
    again = run("generate", "--input", SEEDS, "--out", out, "--date", DATE, cwd=tmp_path)
    assert again.returncode == 0
    markdown, pdf, html = (out / DATE / f"briefing-{DATE}{suffix}" for suffix in (".md", ".pdf", ".html"))
    assert again.stderr == (
        f"no new articles; nothing written. The briefing for {DATE} is in the record, but 3 of its files are "
        f"missing ({html}, {markdown}, {pdf}): `briefing generate --date {DATE} --force` rebuilds it.\n"
    )
    as_json = json.loads(run("generate", "--input", SEEDS, "--out", out, "--date", DATE, "--json", cwd=tmp_path).stdout)
    assert as_json["missing_files"] == [str(html), str(markdown), str(pdf)] and as_json["outputs"] is None
    forced = run("generate", "--input", SEEDS, "--out", out, "--date", DATE, "--force", "--json", cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr
    assert json.loads(forced.stdout)["articles_published"] == 2 and sorted((out / DATE).iterdir()) == files


def test_all_on_a_published_date_says_it_needs_force(tmp_path: Path, packages_dir: Path) -> None:
    # The README: --all briefs every article read. On a date that has a briefing that is a
    # rebuild, which is --force's to do: without it, exit 8 and the way to do it.
    write_config(tmp_path, packages_dir)
    out = tmp_path / "out"
    assert run("generate", "--input", SEEDS, "--out", out, "--date", DATE, cwd=tmp_path).returncode == 0
    before = {p.name: p.stat().st_mtime_ns for p in (out / DATE).iterdir()}
    refused = run("generate", "--input", SEEDS, "--out", out, "--date", DATE, "--all", "--json", cwd=tmp_path)
    assert refused.returncode == 8
    assert refused.stderr.startswith(f"briefing: error: the briefing for {DATE} was already published (")
    assert refused.stderr.rstrip().endswith("to rebuild it with every article read, run again with --force, or choose another --date.")
    assert json.loads(refused.stdout)["exit_code"] == 8
    assert {p.name: p.stat().st_mtime_ns for p in (out / DATE).iterdir()} == before
    # On a new date, --all briefs the articles already published too.
    other = run("generate", "--input", SEEDS, "--out", out, "--date", "2026-11-23", "--all", "--json", cwd=tmp_path)
    assert other.returncode == 0 and json.loads(other.stdout)["articles_published"] == 2
    forced = run("generate", "--input", SEEDS, "--out", out, "--date", DATE, "--all", "--force", "--json", cwd=tmp_path)
    assert forced.returncode == 0 and json.loads(forced.stdout)["articles_published"] == 2


def test_dry_run_writes_nothing(tmp_path: Path, packages_dir: Path) -> None:
    write_config(tmp_path, packages_dir)
    before = sorted(p.name for p in tmp_path.iterdir())
    seeds = Path(__file__).resolve().parents[1] / "seeds"
    result = run("generate", "--input", seeds, "--out", tmp_path / "out", "--dry-run", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert (report["articles_new"], report["sentences_selected"], report["outputs"]) == (2, 5, None)
    assert sorted(p.name for p in tmp_path.iterdir()) == before
