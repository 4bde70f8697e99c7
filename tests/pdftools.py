"""Reading PDFs back the way a reader's tools do: poppler's pdftotext, pdfinfo, pdffonts, pdftoppm."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

BIDI_CONTROLS = re.compile("[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")


def pdftotext(pdf: Path, *options: str) -> str:
    """The text poppler extracts (options: crop box, page range), direction marks removed."""
    out = subprocess.run(["pdftotext", *options, str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return BIDI_CONTROLS.sub("", out)


def without_space(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdfinfo(pdf: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return {key.strip(): value.strip() for key, _, value in (line.partition(":") for line in out.splitlines())}


def pdffonts(pdf: Path) -> list[list[str]]:
    """One row per font: name, type..., emb, sub, uni, object, id."""
    lines = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()
    return [line.split() for line in lines[2:]]


def dark_share(pdf: Path, page: int, workdir: Path) -> float:
    """Share of the page's pixels that are not near-white, from a grey PNG-free PGM render."""
    stem = workdir / f"page{page}"
    subprocess.run(["pdftoppm", "-gray", "-r", "40", "-f", str(page), "-l", str(page), str(pdf), str(stem)], check=True)
    [image] = sorted(workdir.glob(f"page{page}*.pgm"))
    data = image.read_bytes()
    # Binary PGM: "P5\n<w> <h>\n<max>\n" then one byte per pixel.
    header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    assert header is not None
    width, height = int(header.group(1)), int(header.group(2))
    pixels = data[header.end() :]
    assert len(pixels) == width * height
    return sum(1 for value in pixels if value < 200) / len(pixels)


_RUNS = re.compile("\u202b(.*?)\u202c|([^\u202b\u202c]+)")


def arabic_lines_in_reading_order(raw: str) -> list[str]:
    """pdftotext's lines of an Arabic column, read right to left.

    pdftotext orders a line's runs by the page's majority direction. On a page where the
    English outweighs the Arabic it emits an Arabic line's runs left to right: "كم من عين",
    "2", "على بعد", "M4", "ووصل ... السريع", each run itself in logical order and the
    Arabic ones between U+202B and U+202C. A line that holds Arabic is read by taking its
    runs right to left, as a bidi-aware reader does; a wrongly laid-out line (a number on
    the wrong side of its word) comes out wrong.
    """
    lines = []
    for line in raw.splitlines():
        line = line.replace("\u202a", "")
        runs = [(rtl, ltr) for rtl, ltr in _RUNS.findall(line)]
        if any(rtl for rtl, _ in runs):
            runs.reverse()
        lines.append("".join(rtl or ltr for rtl, ltr in runs))
    return lines
