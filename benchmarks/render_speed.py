"""Rendering a large briefing: 100 featured stories of a real day, Markdown and PDF, timed.

    python benchmarks/render_speed.py [--day ZIP] [--stories 100] [--json]

The stories are the day's top 100 (SaudiNewsNet 2015-07-21, grouped by ``find_stories``),
each with its key sentences (5 a story, the default) chosen by the selector and
translated by the test model (installed into a scratch folder; its English is nonsense of
realistic length). Then ``render_markdown`` and ``render_pdf`` are timed on that
briefing, and the process's peak memory is reported (ru_maxrss: everything the process
held, the day's articles and the model included). Target (issue 7): under 20 s and 1 GB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from isolation import isolate

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DAY = REPO.parent / "shared" / "data" / "saudinewsnet" / "2015-07-21.zip"
DEFAULT_PACKAGE = REPO / "tests" / "data" / "translate-ar_en-test.argosmodel"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--day", type=Path, default=DEFAULT_DAY)
    parser.add_argument("--stories", type=int, default=100)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not args.day.is_file():
        print(f"skipped: {args.day} not found (the data lives in ../shared/data)", file=sys.stderr)
        return 0
    with tempfile.TemporaryDirectory(prefix="briefing-bench-") as tmp:
        work = Path(tmp)
        isolate(work)  # before anything imports argostranslate
        from briefing.cluster import find_stories
        from briefing.config import Config
        from briefing.ingest.textfiles import read_folder
        from briefing.pipeline import _featured_points, build_engine, open_decoder
        from briefing.render import find_templates_dir, render_markdown, render_pdf
        from briefing.summarize import get_selector
        from briefing.translate import install_from_file
        from briefing.types import Briefing, FeaturedStory, KeyPoint

        install_from_file(work / "packages", DEFAULT_PACKAGE)
        inbox = work / "inbox"
        inbox.mkdir()
        with zipfile.ZipFile(args.day) as archive:
            archive.extractall(inbox)
        read = read_folder(inbox)
        stories = find_stories([*read.articles, *read.copies])
        config = Config(argos_packages_dir=work / "packages", featured_stories=args.stories, memory=False)
        featured = _featured_points(config, get_selector(config.summarizer), stories)
        engine = build_engine(config, open_decoder(config), None)
        texts = [story.lead.title for story, _ in featured] + [s.text for _, points in featured for s, _ in points]
        translations = engine.translate(texts)
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
        started = time.perf_counter()
        markdown = render_markdown(briefing, templates, summarizer=config.summarizer)
        rendered_md = time.perf_counter()
        pdf = render_pdf(briefing, templates, summarizer=config.summarizer)
        done = time.perf_counter()
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
        "markdown_s": round(rendered_md - started, 2),
        "pdf_s": round(done - rendered_md, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    if args.json:
        print(json.dumps(report))
        return 0
    print(f"{report['stories']} stories, {report['key_sentences']} key sentences: {report['pages']} pages, "
          f"{report['pdf_mb']} MB PDF, {len(markdown):,} characters of Markdown")
    print(f"Markdown {report['markdown_s']} s, PDF {report['pdf_s']} s; peak memory {report['peak_rss_mb']} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
