"""Which Arabic face lets a reader search and copy the PDF's Arabic: word recovery by pdftotext.

    python benchmarks/arabic_fonts.py [--day ZIP] [--fonts amiri,cairo,...]

The Arabic a briefing shows (every headline and key sentence of the seeds' briefing and of
2015-07-21's: featured and listed stories, the single-outlet articles' headlines) is set by
WeasyPrint, one paragraph each, right to left, in each candidate face from PyPI (fontpkg)
and with each set of OpenType features; ``pdftotext`` reads it back. A word is recovered
when pdftotext gives it exactly, letters joined, as the Arabic has it ("الرياض", not
"الر ياض"); the share is over all words (each as often as it occurs). The candidates need
``pip install fontpkg-ibm-plex-sans-arabic fontpkg-noto-kufi-arabic fontpkg-almarai
fontpkg-cairo fontpkg-tajawal fontpkg-noto-sans-arabic`` (a face not installed is skipped).
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import subprocess
import tempfile
import time
import zipfile
from collections import Counter
from html import escape
from pathlib import Path

from isolation import data_missing, scratch_home

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DAY = REPO.parent / "shared" / "data" / "saudinewsnet" / "2015-07-21.zip"
FACES = ("amiri", "ibm-plex-sans-arabic", "noto-kufi-arabic", "almarai", "cairo", "tajawal", "noto-sans-arabic")
# The OpenType features tried on each face (CSS): as the face ships them; without kerning;
# without contextual alternates and ligatures beyond the required ones.
FEATURES = {
    "default": "",
    "no kerning": "font-kerning: none;",
    "no calt/liga": 'font-feature-settings: "calt" 0, "liga" 0, "clig" 0, "dlig" 0;',
    "no kern/calt/liga": 'font-kerning: none; font-feature-settings: "kern" 0, "calt" 0, "liga" 0, "clig" 0, "dlig" 0;',
    "no kerning, no rlig": 'font-kerning: none; font-feature-settings: "rlig" 0;',
}
_ARABIC_WORD = re.compile(r"[\u0621-\u064a\u0660-\u0669\u066e-\u06d3\u06fa-\u06ff]+")


def shown_texts(day: Path | None) -> dict[str, list[str]]:
    """The Arabic headlines and key sentences a briefing of the seeds, and of ``day``, shows."""
    from briefing.assemble import plan_briefing
    from briefing.cluster import find_stories
    from briefing.config import Config
    from briefing.ingest.textfiles import read_folder

    folders = {"seeds": REPO / "seeds"}
    found: dict[str, list[str]] = {}
    with tempfile.TemporaryDirectory(prefix="briefing-fonts-") as tmp:
        if day is not None:
            with zipfile.ZipFile(day) as archive:
                archive.extractall(tmp)
            folders[day.stem] = Path(tmp)
        for name, folder in folders.items():
            read = read_folder(folder)
            stories = find_stories([*read.articles, *read.copies])
            plan, _ = plan_briefing(Config(), stories, [], [], dt.date(2015, 7, 21))
            texts = [r.story.lead.title for r, _ in plan.featured] + [s.text for _, points in plan.featured for s, _ in points]
            texts += [r.story.lead.title for r in plan.listed] + [m.article.title for m in plan.others]
            found[name] = texts
    return found


def recovered(texts: list[str], face: str, features: str, work: Path) -> tuple[float, int, int]:
    """(share of the Arabic words pdftotext gives back exactly, words, words recovered)."""
    import fontpkg
    import weasyprint

    rules = []
    for weight in (400, 700):
        try:
            url = fontpkg.path(face, weight=weight, style="normal").as_uri()
        except fontpkg.FontpkgError:
            continue
        rules.append(f'@font-face {{ font-family: "Candidate"; src: url("{url}"); font-weight: {weight}; }}')
    page = (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><style>{''.join(rules)}"
        f"@page {{ size: A4; margin: 2cm; }} p {{ font-family: 'Candidate'; font-size: 11pt; {features} }}"
        "</style></head><body>" + "".join(f'<p dir="rtl" lang="ar">{escape(t)}</p>' for t in texts) + "</body></html>"
    )
    pdf = work / "candidate.pdf"
    pdf.write_bytes(weasyprint.HTML(string=page).write_pdf())
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    wanted = Counter(w for t in texts for w in _ARABIC_WORD.findall(t))
    got = Counter(_ARABIC_WORD.findall(out))
    hits = sum(min(n, got[w]) for w, n in wanted.items())
    total = sum(wanted.values())
    return hits / total if total else 1.0, total, hits


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--day", type=Path, default=DEFAULT_DAY)
    parser.add_argument("--fonts", default=",".join(FACES))
    args = parser.parse_args()
    import fontpkg

    day = None if data_missing(args.day) else args.day
    with scratch_home() as work:
        sets = shown_texts(day)
        print(" | ".join(f"{name}: {len(texts):,} texts" for name, texts in sets.items()))
        print(f"{'face':22} {'features':18} " + " ".join(f"{name:>12}" for name in sets) + "   seconds")
        for face in args.fonts.split(","):
            try:
                fontpkg.path(face, weight=400, style="normal")
            except fontpkg.FontpkgError:
                print(f"{face:22} not installed: pip install fontpkg-{face}")
                continue
            for label, css in FEATURES.items():
                started = time.perf_counter()
                shares = [recovered(texts, face, css, work) for texts in sets.values()]
                cells = " ".join(f"{100 * share:11.2f}%" for share, _, _ in shares)
                print(f"{face:22} {label:18} {cells}   {time.perf_counter() - started:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
