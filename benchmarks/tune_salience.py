"""Cross-validated choice of the salience selector's weights on EASC.

    python benchmarks/tune_salience.py [../shared/data/easc/dev.jsonl] [--folds 5]

A small grid of (centrality, redundancy) weights, position fixed at 1 (only ratios
matter; EASC has no titles, so the title weight cannot be tuned here). For each fold
the best grid point on the other folds is scored on that fold; the mean over folds
is the cross-validated ROUGE-2, the figure to quote. Also prints the grid point that
is best on all of dev, which is what the constants in salience.py should hold.
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from briefing.arabic.tokenize import word_tokens
from briefing.evaluate import EvaluationArticle, load_easc, take_budget
from briefing.evaluate.rouge import rouge_n_f1
from briefing.summarize import LeadSelector, SalienceSelector

CENTRALITY = (0.0, 0.1, 0.25, 0.5, 1.0, 2.0)
REDUNDANCY = (0.0, 0.15, 0.3, 0.6)


def rouge2_per_article(articles: list[EvaluationArticle], rank) -> list[float]:  # type: ignore[no-untyped-def]
    scores = []
    for a in articles:
        taken = sorted(take_budget(a, rank(list(a.sentences), "")), key=lambda s: s.index)
        candidate = [t for s in taken for t in word_tokens(s.text)]
        scores.append(sum(rouge_n_f1(candidate, list(r), 2) for r in a.references) / len(a.references))
    return scores


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", type=Path, nargs="?", default=REPO.parent / "shared/data/easc/dev.jsonl")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--stemmer", default="snowball")
    args = parser.parse_args()
    if not args.path.is_file():
        print(f"skipped: {args.path} not found", file=sys.stderr)
        return 0
    articles = load_easc(args.path)
    grid = {
        (c, r): rouge2_per_article(articles, SalienceSelector(args.stemmer, centrality=c, redundancy=r).rank_sentences)
        for c, r in itertools.product(CENTRALITY, REDUNDANCY)
    }
    lead = rouge2_per_article(articles, LeadSelector().rank_sentences)
    order = list(range(len(articles)))
    random.Random(0).shuffle(order)
    folds = [order[i :: args.folds] for i in range(args.folds)]
    held_out = []
    for k, fold in enumerate(folds):
        train = [i for i in order if i not in set(fold)]
        best = max(grid, key=lambda g: (sum(grid[g][i] for i in train), -g[0], -g[1]))
        held_out += [grid[best][i] for i in fold]
        print(f"fold {k}: best (centrality, redundancy) on the other folds = {best}")
    mean = lambda xs: sum(xs) / len(xs)
    best_all = max(grid, key=lambda g: (mean(grid[g]), -g[0], -g[1]))
    print(f"lead ROUGE-2: {mean(lead):.4f}")
    print(f"cross-validated ROUGE-2 ({args.folds} folds): {mean(held_out):.4f}")
    print(f"best on all of dev: {best_all} -> {mean(grid[best_all]):.4f}")
    for g in sorted(grid, key=lambda g: -mean(grid[g]))[:5]:
        print(f"  {g}: {mean(grid[g]):.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
