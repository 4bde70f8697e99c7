"""Replay real days of Saudi press through the daily job and check the record.

    python benchmarks/replay_days.py [--data ../shared/data/saudinewsnet] [--days N] [--key-sentences 1]
                                     [--package FILE.argosmodel]

Day N's articles (one SaudiNewsNet JSON file) appear in the inbox on day N, next to
all the earlier days' files, and the job runs with ``--date`` N, as the scheduler
would, with the topics of ``contrib/briefing.toml``. After each day it checks that the
briefing holds exactly that day's new articles, in the record and in the Markdown: each
article listed once in its index (a featured story's article list, a listed story's line,
the single-outlet articles; by its URL, its own link or an "also:" copy); at the end,
that every article with text was published exactly once, and that rebuilding one day
with ``--force`` changes no other day. Prints, per day, the articles read, new and
published, the PDF's pages, the featured and the continuing stories (featured or
listed), the share of featured key sentences that near-repeat a key sentence of an
earlier briefing (most of its own words in one earlier key sentence, 0.7 of them, the
product's measure; and half of its own 5-word runs), and the time the run took.

Everything is written under a temporary folder (the test package is installed there;
your home is not touched). The test model translates only its phrasebook, so the
English is nonsense here: this measures the job, not the translation.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
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


def _shingles(text: str, width: int = 5) -> set[tuple[str, ...]]:
    from briefing.arabic.tokenize import word_tokens

    words = word_tokens(text)
    return {tuple(words[k : k + width]) for k in range(max(1, len(words) - width + 1))}


def near_repeats(sentences: list[str], earlier: list[str]) -> tuple[int, int]:
    """How many of ``sentences`` near-repeat one of ``earlier``: (by word overlap, by shingles)."""
    from briefing.arabic.tokenize import word_tokens
    from briefing.summarize.story import REPEAT_OVERLAP

    old_words = [frozenset(word_tokens(s)) for s in earlier]
    old_shingles = [_shingles(s) for s in earlier]
    by_words = by_shingles = 0
    for sentence in sentences:  # the new sentence's own words and runs, mostly said before
        words, shingles = frozenset(word_tokens(sentence)), _shingles(sentence)
        by_words += any(len(words & o) >= REPEAT_OVERLAP * len(words) for o in old_words if o)
        by_shingles += any(len(shingles & o) >= 0.5 * len(shingles) for o in old_shingles if o)
    return by_words, by_shingles


def pdf_pages(path: Path | None) -> int:
    if path is None:
        return 0
    import subprocess

    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=False).stdout
    match = re.search(r"Pages:\s+(\d+)", info)
    return int(match[1]) if match else 0


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
        from briefing.config import Config, load_config
        from briefing.ingest.textfiles import read_folder
        from briefing.pipeline import ArticleChoice, open_decoder, run_briefing
        from briefing.translate import install_from_file

        install_from_file(work / "packages", args.package)
        inbox = work / "inbox"
        inbox.mkdir()
        config = Config(
            input_dir=inbox, out_dir=work / "out", argos_packages_dir=work / "packages",
            database=work / "briefing.sqlite3", max_sentences=args.key_sentences,
            topics=load_config(REPO / "contrib" / "briefing.toml").topics,
        )
        decoder = open_decoder(config)
        seen: set[str] = set()
        failures = 0
        print(f"{'day':<12}{'read':>7}{'new':>7}{'published':>11}{'pages':>7}{'featured':>10}{'continuing':>12}"
              f"{'repeats':>9}{'repeats5':>10}{'seconds':>9}")
        all_repeats = [0, 0, 0]
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
            with sqlite3.connect(config.database) as db:  # type: ignore[arg-type]
                shown = [s for (row,) in db.execute("SELECT sentences FROM briefing_stories WHERE date = ?", (str(date),))
                         for s in json.loads(row)]
                earlier = [s for (row,) in db.execute("SELECT sentences FROM briefing_stories WHERE date < ?", (str(date),))
                           for s in json.loads(row)]
            by_words, by_shingles = near_repeats(shown, earlier)
            for k, value in enumerate((len(shown), by_words, by_shingles)):
                all_repeats[k] += value
            featured = sum(1 for line in (report.markdown.read_text(encoding="utf-8").splitlines() if report.markdown else [])
                           if re.match(r"## \d+\. ", line))
            continuing = sum(1 for story in report.stories if story["continues"])
            words_share = f"{by_words / len(shown):.0%}" if shown else "-"
            shingles_share = f"{by_shingles / len(shown):.0%}" if shown else "-"
            print(f"{date!s:<12}{report.articles_read:>7}{report.articles_new:>7}{report.articles_published:>11}"
                  f"{pdf_pages(report.pdf):>7}{featured:>10}{continuing:>12}{words_share:>9}{shingles_share:>10}"
                  f"{seconds:>9.1f}{'' if ok else '  MISMATCH'}", flush=True)
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
        print(f"featured key sentences: {all_repeats[0]}; near-repeating an earlier briefing's: "
              f"{all_repeats[1]} by word overlap, {all_repeats[2]} by 5-word shingles")
        return 0 if (once and unchanged and not failures) else 1


if __name__ == "__main__":
    raise SystemExit(main())
