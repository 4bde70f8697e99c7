"""Start-up: how long the commands a user types take before they do anything, and a run
with nothing new over an inbox that grows day by day.

    python benchmarks/startup.py [--data ../shared/data/saudinewsnet] [--days 18] [--repeat 7]

Every figure is the wall time of a fresh process (``python -m briefing ...``), as a user
or the scheduler starts it, min / median / max over ``--repeat`` runs:

1. ``import briefing``, ``briefing --help`` and ``briefing status`` (on the seeds), beside a
   bare interpreter and the import of every stage (``briefing.pipeline``, ``cluster``,
   ``summarize``, ``render.markdown``, ``render.pdf``, ``translate``: what ``import briefing``
   loaded before it became lazy, NumPy, SciPy and Jinja2 with them); with ``--compare
   CHECKOUT`` (an older briefing, e.g. ``git worktree add ../old b5bd2d8``), the same
   commands from that checkout, in the same run;
2. the inbox: day N's SaudiNewsNet file joins the inbox and is published (in process,
   Markdown only, to build the record quickly); then ``briefing generate`` for the next
   date runs with nothing new, and is timed at 1, 2, 4, 8, ... days. Beside it, in the same
   run, a fresh process that parses the whole inbox (``read_folder``), which is what every
   run did before the record kept each file's size, time and hash: the cost a run with
   nothing new no longer pays.

The children write their bytecode to a temporary folder (``PYTHONPYCACHEPREFIX``), warmed
by one run first: an installed briefing has its ``.pyc`` files (pip compiles them), so
this measures that, not Python compiling the sources on every start. Everything lives
in a temporary folder; your home is not touched.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from isolation import isolate

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "data" / "saudinewsnet"
DEFAULT_PACKAGE = REPO / "tests" / "data" / "translate-ar_en-test.argosmodel"
EVERY_STAGE = (
    "import briefing.pipeline, briefing.cluster, briefing.summarize, briefing.render.markdown, "
    "briefing.render.pdf, briefing.translate"
)


def timed(command: list[str], env: dict[str, str], cwd: Path, repeat: int) -> tuple[list[float], str]:
    """Wall seconds of ``repeat`` runs of ``command`` (after one warm-up run), and the last stdout."""
    times: list[float] = []
    out = ""
    for _ in range(1 + repeat):
        started = time.perf_counter()
        done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, check=False)
        times.append(time.perf_counter() - started)
        if done.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(command)} failed ({done.returncode}): {done.stderr.strip()[-500:]}")
        out = done.stdout
    return times[1:], out


def spread(times: list[float]) -> str:
    return f"{min(times):6.3f} {statistics.median(times):6.3f} {max(times):6.3f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--days", type=int, default=18, help="days in the inbox at the end (0: none, commands only)")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--package", type=Path, default=DEFAULT_PACKAGE)
    parser.add_argument("--compare", type=Path, help="an older briefing checkout, timed beside this one")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="briefing-startup-") as tmp:
        work = Path(tmp)
        isolate(work)  # before anything imports argostranslate
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
        env["PYTHONPATH"] = str(REPO)
        python = [sys.executable]
        from briefing.translate import install_from_file

        install_from_file(work / "packages", args.package)
        seeds_config = work / "seeds.toml"
        seeds_config.write_text(
            f'[input]\ndir = "{REPO / "seeds"}"\n[translate]\npackages_dir = "{work / "packages"}"\n'
            f'[store]\npath = "{work / "seeds.sqlite3"}"\n[output]\ndir = "{work / "seeds-out"}"\n',
            encoding="utf-8",
        )
        print(f"{'command (fresh process, wall s)':<44}{'min':>6} {'median':>6} {'max':>6}")
        figures: dict[str, list[float]] = {}
        for label, command in [
            ("python -c pass", [*python, "-c", "pass"]),
            ("python -c 'import briefing'", [*python, "-c", "import briefing"]),
            ("python -c 'import <every stage>'", [*python, "-c", EVERY_STAGE]),
            ("briefing --help", [*python, "-m", "briefing", "--help"]),
            ("briefing status (seeds)", [*python, "-m", "briefing", "--config", str(seeds_config), "status"]),
        ]:
            figures[label], _ = timed(command, env, work, args.repeat)
            print(f"{label:<44}{spread(figures[label])}")
            if args.compare and label.startswith("briefing") or args.compare and label == "python -c 'import briefing'":
                other = {**env, "PYTHONPATH": str(args.compare.resolve())}
                then, _ = timed(command, other, work, args.repeat)
                now = statistics.median(figures[label])
                print(f"{'  the same, ' + args.compare.name:<44}{spread(then)}   ({statistics.median(then) / now:.1f}x this one)")
        bare = statistics.median(figures["python -c pass"])
        _ratios(figures, bare)
        days = sorted(args.data.glob("*.zip"))[: args.days]
        if args.days and not days:
            print(f"skipped the inbox part: no SaudiNewsNet days in {args.data}", file=sys.stderr)
            return 0
        if days:
            _inbox(work, env, python, days, args.repeat)
    return 0


def _ratios(figures: dict[str, list[float]], bare: float) -> None:
    median = {label: statistics.median(times) for label, times in figures.items()}
    lazy, eager = median["python -c 'import briefing'"], median["python -c 'import <every stage>'"]
    print(f"import briefing: {lazy - bare:.3f} s over a bare interpreter; the stages' imports it no longer pays: "
          f"{eager - bare:.3f} s ({(eager - bare) / max(lazy - bare, 1e-3):.1f}x)")


def _inbox(work: Path, env: dict[str, str], python: list[str], days: list[Path], repeat: int) -> None:
    from briefing.assemble import open_decoder
    from briefing.config import load_config
    from briefing.pipeline import run_briefing

    inbox = work / "inbox"
    inbox.mkdir()
    config_path = work / "inbox.toml"
    config_path.write_text(
        f'[input]\ndir = "{inbox}"\n[translate]\npackages_dir = "{work / "packages"}"\n'
        f'[store]\npath = "{work / "inbox.sqlite3"}"\n[output]\ndir = "{work / "out"}"\nformats = ["markdown"]\n'
        "[stories]\nfeatured = 3\n",
        encoding="utf-8",
    )
    config = load_config(config_path)
    decoder = open_decoder(config)
    measure_at = {1, 2, 4, 8, 16, len(days)}
    reader = (
        "import sys; from pathlib import Path; from briefing.ingest.textfiles import read_folder; "
        "print(len(read_folder(Path(sys.argv[1])).articles))"
    )
    print()
    print(f"{'days':>4}{'articles':>10}{'MB':>6}  {'nothing new: generate (s)':>26}  {'parse the whole inbox (s)':>26}  ratio")
    for number, day_zip in enumerate(days, 1):
        date = dt.date.fromisoformat(day_zip.stem)
        with zipfile.ZipFile(day_zip) as archive:
            (name,) = [n for n in archive.namelist() if n.endswith(".json")]
            (inbox / f"{day_zip.stem}.json").write_bytes(archive.read(name))
        run_briefing(config, date=date, decoder=decoder)  # publish the day (not timed)
        if number not in measure_at:
            continue
        next_day = (date + dt.timedelta(days=1)).isoformat()
        unchanged, out = timed([*python, "-m", "briefing", "--config", str(config_path), "generate", "--date", next_day,
                                "--json"], env, work, repeat)
        report = json.loads(out)
        assert report["articles_new"] == 0 and report["outputs"] is None, report
        parse, _ = timed([*python, "-c", reader, str(inbox)], env, work, max(1, repeat // 3))
        size = sum(p.stat().st_size for p in inbox.iterdir()) / 1e6
        ratio = statistics.median(parse) / statistics.median(unchanged)
        print(f"{number:>4}{report['articles_read']:>10}{size:>6.0f}  {spread(unchanged):>26}  {spread(parse):>26}  {ratio:4.1f}x")


if __name__ == "__main__":
    raise SystemExit(main())
