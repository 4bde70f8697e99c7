"""The Markdown briefing, from ``templates/briefing.md.j2``. Pure: a string in, a string out."""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import quote, urlsplit

import jinja2

from briefing.types import Article, Briefing, Story, StoryArticle, Translation

__all__ = ["FLAG_LABELS", "escape_html_text", "escape_markdown", "flag_note", "render_markdown", "safe_url"]

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


def safe_url(url: str) -> str:
    """An article's http(s) address, percent-encoded so it cannot end a Markdown link or
    leave an HTML attribute; "" for anything else (``javascript:``, ``file:``, ``data:``)."""
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return ""
    if scheme not in ("http", "https"):
        return ""
    # Keep what a URL needs; encode spaces, quotes, <>, (), backslashes and the like.
    return quote(url, safe=":/?#@!$&*+,;=%-._~[]")


def outlet_label(article: Article) -> str:
    """The outlet's name, else the file the article came from."""
    return article.outlet_name or article.source.rsplit("/", 1)[-1]


def _link(article: Article, label: str | None = None) -> str:
    text = escape_markdown(label if label is not None else outlet_label(article))
    url = safe_url(article.url)
    return f"[{text}]({url})" if url else text


def source_links(story: Story) -> str:
    """Each outlet once, linked to its article; the number of articles when more than outlets."""
    links: dict[str, str] = {}
    for member in story.members:
        for article in (member.article, *member.copies):
            links.setdefault(article.outlet_key, _link(article))
    line = ", ".join(links.values())
    count = story.article_count
    return f"{line} ({count} articles)" if count > len(links) else line


def outlet_line(story: Story) -> str:
    count, outlets = story.article_count, story.outlet_count
    return f"{outlets} outlet{'s' if outlets != 1 else ''}, {count} article{'s' if count != 1 else ''}"


def reprint_notes(story: Story) -> list[str]:
    """"OUTLET shares N paragraphs with OTHER", once per pair of outlets."""
    notes: dict[frozenset[str], str] = {}
    for member in story.members:
        name = outlet_label(member.article)
        for other, count in member.shares:
            key = frozenset((name, other))
            if key not in notes and name != other:
                plural = "s" if count != 1 else ""
                notes[key] = f"{escape_markdown(name)} shares {count} paragraph{plural} with {escape_markdown(other)}"
    return list(notes.values())


def listed_links(member: StoryArticle) -> str:
    parts = []
    url = safe_url(member.article.url)
    if url:
        parts.append(f" · [link]({url})")
    if member.copies:
        parts.append(" · also: " + ", ".join(_link(c) for c in member.copies))
    return "".join(parts)


def render_markdown(briefing: Briefing, templates_dir: Path, *, summarizer: str) -> str:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        autoescape=False,  # Markdown, not HTML: every article string goes through a filter
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    environment.filters.update(
        md=escape_markdown,
        html=escape_html_text,
        flag_note=flag_note,
        outlet_label=outlet_label,
        source_links=source_links,
        outlet_line=outlet_line,
        reprint_notes=reprint_notes,
        listed_links=listed_links,
    )
    articles = len(briefing.articles)
    outlets = briefing.outlet_count
    featured = len(briefing.stories)
    summary_line = (
        f"*{articles} article{'s' if articles != 1 else ''} from {outlets} outlet{'s' if outlets != 1 else ''}; "
        f"{featured} top stor{'ies' if featured != 1 else 'y'}, {len(briefing.others)} other "
        f"article{'s' if len(briefing.others) != 1 else ''} listed.*"
    )
    return environment.get_template("briefing.md.j2").render(
        date_long=f"{briefing.date.day} {briefing.date:%B %Y}",
        summary_line=summary_line,
        stories=briefing.stories,
        others=briefing.others,
        model=escape_markdown(briefing.model),
        summarizer=summarizer,
    )
