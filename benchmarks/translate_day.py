"""One real day's translation, as the daily job does it: time, and what reaches the reader.

    python benchmarks/translate_day.py [--day ZIP] [--package FILE.argosmodel] [--json]

The day's articles are read, grouped and their key sentences chosen as ``briefing
generate`` does; then every text the briefing shows (the featured stories' headlines and
key sentences, every other article's headline) goes through the engine in one call,
with no translation memory, timed. Reported: texts, seconds, texts per second, how many
came back with a placeholder remnant (must be 0), how many are marked and how, and the
"batch failed" warnings CTranslate2 gave (must be 0). The code measured is whatever
``briefing`` is on the path, so an older checkout can be measured the same way
(``PYTHONPATH=OLD python benchmarks/translate_day.py``).
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import time
from collections import Counter
from pathlib import Path

from isolation import REPO, data_missing, scratch_home, unpacked_day

DEFAULT_DAY = REPO.parent / "shared" / "data" / "saudinewsnet" / "2015-07-21.zip"
DEFAULT_PACKAGE = REPO / "tests" / "data" / "translate-ar_en-test.argosmodel"
REMNANT = re.compile(r"Z\s?Q")


class Counting(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--day", type=Path, default=DEFAULT_DAY)
    parser.add_argument("--package", type=Path, default=DEFAULT_PACKAGE)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if data_missing(args.day):
        return 0
    with scratch_home() as work:
        inbox = unpacked_day(args.day, work)
        from briefing.assemble import select_featured
        from briefing.cluster import find_stories
        from briefing.config import Config
        from briefing.ingest.textfiles import read_folder
        from briefing.translate import ArgosModel, TranslationEngine, install_from_file, load_glossary

        install_from_file(work / "packages", args.package)
        read = read_folder(inbox)
        stories = find_stories([*read.articles, *read.copies])
        featured = select_featured(Config(), stories)
        shown = {id(story) for story, _ in featured}
        titles = [story.lead.title for story, _ in featured]
        titles += [m.article.title for story in stories if id(story) not in shown for m in story.members]
        texts = list(dict.fromkeys(titles + [s.text for _, points in featured for s, _ in points]))
        model = ArgosModel.for_pair(work / "packages", "ar", "en")
        model.decode(["هذا خبر عاجل."])  # load it first: its load is not the day's cost
        warnings = Counting()
        logging.getLogger("briefing").addHandler(warnings)
        started = time.perf_counter()
        translations = TranslationEngine(model, glossary=load_glossary()).translate(texts)
        seconds = time.perf_counter() - started
    flags = Counter(f for t in translations.values() for f in t.flags)
    report = {
        "texts": len(texts),
        "translate_s": round(seconds, 1),
        "texts_per_s": round(len(texts) / seconds, 1),
        "remnants": sum(1 for t in translations.values() if REMNANT.search(t.text)),
        "marked": sum(1 for t in translations.values() if t.flags),
        "flags": dict(flags.most_common()),
        "batch_failed_warnings": sum("batch" in m and "failed" in m for m in warnings.messages),
    }
    if args.json:
        print(json.dumps(report))
        return 0
    print(f"{args.day.name}: {report['texts']} texts translated in {report['translate_s']} s "
          f"({report['texts_per_s']} texts/s); placeholder remnants: {report['remnants']}; "
          f"'batch failed' warnings: {report['batch_failed_warnings']}")
    print(f"marked: {report['marked']} ({report['marked'] / report['texts']:.0%}): "
          + ", ".join(f"{k} {v}" for k, v in report["flags"].items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
