"""python -m briefing.evaluate easc PATH [--json] [--stemmer NAME] [--systems a,b]"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from briefing.arabic.tokenize import STEMMERS
from briefing.evaluate import load_easc, score_system, system_rankers


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m briefing.evaluate", description=__doc__)
    parser.add_argument("corpus", choices=["easc"])
    parser.add_argument("path", type=Path, help="EASC JSON lines (e.g. ../shared/data/easc/dev.jsonl)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--stemmer", choices=sorted(STEMMERS), default="snowball", help="stemmer of our selector")
    parser.add_argument("--systems", help="comma-separated subset of: briefing, lead, sumy-lexrank, sumy-textrank")
    args = parser.parse_args(argv)
    if not args.path.is_file():
        parser.error(f"no such file: {args.path}")
    articles = load_easc(args.path)
    rankers = system_rankers(args.stemmer)
    if args.systems:
        wanted = args.systems.split(",")
        unknown = set(wanted) - set(rankers)
        if unknown:
            parser.error(f"unknown or unavailable systems: {', '.join(sorted(unknown))} (install the 'bench' extra for sumy)")
        rankers = {name: rankers[name] for name in wanted}
    scores = {name: score_system(articles, rank) for name, rank in rankers.items()}
    if args.json:
        systems = {
            name: {"rouge1": s.rouge1, "rouge2": s.rouge2, "rougeL": s.rougeL, "docs_per_s": s.docs_per_s}
            for name, s in scores.items()
        }
        print(json.dumps({"systems": systems, "n_docs": len(articles)}))
    else:
        print(f"EASC {args.path} ({len(articles)} articles)")
        print(f"{'system':<16}{'ROUGE-1':>9}{'ROUGE-2':>9}{'ROUGE-L':>9}{'docs/s':>10}")
        for name, s in scores.items():
            print(f"{name:<16}{s.rouge1:>9.4f}{s.rouge2:>9.4f}{s.rougeL:>9.4f}{s.docs_per_s:>10.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
