"""Small real values for tests."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from briefing.config import load_config
from briefing.errors import ConfigError
from briefing.types import Article, Briefing, FeaturedStory, KeyPoint, Sentence, Story, StoryArticle, Translation


def article(
    title: str = "عنوان", body: str = "نص الخبر.", source: str = "inbox/a.txt", derived: bool = False, **more: object
) -> Article:
    ident = str(more.pop("id", "0" * 16))
    return Article(id=ident, source=source, title=title, title_derived=derived, body=body, **more)  # type: ignore[arg-type]


def translation(source: str, text: str) -> Translation:
    return Translation(source=source, text=text, score=-0.5, confidence=-0.3, origin="model")


def briefing(items: list[tuple[Article, str, list[tuple[str, str]]]], date: dt.date = dt.date(2026, 11, 22)) -> Briefing:
    """``items``: (article, English title, [(Arabic sentence, English), ...]), each a
    featured story of one article."""
    return Briefing(
        date=date,
        stories=tuple(
            FeaturedStory(
                story=Story((StoryArticle(a),)),
                title=translation(a.title, title_en),
                points=tuple(KeyPoint(Sentence(ar, i), a, translation(ar, en)) for i, (ar, en) in enumerate(pairs)),
            )
            for a, title_en, pairs in items
        ),
        others=(),
        model="translate-ar_en-test 1.0",
    )


def assert_config_error(folder: Path, toml: str, message: str) -> None:
    """Loading ``toml`` (written to ``folder``/briefing.toml) fails with ``message`` in the error."""
    path = folder / "briefing.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_config(path)
