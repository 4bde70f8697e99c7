"""A light start, and a run with nothing new that reads nothing it has read before.

The commands are run in fresh interpreters (what ``import briefing`` loads can only be
seen in one). What a run opens is seen through Python's audit hook on ``open``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO

HEAVY = ("numpy", "scipy", "jinja2", "ctranslate2", "argostranslate", "weasyprint", "httpx", "trafilatura", "lxml",
         "dask", "distributed")

# Runs the CLI in this fresh interpreter and prints, as JSON, what it opened under
# sys.argv[1], which heavy libraries it imported, and the command's own stdout.
DRIVER = """
import contextlib, io, json, sys
watched, argv = sys.argv[1], sys.argv[2:]
opened = []
def hook(event, args):
    if event == "open" and isinstance(args[0], str) and watched and args[0].startswith(watched):
        opened.append(args[0])
sys.addaudithook(hook)
from briefing.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    try:
        main(argv)
        code = 0
    except SystemExit as exit:
        code = exit.code
heavy = sorted(m for m in HEAVY if m in sys.modules)
print(json.dumps({"code": code, "opened": opened, "heavy": heavy, "stdout": out.getvalue()}))
""".replace("HEAVY", repr(HEAVY))


def drive(*argv: str | Path, watched: Path | str = "") -> dict:  # type: ignore[type-arg]
    done = subprocess.run(
        [sys.executable, "-c", DRIVER, str(watched), *map(str, argv)],
        capture_output=True, text=True, timeout=120, check=False, cwd=REPO, env=os.environ.copy(),
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])  # type: ignore[no-any-return]


def test_import_briefing_loads_none_of_the_heavy_libraries() -> None:
    code = f"import sys, briefing; print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert done.stdout.strip() == "[]"


def test_help_and_status_load_none_of_the_heavy_libraries_nor_apscheduler(tmp_path: Path, packages_dir: Path) -> None:
    assert drive("--help")["heavy"] == []
    config = write_config(tmp_path, tmp_path / "inbox", packages_dir)
    (tmp_path / "inbox").mkdir()
    shown = drive("--config", config, "status", "--json")
    assert (shown["code"], shown["heavy"]) == (0, [])
    assert json.loads(shown["stdout"])["next_run"].endswith("T07:00:00+03:00")  # in Asia/Riyadh


def write_config(folder: Path, inbox: Path, packages_dir: Path) -> Path:
    path = folder / "briefing.toml"
    path.write_text(
        f'[input]\ndir = "{inbox}"\n[output]\ndir = "{folder / "out"}"\ntimezone = "Asia/Riyadh"\nformats = ["markdown"]\n'
        f'[translate]\npackages_dir = "{packages_dir}"\n[store]\npath = "{folder / "record.sqlite3"}"\n',
        encoding="utf-8",
    )
    return path


def age(folder: Path, seconds: float = 3600) -> None:
    """Date every file an hour back: written long before the run, as an inbox's files are."""
    then = time.time() - seconds
    for path in folder.iterdir():
        os.utime(path, (then, then))


def settle() -> None:
    """Wait until the files' change times (set now, by ``age``: they cannot be dated back)
    are old enough to be trusted, so a run notes them (``RECENT_WRITE_NS``)."""
    from briefing.ingest.textfiles import RECENT_WRITE_NS

    time.sleep(RECENT_WRITE_NS / 1e9 + 0.05)


ARTICLE = "خبر جديد\n\nأعلن الجيش بدء عملية عسكرية. انسحبت القوات من المدينة. لم يصدر أي تعليق رسمي حتى الآن.\n"


