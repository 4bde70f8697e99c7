"""The PDF briefing: the Markdown briefing as HTML, typeset by WeasyPrint with an embedded Arabic font.

WeasyPrint shapes Arabic through HarfBuzz (letters joined) and lays out ``dir="rtl"``
blocks right to left. Nothing is fetched from the network: the URL fetcher serves
only the font files, so a remote image or stylesheet in an article cannot leak a
request off the machine.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

import jinja2
import markdown as markdown_lib
from markupsafe import Markup

from briefing.errors import RenderError

__all__ = ["FONT_FAMILY", "render_pdf"]

log = logging.getLogger(__name__)

# Amiri: a Naskh face made for running Arabic text, with matching Latin, from PyPI
# (fontpkg-amiri) so every machine embeds the same glyphs. Noto Sans Arabic (also
# installed) was tried: its variable font comes out of pdftotext as unjoined garbage.
FONT_FAMILY = "Amiri"
FONT_PACKAGE = "amiri"


def render_pdf(markdown_text: str, templates_dir: Path, date: dt.date) -> bytes:
    import weasyprint

    faces, allowed = _font_faces()
    # No extensions: the raw HTML blocks need none, and "extra" (attr_list) would let a
    # "{: style=...}" in a title become an attribute.
    body = markdown_lib.markdown(markdown_text, output_format="html")
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)), autoescape=True, undefined=jinja2.StrictUndefined
    )
    page = environment.get_template("briefing.html.j2").render(
        date_iso=date.isoformat(),
        font_faces=Markup(faces),
        stylesheet=Markup((templates_dir / "briefing.css").read_text(encoding="utf-8")),
        body=Markup(body),
    )
    try:
        document = weasyprint.HTML(string=page, url_fetcher=_LocalFilesOnly(allowed))
        pdf: bytes = document.write_pdf()
    except Exception as exc:  # WeasyPrint raises many kinds; the caller needs one
        raise RenderError(f"PDF rendering failed: {exc}") from exc
    return pdf


def _font_faces() -> tuple[str, set[str]]:
    import fontpkg

    rules, allowed = [], set()
    for weight, style in ((400, "normal"), (700, "normal"), (400, "italic")):
        try:
            url = fontpkg.path(FONT_PACKAGE, weight=weight, style=style).as_uri()
        except fontpkg.FontpkgError as exc:
            raise RenderError(f"font {FONT_PACKAGE!r} ({weight} {style}) not installed: {exc}") from exc
        allowed.add(url)
        rules.append(
            f'@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{url}"); font-weight: {weight}; font-style: {style}; }}'
        )
    return "\n".join(rules), allowed


class _LocalFilesOnly:
    """A WeasyPrint URL fetcher that serves the given file URLs and refuses everything else."""

    _fail_on_errors = False  # read by weasyprint.urls.fetch

    def __init__(self, allowed: set[str]) -> None:
        import weasyprint.urls

        self._allowed = allowed
        self._fetcher = weasyprint.urls.URLFetcher(allowed_protocols={"file"})

    def __call__(self, url: str) -> Any:
        if url not in self._allowed:
            log.warning("not fetched (briefings never load remote or local resources): %s", url[:200])
            raise ValueError(f"resource not allowed: {url[:200]}")
        return self._fetcher(url)
