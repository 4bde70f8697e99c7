"""One real day: ingest, collapse copies, find reprints and group stories, timed, with peak memory.

    python benchmarks/stories_day.py [--day ZIP] [--top 10] [--json]

The day's SaudiNewsNet JSON (2015-07-21: 2,972 articles from 14 outlets) is unpacked
into a scratch folder and read by the normal folder ingest (``read_folder``: decoding,
title and furniture, metadata), then ``find_stories`` runs on what was read. Prints
the time of each part, the peak memory of the process (ru_maxrss, which includes the
Python interpreter and numpy/scipy), and the top stories with their outlet counts, so
their sense can be checked. Target (issue 6): under 10 s and under 1 GB on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

from isolation import data_missing, scratch_home, unpacked_day

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DAY = REPO.parent / "shared" / "data" / "saudinewsnet" / "2015-07-21.zip"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--day", type=Path, default=DEFAULT_DAY)
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if data_missing(args.day):
        return 0
    with scratch_home() as work:
        inbox = unpacked_day(args.day, work)
        # Imports are part of a real run's cost but not of the day's: load them first.
        from briefing.cluster import find_stories
        from briefing.ingest.textfiles import read_folder

        started = time.perf_counter()
        read = read_folder(inbox)
        ingested = time.perf_counter()
        stories = find_stories([*read.articles, *read.copies])
        done = time.perf_counter()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    articles = len(read.articles)
    report = {
        "articles": articles,
        "skipped": len(read.skipped),
        "stories": len(stories),
        "stories_of_several_articles": sum(1 for s in stories if s.article_count > 1),
        "copies_collapsed": sum(len(m.copies) for s in stories for m in s.members),
        "articles_sharing_paragraphs": sum(1 for s in stories for m in s.members if m.shares),
        "ingest_s": round(ingested - started, 2),
        "cluster_s": round(done - ingested, 2),
        "total_s": round(done - started, 2),
        "peak_rss_mb": round(peak_mb),
        "top": [
            {"title": s.lead.title, "outlets": s.outlet_count, "articles": s.article_count}
            for s in stories[: args.top]
        ],
    }
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
        return 0
    print(f"{args.day.name}: {articles} articles read ({report['skipped']} skipped), {len(stories)} stories "
          f"({report['stories_of_several_articles']} of several articles), {report['copies_collapsed']} copies collapsed, "
          f"{report['articles_sharing_paragraphs']} articles sharing paragraphs with another outlet")
    print(f"ingest {report['ingest_s']} s + stories {report['cluster_s']} s = {report['total_s']} s; "
          f"peak memory {report['peak_rss_mb']} MB")
    for number, story in enumerate(report["top"], 1):
        print(f"{number:2}. {story['outlets']} outlets, {story['articles']} articles: {story['title']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