def test_a_run_with_nothing_new_opens_no_file_of_the_inbox(tmp_path: Path, seeds_dir: Path, packages_dir: Path) -> None:
    config = write_config(tmp_path, seeds_dir, packages_dir)
    age(seeds_dir)
    settle()
    first = drive("--config", config, "generate", "--date", "2026-11-22", "--json", watched=seeds_dir)
    assert not {"dask", "distributed"} & set(first["heavy"])  # translate.cluster = "": decoded here, Dask not loaded
    assert sorted(Path(p).name for p in set(first["opened"])) == [
        "000_95590521fceed790.txt", "001_067d577040979a17.txt", "metadata.toml",
    ]
    again = drive("--config", config, "generate", "--date", "2026-11-23", "--json", watched=seeds_dir)
    report = json.loads(again["stdout"])
    assert (report["articles_read"], report["articles_new"], report["outputs"]) == (2, 0, None)  # counted, not read
    assert again["opened"] == []
    assert again["heavy"] == ["argostranslate"]  # the model is found; nothing is clustered, rendered or decoded

    # A new file is read, and only it; the others stay unread.
    (seeds_dir / "002_new.txt").write_text(ARTICLE, encoding="utf-8")
    third = drive("--config", config, "generate", "--date", "2026-11-24", "--json", watched=seeds_dir)
    assert sorted(Path(p).name for p in set(third["opened"])) == ["002_new.txt", "metadata.toml"]
    assert json.loads(third["stdout"])["articles_published"] == 1

    # A changed metadata.toml may change every file's outlet: all are read again.
    metadata = seeds_dir / "metadata.toml"
    metadata.write_text(metadata.read_text(encoding="utf-8").replace("Orient News", "Orient"), encoding="utf-8")
    fourth = drive("--config", config, "generate", "--date", "2026-11-25", "--json", watched=seeds_dir)
    assert len({Path(p).name for p in fourth["opened"]}) == 4
    assert json.loads(fourth["stdout"])["articles_new"] == 0  # same texts: nothing new to publish


def test_a_file_changed_within_the_clocks_granularity_is_still_seen(tmp_path: Path, seeds_dir: Path, packages_dir: Path) -> None:
    """Rewritten with the same size and the same modification time (a coarse clock, or a
    copy that keeps times): a time noted as soon as it was written is not trusted, so the
    change is found by the file's hash."""
    config = write_config(tmp_path, seeds_dir, packages_dir)
    fresh = seeds_dir / "002_new.txt"
    fresh.write_text(ARTICLE, encoding="utf-8")
    written = fresh.stat()
    drive("--config", config, "generate", "--date", "2026-11-22", "--json")
    changed = ARTICLE.replace("المدينة", "العاصمة")
    assert len(changed.encode()) == len(ARTICLE.encode())
    fresh.write_text(changed, encoding="utf-8")
    os.utime(fresh, ns=(written.st_atime_ns, written.st_mtime_ns))
    report = json.loads(drive("--config", config, "generate", "--date", "2026-11-23", "--json")["stdout"])
    assert (report["articles_new"], report["articles_published"]) == (1, 1)


def test_a_file_with_an_article_still_waiting_is_read_again(tmp_path: Path, seeds_dir: Path, packages_dir: Path) -> None:
    """--dry-run publishes nothing: the next run reads every file again."""
    config = write_config(tmp_path, seeds_dir, packages_dir)
    age(seeds_dir)
    drive("--config", config, "generate", "--dry-run", "--json")
    real = drive("--config", config, "generate", "--date", "2026-11-22", "--json", watched=seeds_dir)
    assert len({Path(p).name for p in real["opened"]}) == 3
    assert json.loads(real["stdout"])["articles_published"] == 2


def full_read(config: Path) -> dict:  # type: ignore[type-arg]
    """What reading every file again gives (a dry run of every article reads them all)."""
    return json.loads(drive("--config", config, "generate", "--dry-run", "--all", "--json")["stdout"])  # type: ignore[no-any-return]


def test_files_passed_over_count_as_a_full_read_counts_them(tmp_path: Path, seeds_dir: Path, packages_dir: Path) -> None:
    """The same text in two folders, and a new file whose text is also in a file passed
    over: the run with files passed over reports what reading everything reports."""
    other = tmp_path / "other"
    other.mkdir()
    (other / "copy.txt").write_bytes((seeds_dir / "000_95590521fceed790.txt").read_bytes())
    config = write_config(tmp_path, seeds_dir, packages_dir)
    config.write_text(
        config.read_text(encoding="utf-8")
        + f'[[sources]]\nfolder = "{seeds_dir}"\n[[sources]]\nfolder = "{other}"\n',
        encoding="utf-8",
    )
    age(seeds_dir)
    age(other)
    drive("--config", config, "generate", "--date", "2026-11-22", "--json")
    (seeds_dir / "000_aaa_first.txt").write_bytes((seeds_dir / "001_067d577040979a17.txt").read_bytes())
    age(seeds_dir)
    passed_over = json.loads(drive("--config", config, "generate", "--date", "2026-11-23", "--json")["stdout"])
    everything = full_read(config)
    assert passed_over["articles_read"] == everything["articles_read"] == 3
    assert sorted(map(str, passed_over["skipped"])) == sorted(map(str, everything["skipped"]))
    assert [s["kind"] for s in passed_over["skipped"]] == ["duplicate"]


