"""What "who said what" costs on a real day: reprint diffs, actor labels, distinctive words.

    python benchmarks/framing_day.py [--day ZIP] [--runs 3]

The issue's budget: at most 10 % added to the job's time without translation. The job is
the real ``run_briefing`` on the day's SaudiNewsNet articles (read, stories, ranking, key
sentences, framing, Markdown, PDF and HTML, the record), with translation taken out: the
decoder hands the Arabic back at once (an echo, not a model: the one thing replaced, so
that the model's minutes do not hide the rest). It runs three ways, each in a fresh process
and record, in turns, ``--runs`` times:

- ``without``: the framing stage left out (``assemble._framed`` as the identity);
- ``pages``: as ``briefing generate`` and the scheduled job run it: the featured stories
  framed, the ones the pages show (``frame_every_story=False``);
- ``every``: as ``briefing generate --json`` runs it: every story framed for the report.

Then each part of the framing is timed alone on the day's stories, at a quarter, half and
all of the day to show how its cost grows.

Each run's time is given twice: as the clock on the wall saw it, and as the processor time
the job used (user and system, all its threads). On a machine others share the first
varies by half from run to run (one series: 15.4-31.3 s for the same job); the second
much less, since waiting for the processor is not counted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import subprocess
import sys
import time
from pathlib import Path

from isolation import data_missing, scratch_home, unpacked_day

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DAY = REPO.parent / "shared" / "data" / "saudinewsnet" / "2015-07-21.zip"
MODES = ("without", "pages", "every")


class EchoDecoder:
    """Gives each sentence back as it came: translation out of the measurement."""

    name = "echo"
    fingerprint = "echo"

    def decode(self, sentences: list[str], *, repetition_penalty: float = 1.0) -> list[object]:
        from briefing.translate.ctranslate import Decoded

        return [Decoded(s, 0.0, 0.0) for s in sentences]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--day", type=Path, default=DEFAULT_DAY)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--one", choices=MODES, help=argparse.SUPPRESS)  # a child run
    parser.add_argument("--inbox", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(*one_run(args.inbox, dt.date.fromisoformat(args.day.stem), mode=args.one))
        return 0
    if data_missing(args.day):
        return 0
    with scratch_home() as work:
        inbox = unpacked_day(args.day, work)
        # Each run in a fresh process (no cache warmed by another), the order turned by one
        # each round (without, pages, every; pages, every, without; ...) so that none always goes first.
        times: dict[str, dict[str, list[float]]] = {"wall": {m: [] for m in MODES}, "cpu": {m: [] for m in MODES}}
        for run in range(args.runs):
            for label in MODES[run % 3:] + MODES[: run % 3]:
                child = subprocess.run(
                    [sys.executable, __file__, "--day", str(args.day), "--one", label, "--inbox", str(inbox)],
                    capture_output=True, text=True, check=True,
                )
                wall, cpu = child.stdout.split()[-2:]
                times["wall"][label].append(float(wall))
                times["cpu"][label].append(float(cpu))
        for clock, name in (("wall", "wall-clock time"), ("cpu", "processor time")):
            runs = times[clock]
            without = statistics.median(runs["without"])
            print(f"{args.day.name}: the job without translation, {name} (median of {args.runs} runs each, a process "
                  f"each): {without:.2f} s without the framing ({min(runs['without']):.2f}-{max(runs['without']):.2f} s)")
            for mode, what in (("pages", "the featured stories framed (generate)"),
                               ("every", "every story framed (generate --json)")):
                framed = statistics.median(runs[mode])
                print(f"    {what}: {framed:.2f} s ({min(runs[mode]):.2f}-{max(runs[mode]):.2f} s): "
                      f"{framed - without:+.2f} s, {100 * (framed / without - 1):+.1f} %")
        parts(inbox)
        inside(inbox, dt.date.fromisoformat(args.day.stem))
    return 0


def one_run(inbox: Path, date: dt.date, *, mode: str) -> tuple[float, float]:
    """Seconds of one ``run_briefing`` of the day (``mode``: one of ``MODES``) in a fresh
    scratch home and record: on the wall, and of processor time."""
    with scratch_home() as work:
        from briefing import assemble
        from briefing.config import Config
        from briefing.pipeline import run_briefing

        if mode == "without":
            assemble._framed = lambda config, ranked, wanted=None: ranked  # type: ignore[assignment]
        config = Config(input_dir=inbox, out_dir=work / "out", database=work / "record.sqlite3")
        started, used = time.perf_counter(), time.process_time()
        run_briefing(config, date=date, decoder=EchoDecoder(), frame_every_story=mode == "every")  # type: ignore[arg-type]
        return time.perf_counter() - started, time.process_time() - used


def parts(inbox: Path) -> None:
    from briefing.cluster import find_stories
    from briefing.framing import starter_actors
    from briefing.framing.actors import actor_labels
    from briefing.framing.reprints import reprint_diffs
    from briefing.framing.wording import DayWords, distinctive_words
    from briefing.ingest.textfiles import read_folder

    read = read_folder(inbox)
    articles = [*read.articles, *read.copies]
    actors = starter_actors()
    print("share of the day   articles  stories(2+ outlets)  reprints s  labels s  distinctive s  (prior s)   (processor time)")
    for share in (0.25, 0.5, 1.0):
        chosen = articles[: int(len(articles) * share)]
        every = find_stories(chosen)
        stories = [s for s in every if s.outlet_count >= 2]
        used = time.process_time()
        day = DayWords.of_stories(every)
        prior = time.process_time() - used
        timed = []
        def words(story: object, day: DayWords = day) -> object:
            return distinctive_words(story, day)  # type: ignore[arg-type]

        for part in (reprint_diffs, lambda s: actor_labels(s.articles, actors), words):
            used = time.process_time()
            for story in stories:
                part(story)
            timed.append(time.process_time() - used)
        print(f"{share:>17.0%}  {len(chosen):8,}  {len(stories):19,}  {timed[0]:10.2f}  {timed[1]:8.2f}  "
              f"{timed[2]:13.2f}  ({prior:.2f})")


def inside(inbox: Path, date: dt.date, repeats: int = 5) -> None:
    """Timed inside one job, where the machine's run-to-run spread matters less: the
    framing stage (``assemble._framed``), and the PDF of the same briefing rendered with
    and without its framing shown (in turns; processor time, its median and least)."""
    import dataclasses

    from briefing import assemble
    from briefing.config import Config
    from briefing.pipeline import run_briefing
    from briefing.render import pdf
    from briefing.types import Framing

    framed, rendered = assemble._framed, pdf.render_pdf
    stage: list[tuple[float, float]] = []
    made: list[tuple[object, Path, dict[str, object]]] = []

    def timed_framing(config: Config, ranked: list[object], wanted: object = None) -> list[object]:
        started, used = time.perf_counter(), time.process_time()
        result = framed(config, ranked, wanted)  # type: ignore[arg-type]
        stage.append((time.perf_counter() - started, time.process_time() - used))
        return result  # type: ignore[return-value]

    def kept_pdf(briefing: object, templates_dir: Path, **options: object) -> bytes:
        made.append((briefing, templates_dir, options))
        return rendered(briefing, templates_dir, **options)  # type: ignore[arg-type]

    assemble._framed, pdf.render_pdf = timed_framing, kept_pdf  # type: ignore[assignment]
    try:
        for every in (False, True):
            with scratch_home() as work:
                config = Config(input_dir=inbox, out_dir=work / "out", database=work / "record.sqlite3")
                run_briefing(config, date=date, decoder=EchoDecoder(), frame_every_story=every)  # type: ignore[arg-type]
    finally:
        assemble._framed, pdf.render_pdf = framed, rendered  # type: ignore[assignment]
    briefing, templates_dir, options = made[0]
    bare = dataclasses.replace(  # type: ignore[type-var]
        briefing, stories=tuple(dataclasses.replace(f, framing=Framing(), english=()) for f in briefing.stories)  # type: ignore[attr-defined]
    )
    shown: dict[str, list[float]] = {"with": [], "without": []}
    for turn in range(repeats):
        for label, value in (("with", briefing), ("without", bare))[:: 1 if turn % 2 == 0 else -1]:
            used = time.process_time()
            rendered(value, templates_dir, **options)  # type: ignore[arg-type]
            shown[label].append(time.process_time() - used)
    with_shown, without = statistics.median(shown["with"]), statistics.median(shown["without"])
    print(f"inside the job: the framing stage {stage[0][0]:.2f} s ({stage[0][1]:.2f} s of processor time) for the "
          f"featured stories, {stage[1][0]:.2f} s ({stage[1][1]:.2f} s) for every story; the PDF "
          f"{with_shown:.2f} s with the framing shown, {without:.2f} s without: {with_shown - without:+.2f} s (processor "
          f"time, medians of {repeats}; least {min(shown['with']):.2f} s and {min(shown['without']):.2f} s: "
          f"{min(shown['with']) - min(shown['without']):+.2f} s)")


if __name__ == "__main__":
    raise SystemExit(main())
