"""The HTML briefing: one self-contained page a browser, a phone or a mail client opens.

The same template as the PDF (``templates/briefing.html.j2``, autoescaped), so the same
content in the same order: cover, top stories, each key point's English beside its
Arabic, the marks, who carried each story, then every other article. Its own stylesheet
(``templates/briefing.web.css``, inlined) makes it one column on a phone and two on a
desktop, and printable. It carries no script and loads nothing: a
``Content-Security-Policy`` forbids every resource (the Arabic is set in the reader's own
system fonts), and every link to a source opens with ``rel="noopener noreferrer"``.
``render_index`` makes ``OUT/index.html``: every briefing in ``out/``, newest first.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from markupsafe import Markup

from briefing.render import view
from briefing.render.pdf import WEB_HEAD, briefing_html
from briefing.render.templates import template_environment, template_text
from briefing.types import Briefing

__all__ = ["WEB_HEAD", "render_html", "render_index"]

_HEAD_TAG = re.compile(r"<head(\s[^>]*)?>", re.IGNORECASE)
_DOCTYPE = re.compile(r"\s*<!DOCTYPE[^>]*>", re.IGNORECASE)


def render_html(briefing: Briefing, templates_dir: Path, *, summarizer: str) -> bytes:
    return _with_policy(briefing_html(briefing, templates_dir, summarizer=summarizer, web=True)).encode("utf-8")


def render_index(briefings: list[tuple[dt.date, dict[str, str]]], templates_dir: Path) -> bytes:
    """The index page: each date, newest first, with links to its files (``files``:
    format -> path relative to the page)."""
    rows = [
        {"date": date.isoformat(), "date_long": view.long_date(date), "files": files}
        for date, files in sorted(briefings, key=lambda pair: pair[0], reverse=True)
    ]
    page: str = template_environment(templates_dir).get_template("index.html.j2").render(
        briefings=rows, web_head=Markup(WEB_HEAD), stylesheet=Markup(template_text(templates_dir, "briefing.web.css"))
    )
    return _with_policy(page).encode("utf-8")


def _with_policy(page: str) -> str:
    """``page`` with the policy in its head: a template of one's own that leaves
    ``web_head`` out still gets a page that loads nothing."""
    if WEB_HEAD in page:
        return page
    head = _HEAD_TAG.search(page) or _DOCTYPE.match(page)  # after the doctype, or the page is in quirks mode
    at = head.end() if head else 0
    return f"{page[:at]}\n{WEB_HEAD}\n{page[at:]}"
