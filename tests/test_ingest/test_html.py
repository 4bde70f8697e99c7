from __future__ import annotations

import datetime as dt

import pytest

from briefing.errors import IngestError
from briefing.ingest.html import article_from_html, html_to_text
from briefing.ingest.metadata import NotArabicError
from briefing.ingest.textfiles import article_from_text
from tests.httpserver import serve
from tests.test_ingest.news import AIN_ISSA, ENGLISH_PARAGRAPHS, page, story_page

# Arabic on purpose: leaked script or frame text would pass the language check unnoticed.
HIDDEN = "نص مخفي لا يجوز أن يظهر"


def hostile_page(base: str) -> str:
    """The Ain Issa story wrapped in everything a page may carry that is not its text."""
    return story_page(
        AIN_ISSA,
        extra_head=f"""
<script>var secret = "{HIDDEN} script-in-head";</script>
<script src="{base}/tracker.js"></script>
<style>body {{ font-family: "{HIDDEN} style"; }}</style>
<link rel="stylesheet" href="{base}/site.css">
<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "{AIN_ISSA.title}"}}</script>""",
        extra_body=f"""
<script>document.write("{HIDDEN} script-in-body");</script>
<style>.x {{ content: "{HIDDEN} style-in-body"; }}</style>
<iframe src="{base}/ad.html">{HIDDEN} iframe</iframe>
<img src="{base}/photo.jpg" alt="{HIDDEN} alt" onerror="fetch('{base}/onerror')">
<figure><img src="{base}/photo2.jpg"><figcaption>{HIDDEN} caption</figcaption></figure>
<noscript>{HIDDEN} noscript <img src="{base}/pixel.gif"></noscript>
<object data="{base}/movie.swf">{HIDDEN} object</object>
<video src="{base}/clip.mp4" poster="{base}/poster.jpg">{HIDDEN} video</video>""",
    )


def test_scripts_styles_frames_and_images_never_reach_the_text_and_nothing_is_fetched() -> None:
    with serve({}) as server:
        article = article_from_html("page.html", hostile_page(server.url("")))
        assert server.requests == []  # the page's images, scripts, frames and styles were not loaded
    assert article.title == AIN_ISSA.title
    assert article.body == AIN_ISSA.body
    for leak in ("مخفي", "secret", "document.write", "font-family", "content:", "http"):
        assert leak not in article.title + article.body


def test_page_metadata_gives_title_outlet_date_and_url() -> None:
    html = story_page(AIN_ISSA, canonical="https://arabic.example.com/20201220/ain-issa.html")
    article = article_from_html("page.html", html)
    assert article.source == "page.html"
    assert (article.title, article.title_derived) == (AIN_ISSA.title, False)
    assert article.outlet == "سبوتنيك عربي"
    assert article.published == dt.date(2020, 12, 20)
    assert article.url == "https://arabic.example.com/20201220/ain-issa.html"


def test_given_url_and_outlet_win_over_the_page() -> None:
    html = story_page(AIN_ISSA, canonical="https://arabic.example.com/ain-issa.html")
    article = article_from_html("p", html, url="https://mirror.example.org/a.html", outlet="Sputnik Arabic")
    assert (article.url, article.outlet) == ("https://mirror.example.org/a.html", "Sputnik Arabic")


def test_same_article_as_a_page_and_as_a_text_file_has_one_id() -> None:
    from_page = article_from_html("page.html", story_page(AIN_ISSA))
    from_file = article_from_text("a.txt", f"{AIN_ISSA.title}\n\n{AIN_ISSA.body}")
    assert from_page.id == from_file.id


def test_without_date_metadata_a_date_in_the_text_is_used() -> None:
    paragraphs = ("دمشق - ٢١/١٢/٢٠٢٠", *AIN_ISSA.paragraphs)
    article = article_from_html("p", page(AIN_ISSA.title, paragraphs, published=None))
    assert article.published == dt.date(2020, 12, 21)


def test_a_headline_that_ends_in_a_full_stop_is_still_the_title() -> None:
    title = "الجيش الروسي يعقد اجتماعا مع القوات التركية في عين عيسى."
    article = article_from_html("p", page(title, AIN_ISSA.paragraphs))
    assert (article.title, article.title_derived) == (title, False)
    assert article.body == AIN_ISSA.body


def test_heading_repeated_under_a_longer_page_title_is_dropped() -> None:
    html = page(
        AIN_ISSA.title, AIN_ISSA.paragraphs, extra_head=f'<meta property="og:title" content="عاجل: {AIN_ISSA.title}">'
    )
    article = article_from_html("p", html)
    assert article.title == f"عاجل: {AIN_ISSA.title}"
    assert article.body == AIN_ISSA.body


def test_english_page_is_refused_as_not_arabic() -> None:
    html = page("Central bank holds rates", ENGLISH_PARAGRAPHS, lang="en", sitename="Example News")
    with pytest.raises(NotArabicError) as caught:
        article_from_html("p", html)
    assert str(caught.value) == "not Arabic (0% Arabic letters)"
    assert isinstance(caught.value, IngestError)


def test_page_without_article_text_is_refused() -> None:
    html = f"<html><head><title>الرئيسية</title><script>var a = '{HIDDEN}';</script></head><body></body></html>"
    with pytest.raises(IngestError) as caught:
        article_from_html("p", html)
    assert str(caught.value) == "no article text in the page"


def test_html_to_text_keeps_paragraphs_and_line_breaks_and_drops_the_rest() -> None:
    fragment = (
        '<p>قال <b>المتحدث</b> &amp; أضاف:<br>"لن نتراجع"</p>'
        "<script>alert('x')</script><style>p{}</style>"
        '<div>فقرة   ثانية<img src="http://example.com/a.png"> تتمة<!-- تعليق --></div>'
        "<ul><li>بند أول</li><li>بند ثان</li></ul><iframe>إطار</iframe>"
    )
    assert html_to_text(fragment) == 'قال المتحدث & أضاف:\n"لن نتراجع"\n\nفقرة ثانية تتمة\n\nبند أول\n\nبند ثان'
    assert html_to_text("  ") == ""
    assert html_to_text("نص عادي بلا وسوم") == "نص عادي بلا وسوم"
