"""The Markdown briefing, from ``templates/briefing.md.j2``. Pure: a string in, a string out."""

from __future__ import annotations

import html
import re
from pathlib import Path

import jinja2

from briefing.types import Briefing, Translation

__all__ = ["FLAG_LABELS", "escape_html_text", "escape_markdown", "flag_note", "render_markdown"]

# Characters that start inline markup anywhere in a line. Our article strings never
# start a line (they follow "## 1. " or "*Source:* "), so block markers need no escape.
_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]{}#])")  # "#" and "{}": a closing "##" or "{: attr}" in a heading


def escape_markdown(text: str) -> str:
    """Article text, safe inline in Markdown: no emphasis, links, code or HTML; one line."""
    one_line = " ".join(text.split())
    return _MARKDOWN_INLINE.sub(r"\\\1", html.escape(one_line, quote=False))


def escape_html_text(text: str) -> str:
    """Article text for the content of an HTML element: only ``& < >`` need escaping."""
    return html.escape(" ".join(text.split()), quote=False)


FLAG_LABELS = {
    "untranslated": "not translated",
    "low-confidence": "low confidence",
    "repetition": "repeated words",
    "numbers-changed": "numbers differ from the Arabic",
    "glossary-not-applied": "glossary term not applied",
    "truncated": "too long: only its beginning was translated",
}


def flag_note(translation: Translation) -> str:
    """The reader-facing note for a flagged translation, HTML-escaped."""
    labels = [FLAG_LABELS.get(flag, flag) for flag in translation.flags]
    if "low-confidence" in translation.flags:
        labels[translation.flags.index("low-confidence")] += f" ({translation.confidence:.2f})"
    return escape_html_text("Check: " + "; ".join(labels))


def render_markdown(briefing: Briefing, templates_dir: Path, *, summarizer: str) -> str:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        autoescape=False,  # Markdown, not HTML: every article string goes through `e` or `md`
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    environment.filters["md"] = escape_markdown
    environment.filters["html"] = escape_html_text
    environment.filters["flag_note"] = flag_note
    count = len(briefing.items)
    sentences = sum(len(item.sentences) for item in briefing.items)
    summary_line = f"*{count} article{'s' if count != 1 else ''}, {sentences} key sentence{'s' if sentences != 1 else ''}.*"
    return environment.get_template("briefing.md.j2").render(
        date_long=f"{briefing.date.day} {briefing.date:%B %Y}",
        summary_line=summary_line,
        items=briefing.items,
        model=escape_markdown(briefing.model),
        summarizer=summarizer,
    )
