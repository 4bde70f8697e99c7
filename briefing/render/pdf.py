"""The PDF briefing: ``templates/briefing.html.j2`` (autoescaped) typeset by WeasyPrint
with ``templates/briefing.css`` and an embedded Arabic font.

WeasyPrint shapes Arabic through HarfBuzz (letters joined) and lays out ``dir="rtl"``
blocks right to left. Nothing is fetched: the URL fetcher serves only the font files,
so a remote image or stylesheet in an article cannot leak a request off the machine,
and the template's links are http(s) addresses the reader may click, never loaded.
The PDF is tagged (PDF/UA-1) so screen readers and ``pdftotext`` follow the reading
order, and carries its title, date, language and generator as metadata.
"""

from __future__ import annotations

import functools
import gc
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from markupsafe import Markup

from briefing.errors import RenderError
from briefing.render import view
from briefing.render.templates import template_environment, template_text
from briefing.types import Briefing

__all__ = ["FONT_FAMILY", "briefing_html", "html_to_pdf", "render_pdf"]

log = logging.getLogger(__name__)

# Amiri: a Naskh face made for running Arabic text, with matching Latin, from PyPI
# (fontpkg-amiri) so every machine embeds the same glyphs. Noto Sans Arabic (also
# installed) was tried: its variable font comes out of pdftotext as unjoined garbage.
FONT_FAMILY = "Amiri"
FONT_PACKAGE = "amiri"
# Single-outlet articles the PDF lists one by one; past this it counts them (the Markdown and
# HTML list every one). A real day has ~2,400: 60 pages of one-liners (issue 14).
PDF_MAX_LISTED_ARTICLES = 50
# Tagged PDF for accessibility: structure tree, reading order, document language.
PDF_VARIANT = "pdf/ua-1"


def render_pdf(briefing: Briefing, templates_dir: Path, *, summarizer: str) -> bytes:
    """The briefing as a tagged PDF."""
    return html_to_pdf(briefing_html(briefing, templates_dir, summarizer=summarizer))


# The head of every page made for a browser: the phone's width, and a policy under which
# nothing is loaded (no script, image, font, frame, stylesheet, from anywhere; only the
# styles inlined in the page). Links are navigations, which a policy does not block.
WEB_HEAD = (
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
    '<meta http-equiv="Content-Security-Policy" '
    "content=\"default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'\">\n"
    '<meta name="referrer" content="no-referrer">'
)


def briefing_html(briefing: Briefing, templates_dir: Path, *, summarizer: str, web: bool = False) -> str:
    """The page WeasyPrint typesets (or, with ``web``, the page a browser shows): the one
    template filled in, autoescaped, with the stylesheet inlined; for print, the embedded
    fonts' declarations too (nothing for the renderer to fetch)."""
    faces = "" if web else _font_faces()[0]
    environment = template_environment(templates_dir)
    environment.filters.update(
        outlet_label=view.outlet_label,
        outlet_line=view.coverage,
        sources=view.story_sources,
        article_links=view.story_article_links,
        reprint_notes=view.reprint_notes,
        reprint_line=view.reprint_line,
        framing_view=view.framing_view,
        continuing_line=view.continuing_line,
        flag_text=lambda translation: "; ".join(view.flag_labels(translation)),
        safe_url=view.safe_url,
    )
    page: str = environment.get_template("briefing.html.j2").render(
        date_iso=briefing.date.isoformat(),
        date_long=view.long_date(briefing.date),
        generator=f"briefing {_version()}" + ("" if web else f" (WeasyPrint {_weasyprint_version()})"),
        web=web,
        web_head=Markup(WEB_HEAD),
        period=view.period_covered(briefing),
        counts=view.counts_line(briefing),
        stories=briefing.stories,
        listed=briefing.listed,
        sections=view.sections(briefing),
        topics=briefing.topics,
        others_heading=view.others_heading(briefing),
        list_others=web or len(briefing.others) <= PDF_MAX_LISTED_ARTICLES,
        chart=Markup(view.coverage_chart(briefing)),
        others=briefing.others,
        legend=view.legend(briefing),
        model=briefing.model,
        summarizer=summarizer,
        font_faces=Markup(faces),
        stylesheet=Markup(template_text(templates_dir, "briefing.web.css" if web else "briefing.css")),
    )
    return page


def _weasyprint_version() -> str:
    import weasyprint

    return str(weasyprint.__version__)


def html_to_pdf(page: str) -> bytes:
    """Typeset ``page`` with WeasyPrint; only our font files can be loaded, nothing else."""
    import weasyprint

    _, allowed = _font_faces()
    try:
        with _collector_paused():
            document = weasyprint.HTML(string=page, url_fetcher=_LocalFilesOnly(allowed))
            pdf: bytes = document.write_pdf(pdf_variant=PDF_VARIANT)
    except Exception as exc:  # WeasyPrint raises many kinds; the caller needs one
        raise RenderError(f"PDF rendering failed: {exc}") from exc
    return pdf


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off while WeasyPrint lays out the pages, back on after.

    The layout makes hundreds of thousands of boxes that all live until the PDF is written,
    and each of the collector's full passes walks them and everything the run holds (the
    day's articles, their stories): on 2015-07-21 the passes during the PDF took 0.7 s of
    its 5 s, and found next to nothing to free. Reference counting still frees what dies;
    the cycles the layout leaves are collected once the collector is back on. The peak
    memory of the job is the grouping's, not the PDF's: 426-428 MB either way on that day
    (benchmarks/README.md)."""
    if not gc.isenabled():  # the caller paused it already: leave it to them
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("briefing")
    except PackageNotFoundError:
        return "(not installed)"


@functools.cache
def _font_faces() -> tuple[str, frozenset[str]]:
    """The @font-face rules and the font file URLs they name (looked up once per process)."""
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
    return "\n".join(rules), frozenset(allowed)


class _LocalFilesOnly:
    """A WeasyPrint URL fetcher that serves the given file URLs and refuses everything else."""

    _fail_on_errors = False  # read by weasyprint.urls.fetch

    def __init__(self, allowed: frozenset[str]) -> None:
        import weasyprint.urls

        self._allowed = allowed
        self._fetcher = weasyprint.urls.URLFetcher(allowed_protocols={"file"})

    def __call__(self, url: str) -> Any:
        if url not in self._allowed:
            log.warning("not fetched (briefings never load remote or local resources): %s", url[:200])
            raise ValueError(f"resource not allowed: {url[:200]}")
        return self._fetcher(url)
