"""Key-sentence selection speed on one real day of Saudi press, ours against sumy LexRank.

    python benchmarks/summarize_speed.py [../shared/data/saudinewsnet/2015-07-21.zip] [--sumy-articles N]

Every article of the day is split into sentences once (our splitter, not timed);
then each system picks 3 key sentences per article from those same sentences. Ours
runs over the whole day; sumy LexRank (the ``bench`` extra) over the first N
articles, being about a hundred times slower, and ours is timed on those N too so
the ratio compares like with like. Each timing is the best of ``--repeat`` runs
(this machine's timings vary by a third from run to run). Prints articles per
second and the ratio.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from briefing.arabic import split_sentences
from briefing.summarize import Budget, SalienceSelector, select_key_sentences
from briefing.types import Sentence

DEFAULT_DAY = REPO.parent / "shared" / "data" / "saudinewsnet" / "2015-07-21.zip"
KEY_SENTENCES = 3


def load_day(path: Path) -> list[tuple[str, list[Sentence]]]:
    with zipfile.ZipFile(path) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".json")]
        records = json.loads(archive.read(name))
    articles = []
    for record in records:
        sentences = [Sentence(t, i) for i, t in enumerate(split_sentences(record.get("content") or ""))]
        if sentences:
            articles.append((record.get("title") or "", sentences))
    return articles


def time_ours(articles: list[tuple[str, list[Sentence]]]) -> float:
    selector = SalienceSelector()
    budget = Budget(max_sentences=KEY_SENTENCES)
    started = time.perf_counter()
    for title, sentences in articles:
        select_key_sentences(selector, sentences, budget, title)
    return len(articles) / (time.perf_counter() - started)


def time_sumy(articles: list[tuple[str, list[Sentence]]]) -> float:
    from sumy.models.dom import ObjectDocumentModel, Paragraph
    from sumy.models.dom import Sentence as SumySentence
    from sumy.summarizers.lex_rank import LexRankSummarizer

    from briefing.evaluate.sumy_systems import sumy_tokenizer

    summarizer, tokenizer = LexRankSummarizer(), sumy_tokenizer()
    started = time.perf_counter()
    for _, sentences in articles:
        document = ObjectDocumentModel([Paragraph([SumySentence(s.text, tokenizer) for s in sentences])])
        summarizer(document, KEY_SENTENCES)
    return len(articles) / (time.perf_counter() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("day", type=Path, nargs="?", default=DEFAULT_DAY)
    parser.add_argument("--sumy-articles", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not args.day.is_file():
        print(f"skipped: {args.day} not found (the data lives in ../shared/data)", file=sys.stderr)
        return 0
    articles = load_day(args.day)
    sentences = sum(len(s) for _, s in articles)
    print(f"{args.day.name}: {len(articles)} articles, {sentences} sentences")
    time_ours(articles[:50])  # warm the stemmer and the term cache as a running job would be
    ours_day = max(time_ours(articles) for _ in range(args.repeat))
    subset = articles[: args.sumy_articles]
    ours_subset = max(time_ours(subset) for _ in range(args.repeat))
    sumy = max(time_sumy(subset) for _ in range(args.repeat))
    print(f"{'system':<26}{'articles/s':>12}")
    print(f"{'briefing (whole day)':<26}{ours_day:>12.0f}")
    print(f"{f'briefing (first {len(subset)})':<26}{ours_subset:>12.0f}")
    print(f"{f'sumy LexRank (first {len(subset)})':<26}{sumy:>12.1f}")
    print(f"ratio briefing / sumy LexRank: {ours_subset / sumy:.0f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
