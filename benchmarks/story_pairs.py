"""How well stories are grouped: pairwise precision and recall of "one story" on labelled pairs.

    python benchmarks/story_pairs.py [--labels benchmarks/labels/story-pairs-DAY.jsonl ...]
                                     [--data ../shared/data/saudinewsnet] [--errors]
    python benchmarks/story_pairs.py --fit LABELS.jsonl ... [--check LABELS.jsonl ...]

Each labels file holds cross-outlet pairs of one SaudiNewsNet day (by the articles' URLs),
each read in Arabic and labelled ``same`` (one event), ``development`` (a reaction, a
follow-up, the next step of the same case) or ``separate`` (two events, even of one kind):
``labels/README.md`` says how they were drawn and read. ``same`` and ``development`` are
"one story". The day is read by the normal folder ingest and grouped by ``find_stories``;
a pair is predicted "one story" when both articles end up in the same story (copies
included). Precision: of the labelled pairs grouped, the share that are one story; recall:
of the pairs that are one story, the share grouped.

``--fit`` fits the pair model's weights (``cluster.events.event_weights``: one per feature
and per product of two features, ``feature_products``) on the labelled pairs of the files
given, as ``find_stories`` computes their features (``cluster.day_evidence``; a labelled
pair that is not a candidate pair is never scored, so it is not fitted either), and prints
them; ``--save`` writes them as the model file (``briefing/cluster/data/event_model.json``);
with ``--check``, each file given there is grouped with the fitted weights and scored, and
each fitting file is scored by weights fitted on the others (leave one day out).
2015-07-22 is the held-out day: scored, never fitted.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from isolation import isolate

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "data" / "saudinewsnet"
DEFAULT_LABELS = sorted((REPO / "benchmarks" / "labels").glob("story-pairs-*.jsonl"))
ONE_STORY = {"same", "development"}


def read_labels(path: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def read_day(day: str, data: Path) -> list[Any]:
    from briefing.ingest.textfiles import read_folder

    with tempfile.TemporaryDirectory(prefix="briefing-bench-") as tmp:
        with zipfile.ZipFile(data / f"{day}.zip") as archive:
            archive.extractall(tmp)
        read = read_folder(Path(tmp))
    return [*read.articles, *read.copies]


def score(labels_path: Path, data: Path, *, errors: bool = False, weights: Sequence[float] | None = None) -> dict[str, object]:
    from briefing.cluster import day_evidence, find_stories, group_day

    rows = read_labels(labels_path)
    day = labels_path.stem.removeprefix("story-pairs-")
    articles = read_day(day, data)
    story_of: dict[str, int] = {}
    titles: dict[str, str] = {}
    if weights is None:
        stories = find_stories(articles)
        for number, story in enumerate(stories):
            for member in story.members:
                for article in (member.article, *member.copies):
                    story_of.setdefault(article.url, number)
                    titles.setdefault(article.url, article.title)
        count = len(stories)
    else:  # the stories find_stories would make with these weights
        evidence = day_evidence(articles)
        groups = group_day(evidence, weights)
        for number, group in enumerate(groups):
            for k in group:
                for article in (evidence.articles[k], *evidence.copies[k]):
                    story_of.setdefault(article.url, number)
                    titles.setdefault(article.url, article.title)
        count = len(groups)
    tp = fp = fn = 0
    wrong = []
    for row in rows:
        truth = row["label"] in ONE_STORY
        grouped = story_of.get(row["a"]) is not None and story_of.get(row["a"]) == story_of.get(row["b"])
        tp += truth and grouped
        fp += grouped and not truth
        fn += truth and not grouped
        if truth != grouped:
            wrong.append(("merged" if grouped else "split", row["label"], titles.get(row["a"], "?"), titles.get(row["b"], "?"), row["why"]))
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    result: dict[str, object] = {
        "day": day, "pairs": len(rows), "one_story": tp + fn, "grouped": tp + fp,
        "precision": round(precision, 3), "recall": round(recall, 3), "stories": count,
    }
    if errors:
        result["errors"] = wrong
    return result


def labelled_features(labels_path: Path, data: Path) -> tuple[list[list[float]], list[bool]]:
    """The ``cluster.events`` features of each labelled pair that is a candidate pair, as
    ``find_stories`` computes them, and whether it is one story."""
    from briefing.cluster import day_evidence

    day = labels_path.stem.removeprefix("story-pairs-")
    evidence = day_evidence(read_day(day, data))
    index: dict[str, int] = {}
    for k, (article, copies) in enumerate(zip(evidence.articles, evidence.copies, strict=True)):
        for one in (article, *copies):
            index.setdefault(one.url, k)
    row_of = {pair: n for n, pair in enumerate(evidence.pairs)}
    features, truth = [], []
    for row in read_labels(labels_path):
        i, j = sorted((index[row["a"]], index[row["b"]]))
        if (i, j) in row_of:
            features.append(evidence.features[row_of[(i, j)]].tolist())
            truth.append(row["label"] in ONE_STORY)
    return features, truth


# The fit: logistic regression with a small L2 penalty (the features are all 0-1) so that
# the labelled pairs fix the weights without chasing single pairs, minimised by L-BFGS.
# Gradient descent (20,000 steps of 0.5) reached the same weights (the shipped model
# within 0.001, their rounding; the same stories on 07-22) in about 100 s a fit on the
# twelve days' 4,275 pairs, against 0.4 s: leave-one-day-out takes seconds, not half an
# hour.
FIT_L2 = 0.003
FIT_MAX_ITERATIONS = 5_000


def fit(features: list[list[float]], truth: list[bool]) -> list[float]:
    """Weights of the features and of their products (``feature_products``), then the intercept."""
    import numpy as np
    from scipy.optimize import minimize

    from briefing.cluster.events import feature_products

    x = np.hstack([feature_products(np.asarray(features, dtype=np.float64)), np.ones((len(features), 1))])
    y = np.asarray(truth, dtype=np.float64)
    penalised = np.r_[np.ones(x.shape[1] - 1), 0.0]  # not the intercept

    def loss_and_gradient(w: np.ndarray) -> tuple[float, np.ndarray]:
        z = x @ w
        loss = np.mean(np.logaddexp(0.0, z) - y * z) + 0.5 * FIT_L2 * np.sum((w * penalised) ** 2)
        gradient = x.T @ (1.0 / (1.0 + np.exp(-z)) - y) / len(y) + FIT_L2 * w * penalised
        return float(loss), gradient

    found = minimize(loss_and_gradient, np.zeros(x.shape[1]), jac=True, method="L-BFGS-B",
                     options={"maxiter": FIT_MAX_ITERATIONS})
    return [round(float(v), 3) for v in found.x]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--labels", type=Path, nargs="+", default=DEFAULT_LABELS)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--errors", action="store_true", help="print each pair grouped wrongly")
    parser.add_argument("--fit", type=Path, nargs="+", help="fit the event weights on these labels files and print them")
    parser.add_argument("--check", type=Path, nargs="+", help="with --fit: score these labels files with the fitted weights")
    parser.add_argument("--save", type=Path, help="with --fit: write the fitted weights as this model file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="briefing-bench-") as home:
        isolate(Path(home))
        if args.fit:
            from briefing.cluster.events import FEATURE_NAMES, WEIGHT_NAMES

            known = {path: labelled_features(path, args.data) for path in args.fit}
            features = [row for rows, _ in known.values() for row in rows]
            truth = [t for _, ts in known.values() for t in ts]
            weights = fit(features, truth)
            print(f"{len(weights)} weights fitted on {len(truth)} pairs; the largest:")
            for name, weight in sorted(zip(WEIGHT_NAMES, weights, strict=True), key=lambda item: -abs(item[1]))[:25]:
                print(f"  {name:58} {weight:+.3f}")
            if args.save:
                model = {
                    "features": list(FEATURE_NAMES),
                    "fitted_on": [path.name for path in args.fit],
                    "pairs": len(truth),
                    "l2": FIT_L2,
                    "weights": weights,
                }
                args.save.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
            for path in args.check or []:
                print(json.dumps(score(path, args.data, weights=weights)))
            if args.check and len(args.fit) > 1:
                for path in args.fit:  # each fitting day scored by the weights of the others
                    others = [p for p in args.fit if p != path]
                    held = fit([r for p in others for r in known[p][0]], [t for p in others for t in known[p][1]])
                    print(json.dumps({**score(path, args.data, weights=held), "fitted_without_it": True}))
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
