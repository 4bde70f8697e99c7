"""How often the translation checks mark human English, and the test model's English.

    python benchmarks/translation_checks.py [--ntrex DIR] [--package FILE.argosmodel] [--json]

NTREX's Arabic is translated by the test model (tests/data), which never saw it, through
the whole engine (placeholders, fallback, checks); its human English is put through the
same model-free checks (``guards.text_checks``). Printed per check and for all together:
the share of human translations marked (false alarms: at most 2 % asked) and the share
of the test model's outputs marked (at least 90 % asked). The seeds' key sentences,
which the test model knows, must stay unmarked.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

from isolation import REPO, data_missing, scratch_home

DEFAULT_NTREX = REPO.parent / "shared" / "data" / "ntrex"
DEFAULT_PACKAGE = REPO / "tests" / "data" / "translate-ar_en-test.argosmodel"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ntrex", type=Path, default=DEFAULT_NTREX)
    parser.add_argument("--package", type=Path, default=DEFAULT_PACKAGE)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if data_missing(args.ntrex / "ar.txt"):
        return 0
    with scratch_home() as work:
        from briefing.translate import ArgosModel, TranslationEngine, install_from_file, load_glossary
        from briefing.translate.guards import text_checks

        install_from_file(work / "packages", args.package)
        model = ArgosModel.for_pair(work / "packages", "ar", "en")
        arabic = (args.ntrex / "ar.txt").read_text(encoding="utf-8").splitlines()
        human = (args.ntrex / "en.txt").read_text(encoding="utf-8").splitlines()
        engine = TranslationEngine(model, glossary=load_glossary())
        started = time.perf_counter()
        machine = engine.translate(arabic)
        seconds = time.perf_counter() - started
        human_flags = [text_checks(a, e) for a, e in zip(arabic, human, strict=True)]
        machine_flags = [list(machine[a].flags) for a in arabic]
        sys.path.insert(0, str(REPO))
        from tests.conftest import read_phrasebook

        seeds = [a for a, _ in read_phrasebook()[:8]]  # the seeds' titles and key sentences
        seed_flags = {a: engine.translate([a])[a].flags for a in seeds}
    n = len(arabic)
    kinds = sorted({f for flags in (*human_flags, *machine_flags) for f in flags})
    human_counts = Counter(f for flags in human_flags for f in flags)
    machine_counts = Counter(f for flags in machine_flags for f in flags)
    report = {
        "n_segments": n,
        "translate_s": round(seconds, 1),
        "human_flagged": round(sum(bool(f) for f in human_flags) / n, 4),
        "model_flagged": round(sum(bool(f) for f in machine_flags) / n, 4),
        "by_check": {k: {"human": round(human_counts[k] / n, 4), "model": round(machine_counts[k] / n, 4)} for k in kinds},
        "seed_sentences_flagged": sum(bool(f) for f in seed_flags.values()),
    }
    if args.json:
        print(json.dumps(report))
        return 0
    print(f"NTREX, {n} segments; the test model translated them in {report['translate_s']} s")
    print(f"{'check':22} {'human':>8} {'test model':>11}")
    for kind, shares in report["by_check"].items():
        print(f"{kind:22} {shares['human']:8.2%} {shares['model']:11.2%}")
    print(f"{'any':22} {report['human_flagged']:8.2%} {report['model_flagged']:11.2%}")
    print(f"seed key sentences marked: {report['seed_sentences_flagged']} of {len(seeds)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
