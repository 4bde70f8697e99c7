"""The Markdown briefing, from ``templates/briefing.md.j2``. Pure: a briefing in, a string out.

Every string that comes from an article goes through a filter: ``md`` for Markdown text
(no emphasis, link, image, code or HTML can start in it), ``html`` inside our HTML
blocks, and links only through ``view.safe_url``.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import jinja2

from briefing.render import view
from briefing.types import Article, Briefing, Story, StoryArticle, Translation

__all__ = ["escape_html_text", "escape_markdown", "flag_note", "render_markdown"]

# Characters that start inline markup anywhere in a line. Our article strings never
# start a line (they follow "## 1. " or "- **"), so block markers need no escape.
_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]{}#<>!|~])")  # "#" and "{}": a closing "##" or "{: attr}" in a heading


_BLANK_RUNS = re.compile(r"\n{3,}")
# A line that starts like a list item or a setext underline would start a block.
_BLOCK_START = re.compile(r"^(\d+)([.)])|^([-+=])")


def escape_markdown(text: str) -> str:
    """Article text, safe inline in Markdown: no emphasis, links, images, code, HTML or
    block markers; one line. Also safe inside our inline ``<span>``s, whose content
    CommonMark still reads as Markdown."""
    one_line = " ".join(text.split())
    escaped = _MARKDOWN_INLINE.sub(r"\\\1", html.escape(one_line, quote=False))
    return _BLOCK_START.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", escaped)


def escape_html_text(text: str) -> str:
    """Article text for the content of an HTML element: only ``& < >`` need escaping."""
    return html.escape(" ".join(text.split()), quote=False)


def flag_note(translation: Translation) -> str:
    """The reader-facing note for a flagged translation, HTML-escaped."""
    return escape_html_text("Check: " + "; ".join(view.flag_labels(translation)))


def _link(label: str, url: str) -> str:
    text = escape_markdown(label)
    return f"[{text}]({url})" if url else text


def source_links(story: Story) -> str:
    """Each outlet once, linked to its article."""
    return ", ".join(_link(label, url) for label, url in view.story_sources(story))


def listed_links(member: StoryArticle) -> str:
    parts = []
    url = view.safe_url(member.article.url)
    if url:
        parts.append(f" · [link]({url})")
    if member.copies:
        parts.append(" · also: " + ", ".join(_link(view.outlet_label(c), view.safe_url(c.url)) for c in member.copies))
    return "".join(parts)


def story_links(story: Story) -> str:
    """Every article of the story, copies included, as one run of links ("Okaz 1", "Okaz 2")."""
    return ", ".join(_link(label, url) for label, url in view.story_article_links(story))


def outlet_md(article: Article) -> str:
    return escape_markdown(view.outlet_label(article))


def render_markdown(briefing: Briefing, templates_dir: Path, *, summarizer: str) -> str:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        autoescape=False,  # Markdown, not HTML: every article string goes through a filter
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )  # briefing.md.j2 is required in a configured folder: no fallback to the shipped one
    environment.filters.update(
        md=escape_markdown,
        html=escape_html_text,
        flag_note=flag_note,
        outlet_label=view.outlet_label,
        outlet_md=outlet_md,
        source_links=source_links,
        outlet_line=view.coverage,
        reprint_notes=lambda story: [escape_markdown(note) for note in view.reprint_notes(story)],
        reprint_line=lambda story: escape_markdown(view.reprint_line(story)),
        continuing_line=lambda continuation: escape_markdown(view.continuing_line(continuation)),
        story_links=story_links,
        listed_links=listed_links,
        framing_view=view.framing_view,
    )
    page = environment.get_template("briefing.md.j2").render(
        date_long=view.long_date(briefing.date),
        summary_line=f"*{escape_markdown(view.counts_line(briefing))}*",
        period=escape_markdown(view.period_covered(briefing)),
        legend=[(flag, escape_markdown(meaning)) for flag, meaning in view.legend(briefing)],
        stories=briefing.stories,
        listed=briefing.listed,
        sections=view.sections(briefing),
        topics=briefing.topics,
        others_heading=view.others_heading(briefing),
        others=briefing.others,
        model=escape_markdown(briefing.model),
        summarizer=summarizer,
    )
    # The template's optional parts leave runs of blank lines; Markdown reads one the same.
    return _BLANK_RUNS.sub("\n\n", page)
