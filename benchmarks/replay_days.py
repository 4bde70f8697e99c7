"""Replay real days of Saudi press through the daily job and check the record.

    python benchmarks/replay_days.py [--data ../shared/data/saudinewsnet] [--days N] [--key-sentences 1]
                                     [--package FILE.argosmodel]

Day N's articles (one SaudiNewsNet JSON file) appear in the inbox on day N, next to
all the earlier days' files, and the job runs with ``--date`` N, as the scheduler
would. After each day it checks that the briefing holds exactly that day's new
articles, in the record and in the Markdown: each article listed once, under its featured
story or among the other articles (by its URL, its own link or an "also:" copy); at the end, that every article with text was published exactly
once, and that rebuilding one day with ``--force`` changes no other day. Prints, per
day, the articles read, new and published, and the time the run took.

Everything is written under a temporary folder (the test package is installed there;
your home is not touched). The test model translates only its phrasebook, so the
English is nonsense here: this measures the job, not the translation.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sqlite3
import sys
import tempfile
import time
import zipfile
from collections import Counter
from pathlib import Path
from urllib.parse import unquote

from isolation import isolate

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "data" / "saudinewsnet"
DEFAULT_PACKAGE = REPO / "tests" / "data" / "translate-ar_en-test.argosmodel"


_LINK = re.compile(r"\]\((https?://[^)\s]+)\)")


def listed_urls(markdown: str) -> Counter[str]:
    """How often each article URL is listed: the briefing's "- **OUTLET** · ..." lines, which
    name every article once (their own link, and "also:" links for copies collapsed into them)."""
    found: Counter[str] = Counter()
    for line in markdown.splitlines():
        if line.startswith("- **"):
            found.update(unquote(url) for url in _LINK.findall(line))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--days", type=int, default=0, help="only the first N days (0: all)")
    parser.add_argument("--key-sentences", type=int, default=1, help="per article (the product default is 3)")
    parser.add_argument("--package", type=Path, default=DEFAULT_PACKAGE)
    args = parser.parse_args()
    days = sorted(args.data.glob("*.zip"))[: args.days or None]
    if not days:
        print(f"skipped: no SaudiNewsNet days in {args.data}", file=sys.stderr)
        return 0
    with tempfile.TemporaryDirectory(prefix="briefing-replay-") as tmp:
        work = Path(tmp)
        isolate(work)  # before anything imports argostranslate
        from briefing.config import Config
        from briefing.ingest.textfiles import read_folder
        from briefing.pipeline import ArticleChoice, open_decoder, run_briefing
        from briefing.translate import install_from_file

        install_from_file(work / "packages", args.package)
        inbox = work / "inbox"
        inbox.mkdir()
        config = Config(
            input_dir=inbox, out_dir=work / "out", argos_packages_dir=work / "packages",
            database=work / "briefing.sqlite3", max_sentences=args.key_sentences,
        )
        decoder = open_decoder(config)
        seen: set[str] = set()
        failures = 0
        print(f"{'day':<12}{'read':>7}{'new':>7}{'published':>11}{'seconds':>9}")
        for day_zip in days:
            date = dt.date.fromisoformat(day_zip.stem)
            with zipfile.ZipFile(day_zip) as archive:
                (name,) = [n for n in archive.namelist() if n.endswith(".json")]
                (inbox / f"{day_zip.stem}.json").write_bytes(archive.read(name))
            read = read_folder(inbox)
            expected = {a.id for a in read.articles} - seen
            urls = Counter(unquote(a.url) for a in [*read.articles, *read.copies] if a.id in expected)
            started = time.perf_counter()
            report = run_briefing(config, date=date, decoder=decoder)
            seconds = time.perf_counter() - started
            with sqlite3.connect(config.database) as db:  # type: ignore[arg-type]
                got = [row[0] for row in db.execute("SELECT article_id FROM briefing_articles WHERE date = ?", (str(date),))]
            listed = listed_urls(report.markdown.read_text(encoding="utf-8")) if report.markdown else Counter()
            ok = sorted(got) == sorted(expected) and len(got) == len(set(got)) and listed == urls
            failures += not ok
            seen |= expected
            print(f"{date!s:<12}{report.articles_read:>7}{report.articles_new:>7}{report.articles_published:>11}"
                  f"{seconds:>9.1f}{'' if ok else '  MISMATCH'}")
        with sqlite3.connect(config.database) as db:  # type: ignore[arg-type]
            rows = list(db.execute("SELECT date, article_id FROM briefing_articles ORDER BY date, article_id"))
        once = len(rows) == len({a for _, a in rows}) == len(seen)
        middle = dt.date.fromisoformat(days[len(days) // 2].stem)
        run_briefing(config, date=middle, decoder=decoder, choice=ArticleChoice(force=True))
        with sqlite3.connect(config.database) as db:  # type: ignore[arg-type]
            after = list(db.execute("SELECT date, article_id FROM briefing_articles ORDER BY date, article_id"))
        unchanged = after == rows
        print(f"articles published: {len(rows)}; each exactly once: {once}; days matching: {len(days) - failures}/{len(days)}")
        print(f"rebuilding {middle} with --force changed nothing else: {unchanged}")
        return 0 if (once and unchanged and not failures) else 1


if __name__ == "__main__":
    raise SystemExit(main())
