"""Text hygiene at ingest: HTML entities decoded once, invisible format characters dropped
from what a reader sees, and each article's date from the best evidence it carries."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from types import SimpleNamespace

import feedparser
import pytest

from briefing.arabic import normalize_for_matching
from briefing.config import Config
from briefing.ingest.html import article_from_html
from briefing.ingest.metadata import date_in_url, display_text
from briefing.ingest.records import articles_from_json
from briefing.ingest.web import _entry_title
from briefing.pipeline import run_briefing
from briefing.render.view import period_covered
from briefing.types import Article
from tests.builders import article

BODY = "أعلنت الوزارة اليوم عن خطة جديدة لتطوير التعليم في المدارس الحكومية.\n\nوقال الوزير إن الخطة تبدأ العام المقبل في جميع المناطق."
# SaudiNewsNet's titles as they are in the corpus: entities, and a right-to-left override.
TITLE = "الوزير: &#8220;التعليم أولا&#8221; \u202eفي العام الجديد &amp; بعده"
SHOWN_TITLE = "الوزير: \u201cالتعليم أولا\u201d في العام الجديد & بعده"


def record(**fields: object) -> str:
    return json.dumps([{"title": TITLE, "text": BODY + " &quot;انتهى&quot;\u200f", **fields}], ensure_ascii=False)


def only_article(path: Path, text: str) -> Article:
    [item] = list(articles_from_json(path, text))
    assert isinstance(item, Article), item
    return item


def test_a_json_record_shows_its_entities_decoded_once_and_no_direction_controls(tmp_path: Path) -> None:
    found = only_article(tmp_path / "day.json", record(url="http://www.aleqt.com/2015/07/20/article_1.html"))
    assert found.title == SHOWN_TITLE
    assert found.body.endswith('الخطة تبدأ العام المقبل في جميع المناطق. "انتهى"')
    assert "\u202e" not in found.title + found.body and "\u200f" not in found.body
    # The id is the text's as written, as before this cleaning: an article published by an
    # earlier version is not new again after an upgrade.
    written = BODY + " &quot;انتهى&quot;\u200f"
    assert found.id == hashlib.sha256(normalize_for_matching(written).encode("utf-8")).hexdigest()[:16]


def test_decoded_once_not_twice() -> None:
    assert display_text("&amp;amp; &amp;#8220;") == "&amp; &#8220;"
    assert display_text("&#8220;", entities=False) == "&#8220;"
    # Joiners stay: they change how Arabic and Persian letters join.
    assert display_text("می\u200cخواهم \u200dا") == "می\u200cخواهم \u200dا"
    assert display_text("\u2066قسد\u2069\u200b \ufeffالرقة\u00ad") == "قسد الرقة"
    # A reference to no character is dropped, not shown as U+FFFD.
    assert display_text("قسد&#0;&#xD800;&#x110000; الرقة &#65533;") == "قسد الرقة \ufffd"


def test_a_feed_title_escaped_twice_is_shown_as_meant() -> None:
    feed = feedparser.parse(
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
        "<item><title>قال &amp;#8220;نعم&amp;#8221; \u202eاليوم</title><link>http://example.com/1</link></item>"
        "</channel></rss>"
    )
    assert _entry_title(feed.entries[0]) == "قال \u201cنعم\u201d اليوم"


def test_a_feed_items_html_is_decoded_once() -> None:
    from briefing.ingest.web import _entry_article

    sentence = "أعلنت الوزارة اليوم عن خطة جديدة لتطوير التعليم في المدارس الحكومية في جميع المناطق"
    feed = feedparser.parse(
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title><item>'
        "<title>خطة التعليم</title><link>http://example.com/2015/07/20/1</link>"
        f"<description>&lt;p&gt;{sentence}. {sentence}. الرمز &amp;amp;lt;ب&amp;amp;gt; في النص&lt;/p&gt;</description>"
        "</item></channel></rss>"
    )
    read = _entry_article(None, feed.entries[0], "feed", None, outlet="X", fetch_pages=False, policy=None)  # type: ignore[arg-type]
    assert read.article.body.endswith("الرمز &lt;ب&gt; في النص")  # what the item's HTML shows
    assert read.article.published == dt.date(2015, 7, 20)


def test_a_page_is_decoded_by_its_parser_only() -> None:
    page = (
        "<html><head><title>عنوان الخبر &amp;lt;عاجل&amp;gt;</title></head><body><article>"
        f"<h1>عنوان الخبر &amp;lt;عاجل&amp;gt;</h1><p>{BODY.replace(chr(10), ' ')}</p><p>{BODY.replace(chr(10), ' ')} &amp;lt;ب&amp;gt;</p>"
        "</article></body></html>"
    )
    found = article_from_html("page.html", page, url="http://example.com/2015/07/19/story")
    assert found.body.endswith("&lt;ب&gt;")  # as the page shows it
    assert found.published == dt.date(2015, 7, 19)


@pytest.mark.parametrize(
    ("url", "day"),
    [
        ("http://www.aleqt.com/2015/07/21/article_974951.html", dt.date(2015, 7, 21)),
        ("http://www.al-jazirah.com/2015/20150720/ln11.htm", dt.date(2015, 7, 20)),
        ("http://www.okaz.com.sa/new/Issues/20150719/Con20150719784785.htm", dt.date(2015, 7, 19)),
        ("https://example.com/news/2020-12-20-raqqa", dt.date(2020, 12, 20)),
        ("http://aawsat.com/home/article/411151/يوسف-الديني", None),  # an article number, not a date
        ("http://example.com/2015/13/40/x", None),  # not a day
        ("http://example.com/20151399/x", None),
        ("http://2015-07-21.example.com/x", None),  # the host is not the article's path
        ("http://example.com/story/20150612", None),  # a last segment of 8 digits: an article number
        ("http://example.com/19991231/x", dt.date(1999, 12, 31)),  # ... a folder of them: an issue
        ("http://example.com/news?date=2015-07-20", None),
        ("http://example.com/news#2015-07-20", None),
    ],
)
def test_the_date_in_an_address(url: str, day: dt.date | None) -> None:
    assert date_in_url(url) == day


def test_a_records_date_publisher_then_address_then_crawl_time(tmp_path: Path) -> None:
    crawled = {"date_extracted": "2015-07-21 10:42:12"}
    old = "http://www.aleqt.com/2015/07/08/article_1.html"
    assert only_article(tmp_path / "a.json", record(url=old, **crawled)).published == dt.date(2015, 7, 8)
    assert only_article(tmp_path / "b.json", record(url=old, date="2015-07-09", **crawled)).published == dt.date(2015, 7, 9)
    assert only_article(tmp_path / "c.json", record(url="http://sabq.org/uxCgde", **crawled)).published == dt.date(2015, 7, 21)
    # An address "dated" after its crawl, or years before it, is a number, not a date.
    later = "http://example.com/2099/01/01/x"
    assert only_article(tmp_path / "d.json", record(url=later, **crawled)).published == dt.date(2015, 7, 21)
    older = "http://example.com/2001/01/01/x"
    assert only_article(tmp_path / "e.json", record(url=older, **crawled)).published == dt.date(2015, 7, 21)


def period(*days: dt.date | None) -> str:
    return period_covered(SimpleNamespace(articles=[article(published=d) for d in days]))  # type: ignore[arg-type]


def test_the_cover_says_mostly_one_day_and_how_many_earlier() -> None:
    july = [dt.date(2015, 7, d) for d in (21, 21, 21, 21, 21, 20, 20, 8)]
    assert period(*july) == "Articles published mostly 21 July 2015; 3 earlier (8 to 20 July 2015)."
    assert period(*july, dt.date(2015, 7, 22), None) == (
        "Articles published mostly 21 July 2015; 3 earlier (8 to 20 July 2015); 1 later (22 July 2015); 1 article without a date."
    )
    assert period(dt.date(2015, 7, 21), dt.date(2015, 7, 21)) == "Articles published 21 July 2015."
    # No day holds most of them: the span.
    assert period(dt.date(2015, 6, 30), dt.date(2015, 7, 1)) == "Articles published 30 June to 1 July 2015."
    assert period(dt.date(2014, 12, 31), dt.date(2015, 1, 1)) == "Articles published 31 December 2014 to 1 January 2015."


def test_the_markdown_and_pdf_show_the_decoded_title(config: Config, model: object, tmp_path: Path) -> None:
    import subprocess

    inbox = tmp_path / "json-inbox"
    inbox.mkdir()
    (inbox / "day.json").write_text(record(url="http://www.aleqt.com/2015/07/20/article_1.html"), encoding="utf-8")
    report = run_briefing(config.replace(input_dir=inbox), date=dt.date(2015, 7, 21), decoder=model)  # type: ignore[arg-type]
    assert report.markdown is not None and report.pdf is not None
    markdown = report.markdown.read_text(encoding="utf-8")
    assert f'<p class="title-ar" dir="rtl" lang="ar">{SHOWN_TITLE.replace("&", "&amp;")}</p>' in markdown
    assert "#8220" not in markdown and "\u202e" not in markdown
    assert "Articles published 20 July 2015." in markdown
    text = subprocess.run(["pdftotext", str(report.pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "#8220" not in text and "\u202e" not in text
