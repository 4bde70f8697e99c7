"""How well stories are grouped: pairwise precision and recall of "one story" on labelled pairs.

    python benchmarks/story_pairs.py [--labels benchmarks/labels/story-pairs-2015-07-22.jsonl ...]
                                     [--data ../shared/data/saudinewsnet] [--errors]

Each labels file holds cross-outlet pairs of one SaudiNewsNet day (by the articles' URLs),
each read in Arabic and labelled ``same`` (one event), ``development`` (a reaction, a
follow-up, the next step of the same case) or ``separate`` (two events, even of one kind).
``same`` and ``development`` are "one story". The day is read by the normal folder ingest
and grouped by ``find_stories``; a pair is predicted "one story" when both articles end
up in the same story (copies included). Precision: of the labelled pairs grouped, the
share that are one story; recall: of the pairs that are one story, the share grouped.

How the pairs were drawn (``labels/README.md``): the cross-outlet pairs the clustering of
the time (commit 75fdf19) put in one story (at most 8 per story, 170), the 130 most similar
pairs it kept apart (TF-IDF cosine of headline and lead), and 70 drawn at random from the
other pairs apart with a cosine of at least 0.12. The 2015-07-22 set is the one reported;
2015-07-23 was used to tune (see benchmarks/README.md, "Story grouping").
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import zipfile
from pathlib import Path

from isolation import isolate

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "data" / "saudinewsnet"
DEFAULT_LABELS = [REPO / "benchmarks" / "labels" / "story-pairs-2015-07-22.jsonl"]
ONE_STORY = {"same", "development"}


def score(labels_path: Path, data: Path, *, errors: bool = False) -> dict[str, object]:
    from briefing.cluster import find_stories
    from briefing.ingest.textfiles import read_folder

    rows = [json.loads(line) for line in labels_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    day = labels_path.stem.removeprefix("story-pairs-")
    with tempfile.TemporaryDirectory(prefix="briefing-bench-") as tmp:
        with zipfile.ZipFile(data / f"{day}.zip") as archive:
            archive.extractall(tmp)
        read = read_folder(Path(tmp))
    stories = find_stories([*read.articles, *read.copies])
    story_of: dict[str, int] = {}
    titles: dict[str, str] = {}
    for number, story in enumerate(stories):
        for member in story.members:
            for article in (member.article, *member.copies):
                story_of.setdefault(article.url, number)
                titles.setdefault(article.url, article.title)
    tp = fp = fn = tn = 0
    wrong = []
    for row in rows:
        truth = row["label"] in ONE_STORY
        grouped = story_of.get(row["a"]) is not None and story_of.get(row["a"]) == story_of.get(row["b"])
        tp += truth and grouped
        fp += grouped and not truth
        fn += truth and not grouped
        tn += not truth and not grouped
        if truth != grouped:
            wrong.append(("merged" if grouped else "split", row["label"], titles.get(row["a"], "?"), titles.get(row["b"], "?"), row["why"]))
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    result: dict[str, object] = {
        "day": day, "pairs": len(rows), "one_story": tp + fn, "grouped": tp + fp,
        "precision": round(precision, 3), "recall": round(recall, 3), "stories": len(stories),
    }
    if errors:
        result["errors"] = wrong
    return result


def labelled_features(labels_path: Path, data: Path) -> tuple[list[list[float]], list[bool]]:
    """The ``cluster.events`` features of each labelled pair, and whether it is one story."""
    from briefing.cluster.events import ArticleTerms, pair_features
    from briefing.cluster.stories import story_vectors
    from briefing.ingest.textfiles import read_folder

    rows = [json.loads(line) for line in labels_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    day = labels_path.stem.removeprefix("story-pairs-")
    with tempfile.TemporaryDirectory(prefix="briefing-bench-") as tmp:
        with zipfile.ZipFile(data / f"{day}.zip") as archive:
            archive.extractall(tmp)
        articles = read_folder(Path(tmp)).articles
    titles, bodies = [a.title for a in articles], [a.body for a in articles]
    # The vectors and features exactly as find_stories makes them (cluster.event_pair_scores).
    terms = ArticleTerms.of(titles, bodies)
    matrices = (story_vectors(titles, bodies), *terms.vectors())
    index = {a.url: n for n, a in enumerate(articles)}
    features, truth = [], []
    for row in rows:
        i, j = index[row["a"]], index[row["b"]]
        cosines = [float(m[i].multiply(m[j]).sum()) for m in matrices]
        features.append(pair_features(i, j, cosines, terms))
        truth.append(row["label"] in ONE_STORY)
    return features, truth


# The fit: logistic regression by gradient descent, with a small L2 penalty (the features
# are all 0-1) so that 370 pairs fix 13 weights without chasing single pairs.
FIT_L2 = 0.003
FIT_STEPS = 20_000
FIT_RATE = 0.5


def fit(features: list[list[float]], truth: list[bool]) -> list[float]:
    import numpy as np

    x = np.hstack([np.asarray(features), np.ones((len(features), 1))])
    y = np.asarray(truth, dtype=np.float64)
    w = np.zeros(x.shape[1])
    for _ in range(FIT_STEPS):
        p = 1.0 / (1.0 + np.exp(-x @ w))
        w -= FIT_RATE * (x.T @ (p - y) / len(y) + FIT_L2 * np.r_[w[:-1], 0.0])
    return [round(float(v), 3) for v in w]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--labels", type=Path, nargs="+", default=DEFAULT_LABELS)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--errors", action="store_true", help="print each pair grouped wrongly")
    parser.add_argument("--fit", type=Path, nargs="+", help="fit the event weights on these labels files and print them")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="briefing-bench-") as home:
        isolate(Path(home))
        if args.fit:
            from briefing.cluster.events import FEATURE_NAMES

            features: list[list[float]] = []
            truth: list[bool] = []
            for labels in args.fit:
                more, known = labelled_features(labels, args.data)
                features += more
                truth += known
            weights = fit(features, truth)
            print("EVENT_WEIGHTS = (" + ", ".join(map(str, weights)) + ")")
            for name, weight in zip([*FEATURE_NAMES, "intercept"], weights, strict=True):
                print(f"  {name:26} {weight:+.3f}")
            return 0
        for labels in args.labels:
            day = labels.stem.removeprefix("story-pairs-")
            if not (args.data / f"{day}.zip").is_file():
                print(f"skipped: {args.data / (day + '.zip')} not found (the data lives in ../shared/data)", file=sys.stderr)
                continue
            result = score(labels, args.data, errors=args.errors)
            wrong = result.pop("errors", [])
            print(json.dumps(result))
            for kind, label, a, b, why in wrong:  # type: ignore[misc]
                print(f"  {kind:6} {label:11} {a[:60]} | {b[:60]} | {why}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
