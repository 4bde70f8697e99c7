"""What a run left out, told in a few lines: one per kind of skipped item.

A real day leaves out hundreds of empty records and copies; a line for each would bury
what matters (a feed that is down). The CLI prints these lines, the scheduler logs them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from briefing.types import Briefing, Framing, RankedStory, SkippedItem, Translation

__all__ = ["SKIP_LABELS", "flag_counts", "skip_summary", "story_summary"]

# How a summary line names each kind of skipped item (``SkippedItem.kind``).
SKIP_LABELS = {
    "unreadable": "could not be read",
    "empty": "empty (nothing to read)",
    "language": "not in Arabic",
    "duplicate": "duplicates (kept once)",
    "blocked": "links not followed (not a configured site or address)",
    "deferred": "feeds with items left for the next run",
    "repaired": "used with stray bytes replaced",
    "offline": "sources not polled (offline)",
}


def skip_summary(skipped: Iterable[SkippedItem], *, every_item: bool = False) -> list[str]:
    """One line per kind: how many, the first item and its reason; with ``every_item``,
    a line for each of the others too."""
    by_kind: dict[str, list[SkippedItem]] = {}
    for item in skipped:
        by_kind.setdefault(item.kind, []).append(item)
    lines = []
    for kind, items in by_kind.items():
        first = items[0]
        more = f"; {len(items) - 1} more with -v" if len(items) > 1 and not every_item else ""
        lines.append(f"skipped {len(items)} {SKIP_LABELS.get(kind, kind)}: {first.source}: {first.reason}{more}")
        if every_item:
            lines.extend(f"  skipped {item.source}: {item.reason}" for item in items[1:])
    return lines


def story_summary(ranked: RankedStory, translations: dict[str, Translation] | None) -> dict[str, Any]:
    """A story as the ``--json`` report gives it. ``title_en`` is None when its headline was
    not translated (a dry run; a single-outlet story when ``stories.index_english`` is off);
    ``urls``: each article's link (its source when it has none), copies included;
    ``continues``: the earlier story it continues, or None."""
    story = ranked.story
    title = story.lead.title
    translated = translations.get(title) if translations is not None else None
    continues = ranked.continues
    return {
        "title_ar": title,
        "title_en": translated.text if translated is not None else None,
        "outlets": list(story.outlets),
        "articles": story.article_count,
        "independent_outlets": story.independent_outlet_count,
        "topics": list(ranked.topics),
        "continues": {"date": continues.since.isoformat(), "title_en": continues.title_en, "days": continues.day}
        if continues is not None else None,
        "urls": [article.url or article.source for member in story.members for article in (member.article, *member.copies)],
        **framing_summary(ranked.framing, translations),
    }


def framing_summary(framing: Framing, translations: dict[str, Translation] | None) -> dict[str, Any]:
    """``reprints``, ``labels`` and ``distinctive`` of a story as ``--json`` gives them; the
    English of a distinctive word is None when it was not translated (a story not featured)."""
    def english(arabic: str) -> str | None:
        found = translations.get(arabic) if translations is not None else None
        return found.text if found is not None else None

    labels: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for label in framing.labels:
        labels.setdefault(label.actor, {}).setdefault(label.outlet, []).append(
            {"ar": label.ar, "en": label.en, "count": label.count}
        )
    distinctive: dict[str, list[dict[str, Any]]] = {}
    for word in framing.distinctive:
        distinctive.setdefault(word.outlet, []).append({"ar": word.ar, "en": english(word.ar), "z": word.z})
    return {
        "reprints": [
            {
                "original": diff.original.label,
                "copy": diff.copy.label,
                "paragraphs": diff.paragraphs,
                "rule": diff.rule,
                "original_url": diff.original.url or diff.original.source,
                "copy_url": diff.copy.url or diff.copy.source,
                "changes": [{"from": c.before, "to": c.after, "kind": c.kind} for c in diff.changes],
            }
            for diff in framing.reprints
        ],
        "labels": labels,
        "distinctive": distinctive,
    }


def flag_counts(briefing: Briefing) -> tuple[tuple[str, int], ...]:
    """How many headlines and key sentences carry each mark."""
    translations = briefing.translations
    return tuple(sorted(Counter(flag for t in translations for flag in t.flags).items()))
