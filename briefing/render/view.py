"""What both renderers show, worked out once: counts, the period covered, outlet labels,
reprint notes, safe links and flag notes. Pure functions of a ``Briefing``; the templates
in ``templates/`` only lay them out (and escape: the HTML template autoescapes, the
Markdown template passes every article string through its escaping filters)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from html import escape
from urllib.parse import quote, urlsplit

from briefing.types import Article, Briefing, Continuation, FeaturedStory, ListedStory, Story, Translation

__all__ = [
    "TopicSection",
    "continuing_line",
    "counts_line",
    "coverage",
    "coverage_chart",
    "flag_labels",
    "framing_view",
    "legend",
    "long_date",
    "others_heading",
    "outlet_label",
    "period_covered",
    "plural",
    "reprint_line",
    "reprint_notes",
    "safe_url",
    "sections",
    "story_article_links",
    "story_sources",
]

# A mark has one name everywhere: the flag's own (``numbers-changed``), as `briefing
# translate` prints it and --json keys it; the page says what it means in the legend.
# What each mark tells the reader, for the legend on the cover.
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
    """"2 outlets, 3 articles", or "3 outlets (2 independent), 5 articles" when some only reprint."""
    independent = story.independent_outlet_count
    outlets = plural(story.outlet_count, "outlet")
    if independent < story.outlet_count:
        outlets += f" ({independent:,} independent)"
    return f"{outlets}, {plural(story.article_count, 'article')}"


def continuing_line(continuation: Continuation | None) -> str:
    """"Continuing since 21 July (day 3)"; "" for a new story."""
    if continuation is None:
        return ""
    return f"Continuing since {continuation.since.day} {continuation.since:%B} (day {continuation.day})"


# Pairs of outlets named in a story's one-line reprint note; the rest are counted.
REPRINT_PAIRS_SHOWN = 4


def reprint_line(story: Story) -> str:
    """"Orient News shares 2 paragraphs with Sputnik Arabic" for one pair of outlets; for more,
    "Shared paragraphs: Al Madina-Asharq Al-Awsat 7, Al Watan-Asharq Al-Awsat 1, ... 17 pairs"
    (the most shared first); "" when its outlets share none."""
    notes = reprint_notes(story)
    if len(notes) == 1:
        return notes[0]
    pairs: dict[tuple[str, str], int] = {}
    for member in story.members:
        name = outlet_label(member.article)
        for other, count in member.shares:
            if other != name:
                key = (name, other) if name < other else (other, name)
                pairs[key] = max(pairs.get(key, 0), count)
    if not pairs:
        return ""
    ranked = sorted(pairs.items(), key=lambda item: (-item[1], item[0]))
    shown = ", ".join(f"{a}-{b} {count}" for (a, b), count in ranked[:REPRINT_PAIRS_SHOWN])
    rest = f", ... {len(ranked)} pairs" if len(ranked) > REPRINT_PAIRS_SHOWN else ""
    return f"Shared paragraphs: {shown}{rest}"


def legend(briefing: Briefing) -> list[tuple[str, str]]:
    """(mark, what it means) for each mark the briefing's translations carry, in a fixed order."""
    flags = {flag for translation in briefing.translations for flag in translation.flags}
    return [(flag, meaning) for flag, meaning in FLAG_LEGEND.items() if flag in flags]


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
    labels = list(translation.flags)
    if "low-confidence" in translation.flags:
        labels[translation.flags.index("low-confidence")] += f" ({translation.confidence:.2f})"
    return labels


def counts_line(briefing: Briefing) -> str:
    """"2 articles from 2 outlets; 1 top story, 0 other articles listed." (plain text);
    with other stories: "...; 10 top stories, 212 other stories, 2,401 single-outlet articles." """
    articles, outlets = len(briefing.articles), briefing.outlet_count
    stories = plural(len(briefing.stories), "top story", "top stories")
    if not briefing.listed:
        return f"{plural(articles, 'article')} from {plural(outlets, 'outlet')}; {stories}, {plural(len(briefing.others), 'other article')} listed."
    single = sum(1 + len(listed.member.copies) for listed in briefing.others)
    return (
        f"{plural(articles, 'article')} from {plural(outlets, 'outlet')}; {stories}, "
        f"{plural(len(briefing.listed), 'other story', 'other stories')}, "
        f"{plural(single, 'single-outlet article')}."
    )


def others_heading(briefing: Briefing) -> str:
    """"Other articles" (a briefing without listed stories, as before), else "Single-outlet articles"."""
    return "Single-outlet articles" if briefing.listed else "Other articles"


# The cover names one day when more than this share of the dated articles are of it, and
# counts the others: 2015-07-21's briefing has 2,509 articles of that day and 281 earlier
# (their addresses' dates, 1-20 July), which "1 to 21 July 2015" would misstate.
MOSTLY_SHARE = 0.5


