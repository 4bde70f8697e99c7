"""Small real values for tests."""

from __future__ import annotations

import datetime as dt

from briefing.types import Article, Briefing, BriefingItem, Sentence, Translation


def article(title: str = "عنوان", body: str = "نص الخبر.", source: str = "inbox/a.txt", derived: bool = False) -> Article:
    return Article(id="0" * 16, source=source, title=title, title_derived=derived, body=body)


def translation(source: str, text: str) -> Translation:
    return Translation(source=source, text=text, score=-0.5, confidence=-0.3, origin="model")


def briefing(items: list[tuple[Article, str, list[tuple[str, str]]]], date: dt.date = dt.date(2026, 11, 22)) -> Briefing:
    """``items``: (article, English title, [(Arabic sentence, English), ...])."""
    return Briefing(
        date=date,
        items=tuple(
            BriefingItem(
                article=a,
                title=translation(a.title, title_en),
                sentences=tuple((Sentence(ar, i), translation(ar, en)) for i, (ar, en) in enumerate(pairs)),
            )
            for a, title_en, pairs in items
        ),
        model="translate-ar_en-test 1.0",
    )
