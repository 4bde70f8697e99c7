"""python -m briefing.evaluate easc PATH [--json] [--stemmer NAME] [--systems a,b]
python -m briefing.evaluate translation NTREX_DIR [--limit N] [--json] [--config FILE]"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from briefing.arabic.tokenize import STEMMERS
from briefing.evaluate import load_easc, score_system, system_rankers


def main(argv: list[str] | None = None) -> int:
    args = list(argv if argv is not None else sys.argv[1:])
    if args[:1] == ["translation"]:
        return translation_main(args[1:])
    return easc_main(args)


def easc_main(argv: list[str]) -> int:
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


def translation_main(argv: list[str]) -> int:
    """Every installed model of the configured pair, scored on NTREX."""
    parser = argparse.ArgumentParser(prog="python -m briefing.evaluate translation", description=translation_doc())
    parser.add_argument("path", type=Path, help="the NTREX folder (ar.txt, en.txt), e.g. ../shared/data/ntrex")
    parser.add_argument("--limit", type=int, help="the first N segments only (all 1,997 by default)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--config", type=Path, help="briefing.toml (default: as briefing finds it)")
    args = parser.parse_args(argv)
    if not (args.path / "ar.txt").is_file() or not (args.path / "en.txt").is_file():
        parser.error(f"{args.path}: no ar.txt and en.txt (NTREX)")
    if args.limit is not None and args.limit < 1:
        parser.error("--limit: 1 or more")
    from platformdirs import user_config_path

    from briefing.config import find_config_file, load_config, models_path
    from briefing.errors import BriefingError
    from briefing.evaluate.translation import evaluate_translation, load_ntrex
    from briefing.translate import installed_models, load_glossary

    try:
        config = load_config(find_config_file(args.config, Path.cwd(), user_config_path("briefing")))
        pair = (config.source_lang, config.target_lang)
        models = [m for m in installed_models(config.argos_packages_dir, models_path(config)) if (m.from_code, m.to_code) == pair]
        glossary = load_glossary() if config.starter_glossary else None
    except BriefingError as error:
        print(f"error: {error}", file=sys.stderr)
        return 3
    if not models:
        print(f"error: no {pair[0]}->{pair[1]} model installed (`briefing models list`)", file=sys.stderr)
        return 4
    arabic, english = load_ntrex(args.path, args.limit)
    decoders = {m.label: m.opener(config.compute_type, config.threads) for m in models}
    result = evaluate_translation(arabic, english, decoders, glossary)
    if args.json:
        print(json.dumps(result.as_json()))
        return 0
    print(f"NTREX {args.path}: {result.n_segments} segments; the checks mark {result.reference_flagged:.1%} of the human English")
    print(f"{'model':<34}{'BLEU':>7}{'chrF':>7}{'sent/s':>9}{'marked':>9}")
    for name, s in result.models.items():
        print(f"{name:<34}{s.bleu:>7.2f}{s.chrf:>7.2f}{s.sentences_per_s:>9.1f}{s.flagged:>9.1%}")
    return 0


def translation_doc() -> str:
    from briefing.evaluate import translation

    return translation.__doc__ or ""


if __name__ == "__main__":
    raise SystemExit(main())
