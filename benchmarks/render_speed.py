"""Rendering a large briefing: 100 featured stories of a real day, Markdown and PDF, timed.

    python benchmarks/render_speed.py [--day ZIP] [--stories 100] [--json]

The stories are the day's top 100 (SaudiNewsNet 2015-07-21, grouped by ``find_stories``),
each with its key sentences (5 a story, the default) chosen by the selector. Their
English must be of realistic length, and the test model's is not (on unseen Arabic it
loops up to 256 tokens), so each sentence gets the human English of the NTREX segment
whose Arabic is closest in length (``--english model`` uses the test model instead).
Then ``render_markdown`` and ``render_pdf`` are timed on that briefing (median of
``--runs``), and the process's peak memory is reported (ru_maxrss: everything the
process held, the day's articles included). Target (issue 7): under 20 s and 1 GB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import statistics
import subprocess
import time
import zipfile
from pathlib import Path

from isolation import data_missing, scratch_home

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DAY = REPO.parent / "shared" / "data" / "saudinewsnet" / "2015-07-21.zip"
DEFAULT_PACKAGE = REPO / "tests" / "data" / "translate-ar_en-test.argosmodel"
NTREX = REPO.parent / "shared" / "data" / "ntrex"


def english_of_similar_length(texts: list[str]) -> dict[str, str]:
    """For each Arabic text, the English of the NTREX segment whose Arabic length is closest."""
    import bisect

    arabic = (NTREX / "ar.txt").read_text(encoding="utf-8").splitlines()
    english = (NTREX / "en.txt").read_text(encoding="utf-8").splitlines()
    pairs = sorted((len(a), e) for a, e in zip(arabic, english, strict=True))
    lengths = [n for n, _ in pairs]
    chosen = {}
    for text in texts:
        i = min(bisect.bisect_left(lengths, len(text)), len(pairs) - 1)
        chosen[text] = pairs[i][1]
    return chosen


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--day", type=Path, default=DEFAULT_DAY)
    parser.add_argument("--stories", type=int, default=100)
    parser.add_argument("--english", choices=("ntrex", "model"), default="ntrex")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if data_missing(args.day):
        return 0
    with scratch_home() as work:  # before anything imports argostranslate
        from briefing.assemble import build_engine, open_decoder, select_featured
        from briefing.cluster import find_stories
        from briefing.config import Config
        from briefing.ingest.textfiles import read_folder
        from briefing.render import find_templates_dir, render_markdown, render_pdf
        from briefing.translate import install_from_file
        from briefing.types import Briefing, FeaturedStory, KeyPoint, Translation

        install_from_file(work / "packages", DEFAULT_PACKAGE)
        inbox = work / "inbox"
        inbox.mkdir()
        with zipfile.ZipFile(args.day) as archive:
            archive.extractall(inbox)
        read = read_folder(inbox)
        stories = find_stories([*read.articles, *read.copies])
        config = Config(argos_packages_dir=work / "packages", featured_stories=args.stories, memory=False)
        featured = select_featured(config, stories)
        engine = build_engine(config, open_decoder(config), None)
        texts = [story.lead.title for story, _ in featured] + [s.text for _, points in featured for s, _ in points]
        if args.english == "model":
            translations = engine.translate(texts)
        else:
            human = english_of_similar_length(texts)
            translations = {t: Translation(t, human[t], -0.5, -0.3, "model") for t in texts}
        briefing = Briefing(
            date=dt.date.fromisoformat(args.day.stem),
            stories=tuple(
                FeaturedStory(story, translations[story.lead.title], tuple(KeyPoint(s, a, translations[s.text]) for s, a in points))
                for story, points in featured
            ),
            others=(),
            model=engine.name,
        )
        templates = find_templates_dir(None)
        markdown_times, pdf_times = [], []
        for _ in range(args.runs):
            started = time.perf_counter()
            markdown = render_markdown(briefing, templates, summarizer=config.summarizer)
            rendered_md = time.perf_counter()
            pdf = render_pdf(briefing, templates, summarizer=config.summarizer)
            done = time.perf_counter()
            markdown_times.append(rendered_md - started)
            pdf_times.append(done - rendered_md)
        (work / "b.pdf").write_bytes(pdf)
        pages = next(
            int(line.split()[-1])
            for line in subprocess.run(["pdfinfo", str(work / "b.pdf")], capture_output=True, text=True, check=True).stdout.splitlines()
            if line.startswith("Pages:")
        )
    report = {
        "stories": len(briefing.stories),
        "key_sentences": sum(len(f.points) for f in briefing.stories),
        "pages": pages,
        "pdf_mb": round(len(pdf) / 1e6, 2),
        "markdown_s": round(statistics.median(markdown_times), 2),
        "pdf_s": round(statistics.median(pdf_times), 2),
        "pdf_s_runs": [round(t, 1) for t in pdf_times],
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    if args.json:
        print(json.dumps(report))
        return 0
    print(f"{report['stories']} stories, {report['key_sentences']} key sentences: {report['pages']} pages, "
          f"{report['pdf_mb']} MB PDF, {len(markdown):,} characters of Markdown")
    print(f"Markdown {report['markdown_s']} s, PDF {report['pdf_s']} s (median of {report['pdf_s_runs']}); "
          f"peak memory {report['peak_rss_mb']} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
