"""Articles from HTML: a news page's main text and metadata, or an HTML fragment as plain text.

The page's main text is found by trafilatura (boilerplate removal: menus, related
links, comments and footers go). It is given the HTML as a string, never a URL, so it
fetches nothing; images, iframes and scripts are dropped, never loaded. Title, outlet,
URL and date come from the page's metadata (``og:``, JSON-LD, ``<link rel=canonical>``,
``article:published_time``), with a date written in the text as the fallback.

The text is then handed to ``article_from_text`` like a text file's, so a page and a
file with the same article get the same id.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any

from briefing.arabic import normalize_for_matching
from briefing.errors import IngestError
from briefing.ingest.metadata import date_in_text, date_in_url, display_text, require_arabic
from briefing.ingest.text import article_from_text
from briefing.types import Article

__all__ = ["article_from_html", "article_from_title_and_text", "html_to_text"]

# Elements whose content is never article text, in pages and in feed entries. Removed with
# everything inside them before any text is read.
_DROP = frozenset(
    {
        "script", "style", "noscript", "template", "iframe", "frame", "frameset", "object", "embed", "applet",
        "svg", "math", "canvas", "img", "picture", "source", "video", "audio", "track", "map", "figure",
        "figcaption", "form", "button", "input", "select", "option", "textarea", "head", "title", "meta", "link",
    }
)  # fmt: skip
# Elements that start and end a paragraph. "head", "item", "quote", "row", "list" and
# "cell" are trafilatura's own names for headings, list items, quotes and tables.
_BLOCKS = frozenset(
    {
        "p", "div", "section", "article", "main", "header", "footer", "aside", "nav", "address", "blockquote",
        "pre", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd", "table", "tr", "hr",
        "head", "item", "quote", "row", "list", "code",
    }
)  # fmt: skip
_LINE_BREAKS = frozenset({"br", "lb"})
_CELLS = frozenset({"td", "th", "cell"})
_CELL_SEPARATOR = " | "  # as trafilatura writes table cells in its own text output
_PARAGRAPH = "\n\n"
# A first paragraph found inside the page's title is the headline repeated only if it has
# at least this many words: Arabic headlines run 6-15 words, while a one- or two-word
# first paragraph (a place line, "عاجل") may well occur in a title by chance.
_MIN_HEADING_WORDS = 3
_SPACES = re.compile(r"\s+")
_PARAGRAPH_SPLIT = re.compile(r"\n\s*\n")
# Bounds on what the HTML parsers are given. libxml2 checks each attribute of a tag against
# the ones before it (one <p> with 66,000 attributes took 123 s), so a tag longer than
# MAX_TAG_CHARS keeps its name and loses its attributes (real tags are under a few hundred
# characters; the long ones are inline images and styles, never text). trafilatura's
# boilerplate passes grow faster than the page with some shapes (40,000 table cells: 9 s,
# twice as many: 4.5 times longer), so a page of more than MAX_PAGE_ELEMENTS elements is
# refused: a heavy news page has a few thousand.
MAX_TAG_CHARS = 2_000
MAX_PAGE_ELEMENTS = 15_000
_LONG_TAG = re.compile(r"<([A-Za-z][A-Za-z0-9]*)\b[^<>]{" + str(MAX_TAG_CHARS) + ",}>")
_START_TAG = re.compile(r"<[A-Za-z]")


def article_from_html(source: str, html: str, *, url: str = "", outlet: str = "") -> Article:
    """The article in a news page.

    ``url`` and ``outlet`` win over what the page says; when empty they come from its
    canonical URL and site name. Raises IngestError("no article text in the page") when
    nothing readable is found, and NotArabicError when the text is not Arabic.
    """
    import trafilatura
    from trafilatura.settings import Document

    html = _bounded_markup(html)
    elements = len(_START_TAG.findall(html))
    if elements > MAX_PAGE_ELEMENTS:
        raise IngestError(f"page too complex to read: {elements:,} elements (more than {MAX_PAGE_ELEMENTS:,})")
    extracted = trafilatura.bare_extraction(
        html,
        url=url or None,
        with_metadata=True,
        include_comments=False,  # readers' comments are not the article
        include_images=False,
        include_links=False,
        # Dates from the page's metadata and URL only: a wider search of the text picks
        # up the copyright year of the footer. The text is searched below, article only.
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    document = extracted if isinstance(extracted, Document) else None  # with as_dict=False it is one
    if document is None or document.body is None:
        raise IngestError("no article text in the page")
    body = _element_text(document.body)
    if not body:
        raise IngestError("no article text in the page")
    title = document.title or _html_title(html)
    body = _drop_leading_title(title, body)
    # The page's parser has decoded its entities: decoding again would turn a page's
    # "&amp;lt;" (shown as "&lt;") into "<".
    article = article_from_title_and_text(source, title, body, entities=False)
    address = url or document.url or ""
    return dataclasses.replace(
        article,
        outlet=outlet or document.sitename or "",
        url=address,
        published=_iso_date(document.date) or date_in_url(address) or date_in_text(body),
    )


def article_from_title_and_text(source: str, title: str, body: str, *, entities: bool = True) -> Article:
    """An Article from a headline given apart (a page's or an entry's title) and its text.

    The text-file rules decide as for a file: a title line set apart, its repeat below
    dropped. A given headline that those rules would not take as one (it ends in a
    full stop, or is very long) is still the title: the publisher said so.
    Raises NotArabicError for a text that is not Arabic. ``entities``: see ``display_text``.
    """
    title = " ".join(title.split())
    require_arabic(f"{title}\n{body}")
    article = article_from_text(source, f"{title}\n\n{body}" if title else body, entities=entities)
    shown = " ".join(display_text(title, entities=entities).split())
    if shown and article.title_derived:
        article = dataclasses.replace(article_from_text(source, body, entities=entities), title=shown, title_derived=False)
    return article


def html_to_text(markup: str) -> str:
    """Plain text of an HTML fragment (a feed entry's content), paragraphs separated by
    blank lines; scripts, styles, frames, images and forms dropped with their content."""
    if not markup.strip():
        return ""
    import lxml.etree  # type: ignore[import-untyped]  # lxml ships no type information
    import lxml.html  # type: ignore[import-untyped]

    try:
        root = lxml.html.fragment_fromstring(_bounded_markup(markup), create_parent="div")
    except (lxml.etree.ParserError, ValueError) as exc:
        raise IngestError(f"unreadable HTML: {exc}") from exc
    return _element_text(root)


def _bounded_markup(html: str) -> str:
    """``html`` with every tag longer than ``MAX_TAG_CHARS`` cut to its bare name."""
    return _LONG_TAG.sub(lambda m: f"<{m.group(1)}>", html)


def _element_text(root: Any) -> str:
    """Text of an element tree, one paragraph per block element, ``<br>`` as a line break."""
    import lxml.etree

    for element in list(root.iter()):
        if element is not root and (not isinstance(element.tag, str) or _local(element.tag) in _DROP):
            _remove_keeping_tail(element)  # comments and processing instructions too
    parts: list[str] = []
    for event, element in lxml.etree.iterwalk(root, events=("start", "end")):
        tag = _local(element.tag) if isinstance(element.tag, str) else ""
        if event == "start":
            if tag in _BLOCKS:
                parts.append(_PARAGRAPH)
            elif tag in _LINE_BREAKS:
                parts.append("\n")
            elif tag in _CELLS:
                parts.append(_CELL_SEPARATOR)
            parts.append(_SPACES.sub(" ", element.text or ""))
        else:
            if tag in _BLOCKS:
                parts.append(_PARAGRAPH)
            if element is not root:
                parts.append(_SPACES.sub(" ", element.tail or ""))
    return _tidy("".join(parts))


def _tidy(text: str) -> str:
    paragraphs = []
    for paragraph in _PARAGRAPH_SPLIT.split(text):
        lines = [line.strip().strip("|").strip() for line in paragraph.split("\n")]
        lines = [line for line in lines if line]
        if lines:
            paragraphs.append("\n".join(lines))
    return _PARAGRAPH.join(paragraphs)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower()  # "{http://www.w3.org/1999/xhtml}p" -> "p"


def _remove_keeping_tail(element: Any) -> None:
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail or ""
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(element)


def _html_title(html: str) -> str:
    """The page's ``<title>``, for pages whose metadata trafilatura could not read."""
    import lxml.etree
    import lxml.html

    try:
        # Bytes with the parser's encoding fixed: the page's own <meta charset> may name the
        # charset it was served in, which is not what these bytes are in any more.
        parser = lxml.html.HTMLParser(encoding="utf-8")
        title = lxml.html.document_fromstring(html.encode("utf-8"), parser=parser).findtext(".//title")
    except (lxml.etree.ParserError, ValueError):
        return ""
    return " ".join((title or "").split())


def _drop_leading_title(title: str, body: str) -> str:
    """Drop a first paragraph that is the headline again (the page's <h1>), also when the
    metadata title carries more than the heading ("… | Outlet", a kicker before it).

    ``article_from_text`` drops only an exact repeat. A heading of fewer than
    ``_MIN_HEADING_WORDS`` words is too short to be sure it is the headline's own.
    """
    first, _, rest = body.partition(_PARAGRAPH)
    if title and rest:
        heading, headline = normalize_for_matching(first), normalize_for_matching(title)
        if heading and (heading == headline or (len(heading.split()) >= _MIN_HEADING_WORDS and heading in headline)):
            return rest
    return body


def _iso_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None