def period_covered(briefing: Briefing) -> str:
    """The publication dates of the articles, as far as they are known: one day; most of
    them one day and how many earlier or later; or the span."""
    days = Counter(a.published for a in briefing.articles if a.published is not None)
    unknown = sum(1 for a in briefing.articles if a.published is None)
    extra = f"; {plural(unknown, 'article')} without a date" if unknown else ""
    if not days:
        return "Articles new since the last briefing (publication dates not given)."
    first, last = min(days), max(days)
    if first == last:
        return f"Articles published {long_date(first)}{extra}."
    main, count = max(days.items(), key=lambda item: (item[1], item[0]))  # the latest, on a tie
    if count > MOSTLY_SHARE * sum(days.values()):
        earlier = sorted(d for d in days if d < main)
        later = sorted(d for d in days if d > main)
        parts = [f"mostly {long_date(main)}"]
        if earlier:
            parts.append(f"{sum(days[d] for d in earlier):,} earlier ({day_span(earlier[0], earlier[-1])})")
        if later:
            parts.append(f"{sum(days[d] for d in later):,} later ({day_span(later[0], later[-1])})")
        return f"Articles published {'; '.join(parts)}{extra}."
    return f"Articles published {day_span(first, last)}{extra}."


def day_span(first: dt.date, last: dt.date) -> str:
    """"21 July 2015", "1 to 20 July 2015", "28 June to 20 July 2015", "30 December 2014 to 2 January 2015"."""
    if first == last:
        return long_date(first)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day} to {long_date(last)}"
    if first.year == last.year:
        return f"{first.day} {first:%B} to {long_date(last)}"
    return f"{long_date(first)} to {long_date(last)}"


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


@dataclass(frozen=True, slots=True)
class TopicSection:
    """A part of the briefing: one of the reader's topics (``name``), or the rest (``name`` "")."""

    name: str
    featured: tuple[tuple[int, FeaturedStory], ...]
    """(number in the briefing, story): each featured story under its first topic only."""
    listed: tuple[ListedStory, ...]


def sections(briefing: Briefing) -> list[TopicSection]:
    """The reader's topics in order (each, even an empty one), then the other stories."""
    numbered = list(enumerate(briefing.stories, 1))
    names = [*briefing.topics, ""]

    def home(topics: tuple[str, ...]) -> str:
        return next((name for name in briefing.topics if name in topics), "")

    return [
        TopicSection(
            name,
            tuple((n, f) for n, f in numbered if home(f.topics) == name),
            tuple(s for s in briefing.listed if home(s.topics) == name),
        )
        for name in names
    ]


# The chart's labels: the PDF's embedded face first (a browser falls back to its own).
CHART_FONTS = "Amiri, Georgia, serif"
# The coverage chart's geometry, in CSS pixels (the PDF scales it to the page's width).
_ROW = 18
_COLUMN = 22
_LABEL_WIDTH = 34
_HEAD = 96


def coverage_chart(briefing: Briefing) -> str:
    """Inline SVG: the featured stories (rows, by number) by outlets (columns); a filled
    dot where an outlet reported the story itself, a ring where it only reprinted or
    copied another's article. "" when there is no featured story. Text is escaped."""
    if not briefing.stories:
        return ""
    outlets: dict[str, str] = {}
    marks: dict[tuple[int, str], bool] = {}
    for number, featured in enumerate(briefing.stories, 1):
        for member in featured.story.members:
            for article, own in ((member.article, member.independent), *((c, False) for c in member.copies)):
                outlets.setdefault(article.outlet_key, outlet_label(article))
                mark = (number, article.outlet_key)
                marks[mark] = marks.get(mark, False) or own
    columns = list(outlets)
    # The outlets' names slant up and to the right: the last one needs room past its column.
    width = _LABEL_WIDTH + _COLUMN * len(columns) + _HEAD * 2 // 3
    height = _HEAD + _ROW * len(briefing.stories) + 4
    parts = [
        (
            f'<svg class="coverage-chart" xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" font-family="{CHART_FONTS}"><title>Which outlets carried each top story</title>'
        )
    ]
    for c, column in enumerate(columns):
        x = _LABEL_WIDTH + _COLUMN * c + _COLUMN / 2
        parts.append(
            f'<text x="{x:.0f}" y="{_HEAD - 6}" transform="rotate(-55 {x:.0f} {_HEAD - 6})" font-size="10">'
            f"{escape(outlets[column])}</text>"
        )
    for number in range(1, len(briefing.stories) + 1):
        y = _HEAD + _ROW * (number - 1) + _ROW / 2
        parts.append(f'<text x="{_LABEL_WIDTH - 8}" y="{y + 4:.0f}" font-size="10" text-anchor="end">{number}</text>')
        right = _LABEL_WIDTH + _COLUMN * len(columns)
        parts.append(f'<line x1="{_LABEL_WIDTH}" y1="{y:.0f}" x2="{right}" y2="{y:.0f}" stroke="#ddd" stroke-width="0.5"/>')
        for c, column in enumerate(columns):
            if (number, column) not in marks:
                continue
            x = _LABEL_WIDTH + _COLUMN * c + _COLUMN / 2
            own = marks[(number, column)]
            fill = 'fill="#1a4a7a"' if own else 'fill="#fff" stroke="#1a4a7a" stroke-width="1.5"'
            kind = "reported" if own else "reprinted"
            parts.append(f'<circle cx="{x:.0f}" cy="{y:.0f}" r="5" {fill}><title>{number}: {escape(outlets[column])} {kind}</title></circle>')
    parts.append("</svg>")
    return "".join(parts)


