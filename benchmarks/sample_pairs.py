"""Draw cross-outlet pairs of one SaudiNewsNet day for labelling, and print them for a reader.

    python benchmarks/sample_pairs.py DAY [--data ../shared/data/saudinewsnet] [--seed 1]
                                      [--grouped 170] [--near 130] [--random 70] [--out PAIRS.jsonl]
    python benchmarks/sample_pairs.py DAY --show PAIRS.jsonl [--words 120] > pairs.txt

The pairs are drawn as the labelled sets in ``benchmarks/labels/`` were (``labels/README.md``):
pairs of articles of different outlets that the clustering of today's code puts in one
story (at most 8 per story, so that one large story does not fill the set), the most similar
pairs it keeps apart (TF-IDF cosine of headline and lead, ``stories.story_vectors``: the near
misses), and pairs drawn at random among the other pairs apart with a cosine of at least
0.12 (so that the set also holds pairs no one would hesitate over). Each pair is written
as ``{"a": URL, "b": URL}``, in a random order (the reader cannot tell how it was drawn).

``--show`` prints each pair of a file for reading: number, outlets, dates, headlines and
the first ``--words`` words of each text, nothing else (no label, no score).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from pathlib import Path

from isolation import isolate, unpacked_day

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "data" / "saudinewsnet"
PER_STORY = 8
RANDOM_MIN_COSINE = 0.12


def read_day(day: str, data: Path, work: Path) -> list[object]:
    from briefing.ingest.textfiles import read_folder

    read = read_folder(unpacked_day(data / f"{day}.zip", work))
    return [*read.articles, *read.copies]


def draw(day: str, data: Path, work: Path, *, seed: int, grouped: int, near: int, at_random: int) -> list[dict[str, str]]:
    from briefing.cluster import find_stories
    from briefing.cluster.stories import story_vectors

    articles = read_day(day, data, work)
    stories = find_stories(articles)  # type: ignore[arg-type]
    rng = random.Random(seed)
    members = []  # (story number, article) for the article standing for each member
    for number, story in enumerate(stories):
        for member in story.members:
            members.append((number, member.article))
    story_of = [n for n, _ in members]
    arts = [a for _, a in members]
    vectors = story_vectors([a.title for a in arts], [a.body for a in arts])
    chosen: list[tuple[int, int]] = []
    # 1. Grouped pairs of different outlets, at most PER_STORY a story.
    by_story: dict[int, list[int]] = {}
    for k, n in enumerate(story_of):
        by_story.setdefault(n, []).append(k)
    grouped_pairs: list[tuple[int, int]] = []
    for ks in by_story.values():
        pairs = [(i, j) for x, i in enumerate(ks) for j in ks[x + 1 :] if arts[i].outlet_key != arts[j].outlet_key]
        rng.shuffle(pairs)
        grouped_pairs += pairs[:PER_STORY]
    rng.shuffle(grouped_pairs)
    chosen += grouped_pairs[:grouped]
    # 2. and 3. Pairs kept apart, by cosine: the most similar, then a random draw above the floor.
    similarity = (vectors @ vectors.T).tocoo()
    apart = [
        (float(v), int(i), int(j))
        for i, j, v in zip(similarity.row, similarity.col, similarity.data, strict=True)
        if i < j and story_of[i] != story_of[j] and arts[i].outlet_key != arts[j].outlet_key and v >= RANDOM_MIN_COSINE
    ]
    apart.sort(key=lambda t: (-t[0], t[1], t[2]))
    chosen += [(i, j) for _, i, j in apart[:near]]
    rest = apart[near:]
    chosen += [(i, j) for _, i, j in rng.sample(rest, min(at_random, len(rest)))]
    rng.shuffle(chosen)
    return [{"a": arts[i].url, "b": arts[j].url} for i, j in chosen]


def show(day: str, pairs_path: Path, data: Path, work: Path, *, words: int) -> None:
    by_url = {}
    for article in read_day(day, data, work):
        by_url.setdefault(article.url, article)  # type: ignore[attr-defined]
    rows = [json.loads(line) for line in pairs_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for number, row in enumerate(rows, 1):
        print(f"=== pair {number}")
        for side in ("a", "b"):
            article = by_url[row[side]]
            text = " ".join(article.body.split()[:words])
            print(f"[{side}] {article.outlet_key} | {article.published} | {article.title}")
            print(f"    {text}")
        print()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("day", help="YYYY-MM-DD, a SaudiNewsNet day")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--grouped", type=int, default=170)
    parser.add_argument("--near", type=int, default=130)
    parser.add_argument("--random", type=int, default=70)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--show", type=Path, help="print the pairs of this file for reading")
    parser.add_argument("--words", type=int, default=120)
    args = parser.parse_args()
    if not (args.data / f"{args.day}.zip").is_file():
        print(f"skipped: {args.data / (args.day + '.zip')} not found (the data lives in ../shared/data)", file=sys.stderr)
        return 0
    with tempfile.TemporaryDirectory(prefix="briefing-bench-") as tmp:
        work = Path(tmp)
        isolate(work)
        if args.show:
            show(args.day, args.show, args.data, work, words=args.words)
            return 0
        rows = draw(args.day, args.data, work, seed=args.seed, grouped=args.grouped, near=args.near, at_random=args.random)
    text = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