def test_a_file_replaced_by_a_copy_that_kept_its_size_and_time_is_read(
    tmp_path: Path, seeds_dir: Path, packages_dir: Path
) -> None:
    """`cp -p`, `rsync -t` or `tar` then a rename: same size, same modification time, other
    content. Its inode and change time are not the same: it is hashed, and read."""
    config = write_config(tmp_path, seeds_dir, packages_dir)
    target = seeds_dir / "002_new.txt"
    target.write_text(ARTICLE, encoding="utf-8")
    age(seeds_dir)
    drive("--config", config, "generate", "--date", "2026-11-22", "--json")
    replacement = tmp_path / "replacement.txt"
    replacement.write_text(ARTICLE.replace("المدينة", "العاصمة"), encoding="utf-8")
    kept = target.stat()
    os.utime(replacement, ns=(kept.st_atime_ns, kept.st_mtime_ns))
    assert replacement.stat().st_size == kept.st_size
    os.replace(replacement, target)
    report = json.loads(drive("--config", config, "generate", "--date", "2026-11-23", "--json")["stdout"])
    assert (report["articles_new"], report["articles_published"]) == (1, 1)


def test_an_unreadable_file_is_one_skip_and_the_rest_of_its_folder_is_read(
    tmp_path: Path, seeds_dir: Path, packages_dir: Path
) -> None:
    locked = seeds_dir / "zzz_locked.txt"
    locked.write_text(ARTICLE, encoding="utf-8")
    locked.chmod(0)
    config = write_config(tmp_path, seeds_dir, packages_dir)
    # As root the file would be read all the same: drop the capabilities that let root
    # read what it may not (Debian's setpriv, util-linux).
    prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"] if os.geteuid() == 0 else []
    if prefix and shutil.which("setpriv") is None:
        pytest.skip("running as root and no setpriv to drop the right to read any file")
    done = subprocess.run(
        [*prefix, sys.executable, "-m", "briefing", "--config", str(config), "generate", "--date", "2026-11-22", "--json"],
        capture_output=True, text=True, timeout=120, check=False, cwd=REPO, env=os.environ.copy(),
    )
    report = json.loads(done.stdout)
    assert done.returncode == 1, done.stderr  # done, but an input could not be read
    assert report["articles_published"] == 2
    assert [(s["source"], s["kind"]) for s in report["skipped"]] == [(str(locked), "unreadable")]
    assert "Permission denied" in report["skipped"][0]["reason"]


def test_a_record_that_fails_while_the_sources_are_read_fails_the_run(
    tmp_path: Path, seeds_dir: Path, packages_dir: Path
) -> None:
    """The record refuses to note the folder's files (as on a full disk; here a trigger in
    the real database makes SQLite fail that insert): the run stops with the record's
    error, exit 5, and publishes nothing, rather than going on without the folder."""
    config = write_config(tmp_path, seeds_dir, packages_dir)
    drive("--config", config, "status")  # nothing yet
    from briefing.store import open_database

    connection = open_database(tmp_path / "record.sqlite3")
    connection.execute(
        "CREATE TRIGGER full BEFORE INSERT ON source_files BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END"
    )
    connection.close()
    done = drive("--config", config, "generate", "--date", "2026-11-22", "--json")
    report = json.loads(done["stdout"])
    assert (done["code"], report["exit_code"], report["outputs"]) == (5, 5, None)
    assert "database or disk is full" in report["error"]
    assert not (tmp_path / "out" / "2026-11-22").exists()


def test_an_index_template_that_fails_leaves_the_briefing_published(
    tmp_path: Path, seeds_dir: Path, packages_dir: Path
) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(REPO / "templates", templates)
    (templates / "index.html.j2").write_text("<html><body>{{ site_title }}</body></html>", encoding="utf-8")
    config = write_config(tmp_path, seeds_dir, packages_dir)
    config.write_text(config.read_text(encoding="utf-8") + f'[render]\ntemplates_dir = "{templates}"\n', encoding="utf-8")
    for date in ("2026-11-22", "2026-11-23"):
        done = drive("--config", config, "generate", "--date", date, "--json")
        assert done["code"] == 0, done
    assert (tmp_path / "out" / "2026-11-22" / "briefing-2026-11-22.md").is_file()
    assert not (tmp_path / "out" / "index.html").exists()