# The labels table of a story: the outlets compared (the most labels first), labels per cell.
LABEL_OUTLETS_SHOWN = 4
LABELS_PER_CELL = 3


@dataclass(frozen=True, slots=True)
class ChangeView:
    before: str
    after: str
    before_en: str
    after_en: str


@dataclass(frozen=True, slots=True)
class ReprintView:
    heading: str
    changes: tuple[ChangeView, ...]
    more: int
    """Changes not shown."""

    @property
    def note(self) -> str:
        """What the page says of the changes it does not show: a pair with none to show
        (a reprint word for word, or only respelt) must not read as a blank list."""
        if self.changes:
            return f"{plural(self.more, 'more change')} in the --json report." if self.more else ""
        if self.more:
            return f"Only the same words respelt or re-inflected ({plural(self.more, 'change')}, in the --json report)."
        return "Word for word: no change."


@dataclass(frozen=True, slots=True)
class FramingView:
    reprints: tuple[ReprintView, ...]
    more_reprints: int
    outlets: tuple[str, ...]
    """The labels table's columns."""
    labels: tuple[tuple[str, tuple[tuple[tuple[str, str, int], ...], ...]], ...]
    """Rows: (actor, one cell per outlet of ``outlets``: (Arabic, English, count) each)."""
    distinctive: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]
    """(outlet, ((Arabic, English), ...)), most distinctive first."""

    def __bool__(self) -> bool:
        return bool(self.reprints or self.labels or self.distinctive)


def framing_view(featured: FeaturedStory) -> FramingView:
    """What the page shows of a featured story's framing: each reprint pair's changes with
    their (machine) English, "How each outlet names them", the distinctive words."""
    framing = featured.framing
    translated = dict(featured.english)

    def english(arabic: str) -> str:
        found = translated.get(arabic) if arabic else None
        return found.text if found is not None else ""

    from briefing.framing import shown_changes, shown_distinctive, shown_reprints

    reprints = tuple(
        ReprintView(
            f"{outlet_label(d.copy)} reprints {plural(d.paragraphs, 'paragraph')} of {outlet_label(d.original)}'s"
            f" ({_RULE_WORDS[d.rule]})",
            tuple(ChangeView(c.before, c.after, english(c.before), english(c.after)) for c in shown_changes(d)),
            len(d.changes) - len(shown_changes(d)),
        )
        for d in shown_reprints(framing)
    )
    # The labels table: the actors named by two outlets or more, the outlets naming most.
    by_actor: dict[str, dict[str, list[tuple[str, str, int]]]] = {}
    for label in framing.labels:
        by_actor.setdefault(label.actor, {}).setdefault(label.outlet, []).append((label.ar, label.en, label.count))
    # An actor is compared when two outlets or more name it and not all in the same words
    # (a row of "Turkey" in every cell tells the reader nothing).
    compared = {
        actor: cells
        for actor, cells in by_actor.items()
        if len(cells) >= 2 and len({tuple(sorted(ar for ar, _, _ in found)) for found in cells.values()}) > 1
    }
    uses: dict[str, int] = {}
    for cells in compared.values():
        for outlet, found in cells.items():
            uses[outlet] = uses.get(outlet, 0) + sum(n for _, _, n in found)
    order = {name: n for n, name in enumerate(featured.story.outlets)}
    outlets = tuple(sorted(sorted(uses, key=lambda o: -uses[o])[:LABEL_OUTLETS_SHOWN], key=lambda o: order.get(o, len(order))))
    rows = tuple(
        (actor, tuple(tuple(cells.get(outlet, [])[:LABELS_PER_CELL]) for outlet in outlets))
        for actor, cells in compared.items()
    )
    words: dict[str, list[tuple[str, str]]] = {}
    for word in shown_distinctive(framing):
        words.setdefault(word.outlet, []).append((word.ar, english(word.ar)))
    return FramingView(
        reprints, len(framing.reprints) - len(reprints), outlets, rows, tuple((o, tuple(w)) for o, w in words.items())
    )


_RULE_WORDS = {
    "date": "the later by date",
    "containment": "it holds the other's text and adds to it",
    "order": "read later; no date tells",
}
