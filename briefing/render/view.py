"""What both renderers show, worked out once: counts, the period covered, outlet labels,
reprint notes, safe links and flag notes. Pure functions of a ``Briefing``; the templates
in ``templates/`` only lay them out (and escape: the HTML template autoescapes, the
Markdown template passes every article string through its escaping filters)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote, urlsplit

from briefing.types import Article, Briefing, Story, Translation

__all__ = [
    "FLAG_LABELS",
    "counts_line",
    "coverage",
    "flag_labels",
    "legend",
    "long_date",
    "outlet_label",
    "period_covered",
    "plural",
    "reprint_notes",
    "safe_url",
    "story_article_links",
    "story_sources",
]

FLAG_LABELS = {
    "untranslated": "not translated",
    "low-confidence": "low confidence",
    "repetition": "repeated words",
    "numbers-changed": "numbers differ from the Arabic",
    "glossary-not-applied": "glossary term not applied",
    "truncated": "too long: only its beginning was translated",
    "placeholder-removed": "words dropped from the English",
    "length-mismatch": "length differs from the Arabic",
    "unfinished": "breaks off",
    "garbled": "words that are not English",
}
# What each mark tells the reader, for the legend on the first page.
FLAG_LEGEND = {
    "untranslated": "the model returned Arabic, or the input unchanged",
    "low-confidence": "the model was unsure of its words (mean log-probability under the threshold)",
    "repetition": "the model looped on a word; decoded again, still repetitive",
    "numbers-changed": "a number in the English is not in the Arabic: read the Arabic",
    "glossary-not-applied": "a name from the glossary could not be placed; read the Arabic",
    "truncated": "the sentence exceeded what the model takes",
    "placeholder-removed": "the model wrote a placeholder of its own; the words holding it were removed",
    "length-mismatch": "much shorter or longer than the Arabic: something left out or added",
    "unfinished": "the Arabic ends its sentence, the English breaks off",
    "garbled": "several words that are not English: read the Arabic",
}


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count:,} {word if count == 1 else (many or word + 's')}"


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
    return article.label


def story_sources(story: Story) -> list[tuple[str, str]]:
    """(outlet, URL of its first article in the story or "") for each outlet once, story order."""
    sources: dict[str, tuple[str, str]] = {}
    for member in story.members:
        for article in (member.article, *member.copies):
            sources.setdefault(article.outlet_key, (outlet_label(article), safe_url(article.url)))
    return list(sources.values())


def coverage(story: Story) -> str:
    """"2 outlets, 3 articles"."""
    return f"{plural(story.outlet_count, 'outlet')}, {plural(story.article_count, 'article')}"


def legend(flags: set[str]) -> list[tuple[str, str]]:
    """(mark, what it means) for each of ``flags``, in a fixed order."""
    return [(FLAG_LABELS[flag], meaning) for flag, meaning in FLAG_LEGEND.items() if flag in flags]


def story_article_links(story: Story) -> list[tuple[str, str]]:
    """(label, URL or "") for every article of the story, copies included: the outlet's
    name, numbered when the outlet has several ("Okaz 1", "Okaz 2")."""
    articles = [a for m in story.members for a in (m.article, *m.copies)]
    per_outlet: dict[str, int] = {}
    for article in articles:
        per_outlet[article.outlet_key] = per_outlet.get(article.outlet_key, 0) + 1
    seen: dict[str, int] = {}
    links = []
    for article in articles:
        label = outlet_label(article)
        if per_outlet[article.outlet_key] > 1:
            seen[article.outlet_key] = seen.get(article.outlet_key, 0) + 1
            label = f"{label} {seen[article.outlet_key]}"
        links.append((label, safe_url(article.url)))
    return links


def reprint_notes(story: Story) -> list[str]:
    """"OUTLET shares N paragraphs with OTHER", once per pair of outlets (plain text)."""
    notes: dict[frozenset[str], str] = {}
    for member in story.members:
        name = outlet_label(member.article)
        for other, count in member.shares:
            key = frozenset((name, other))
            if key not in notes and name != other:
                notes[key] = f"{name} shares {plural(count, 'paragraph')} with {other}"
    return list(notes.values())


def flag_labels(translation: Translation) -> list[str]:
    labels = [FLAG_LABELS.get(flag, flag) for flag in translation.flags]
    if "low-confidence" in translation.flags:
        labels[translation.flags.index("low-confidence")] += f" ({translation.confidence:.2f})"
    return labels


def counts_line(briefing: Briefing) -> str:
    """"2 articles from 2 outlets; 1 top story, 0 other articles listed." (plain text)"""
    articles, outlets = len(briefing.articles), briefing.outlet_count
    return (
        f"{plural(articles, 'article')} from {plural(outlets, 'outlet')}; "
        f"{plural(len(briefing.stories), 'top story', 'top stories')}, "
        f"{plural(len(briefing.others), 'other article')} listed."
    )


def period_covered(briefing: Briefing) -> str:
    """The publication dates of the articles, as far as they are known."""
    dates = sorted({a.published for a in briefing.articles if a.published is not None})
    unknown = sum(1 for a in briefing.articles if a.published is None)
    if not dates:
        return "Articles new since the last briefing (publication dates not given)."
    span = long_date(dates[0]) if dates[0] == dates[-1] else f"{long_date(dates[0])} to {long_date(dates[-1])}"
    extra = f"; {plural(unknown, 'article')} without a date" if unknown else ""
    return f"Articles published {span}{extra}."


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"
