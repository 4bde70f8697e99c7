"""Sources from the config, through the whole run: folders, feeds and pages on a real
HTTP server on 127.0.0.1; what a feed gave is kept in the record so nothing is lost."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefing.config import Config, Source, load_config
from briefing.pipeline import ArticleChoice, run_briefing
from tests.httpserver import TestServer, respond, serve, with_validators
from tests.test_ingest.news import AIN_ISSA, CENTRAL_BANK, RAIN, rss, rss_item, story_page

RSS = "application/rss+xml; charset=utf-8"
HTML = "text/html; charset=utf-8"
DAY = dt.date(2026, 11, 23)


@pytest.fixture
def server() -> Iterator[TestServer]:
    with serve({}) as running:
        yield running


def feed_of(server: TestServer, *stories: object) -> bytes:
    return rss("سبوتنيك عربي", [rss_item(s, server.url(f"/news/{s.slug}.html")) for s in stories])  # type: ignore[attr-defined]


def web_config(config: Config, *sources: Source) -> Config:
    return config.replace(sources=sources, read_timeout=2.0, connect_timeout=2.0)


def test_a_feed_a_page_and_a_folder_make_one_briefing(config: Config, model: object, server: TestServer) -> None:
    server.routes["/rss.xml"] = respond(feed_of(server, AIN_ISSA, CENTRAL_BANK), RSS)
    server.routes["/page.html"] = respond(story_page(RAIN).encode(), HTML)
    sources = (
        Source("folder", str(config.input_dir)),
        Source("feed", server.url("/rss.xml"), "Sputnik Arabic"),
        Source("page", server.url("/page.html"), "Al Riyadh"),
    )
    report = run_briefing(web_config(config, *sources), date=DAY, decoder=model)  # type: ignore[arg-type]
    assert report.skipped == ()
    assert report.articles_new == 5 and report.articles_published == 5
    outlets = {outlet for story in report.stories for outlet in story["outlets"]}
    assert outlets == {"Orient News", "Sputnik Arabic", "Al Riyadh"}
    assert report.markdown is not None
    text = report.markdown.read_text(encoding="utf-8")
    # Each article is listed once, under its featured story or among the others, linked.
    listed = [line for line in text.splitlines() if line.startswith("- **")]
    assert len(listed) == 5
    for url in [server.url("/page.html"), *(server.url(f"/news/{s.slug}.html") for s in (AIN_ISSA, CENTRAL_BANK))]:
        assert sum(f"]({url})" in line for line in listed) == 1


def test_the_second_poll_adds_nothing_new(config: Config, model: object, server: TestServer) -> None:
    body = feed_of(server, AIN_ISSA, CENTRAL_BANK)
    server.routes["/rss.xml"] = with_validators(body, RSS, etag='"v1"', last_modified="Mon, 21 Dec 2020 10:00:00 GMT")
    sources = (Source("feed", server.url("/rss.xml"), "Sputnik Arabic"),)
    first = run_briefing(web_config(config, *sources), date=DAY, decoder=model)  # type: ignore[arg-type]
    assert first.articles_published == 2
    second = run_briefing(web_config(config, *sources), date=DAY + dt.timedelta(days=1), decoder=model)  # type: ignore[arg-type]
    assert (second.articles_new, second.articles_published, second.markdown) == (0, 0, None)
    assert second.articles_read == 0  # published web articles are not read again...
    everything = run_briefing(  # ...unless asked for
        web_config(config, *sources), date=DAY + dt.timedelta(days=2), decoder=model, choice=ArticleChoice(everything=True)  # type: ignore[arg-type]
    )
    assert (everything.articles_read, everything.articles_published) == (2, 2)
    # Every request after the first was conditional, and the server answered 304.
    assert [r.headers.get("if-none-match") for r in server.requests if r.path == "/rss.xml"] == [None, '"v1"', '"v1"']


def test_one_outlet_failing_is_reported_and_the_others_carry_on(config: Config, model: object, server: TestServer) -> None:
    server.routes["/rss.xml"] = respond(feed_of(server, AIN_ISSA), RSS)
    server.routes["/broken.xml"] = respond(b'<?xml version="1.0"?>\n<rss version="2.0"><channel><title>x</titl', RSS)
    sources = (
        Source("feed", server.url("/missing.xml")),
        Source("feed", server.url("/broken.xml")),
        Source("feed", server.url("/rss.xml"), "Sputnik Arabic"),
    )
    report = run_briefing(web_config(config, *sources), date=DAY, decoder=model)  # type: ignore[arg-type]
    failed = {s.source: s.reason for s in report.skipped}
    assert set(failed) == {server.url("/missing.xml"), server.url("/broken.xml")}
    assert failed[server.url("/missing.xml")].startswith("HTTP 404")
    assert "not a valid RSS/Atom feed" in failed[server.url("/broken.xml")]
    assert report.articles_published == 1 and report.had_failures


def test_articles_from_a_feed_survive_a_failed_run(config: Config, model: object, server: TestServer) -> None:
    """The feed item is gone by the next poll (304), yet the next run publishes it."""
    body = feed_of(server, AIN_ISSA)
    server.routes["/rss.xml"] = with_validators(body, RSS, etag='"v1"', last_modified="Mon, 21 Dec 2020 10:00:00 GMT")
    web = web_config(config, Source("feed", server.url("/rss.xml"), "Sputnik Arabic"))

    class Crash(Exception):
        pass

    def crash_after_ingest(name: str) -> None:
        if name == "ingest":
            raise Crash

    with pytest.raises(Crash):
        run_briefing(web, date=DAY, decoder=model, checkpoint=crash_after_ingest)  # type: ignore[arg-type]
    assert not (config.out_dir / DAY.isoformat()).exists()
    again = run_briefing(web, date=DAY, decoder=model)  # type: ignore[arg-type]
    assert again.articles_published == 1
    assert again.stories[0]["title_ar"] == AIN_ISSA.title
    assert [r.headers.get("if-none-match") for r in server.requests if r.path == "/rss.xml"] == [None, '"v1"']


def test_sources_in_the_config_file(tmp_path: Path) -> None:
    (tmp_path / "inbox").mkdir()
    path = tmp_path / "briefing.toml"
    path.write_text(
        '[[sources]]\nfolder = "inbox"\n\n[[sources]]\nfeed = "https://example.com/rss.xml"\noutlet = "Example"\n\n'
        '[[sources]]\npage = "http://example.com/a/1"\n\n[stories]\nfeatured = 3\n',
        encoding="utf-8",
    )
    config = load_config(path)
    assert config.sources == (
        Source("folder", str(tmp_path / "inbox")),
        Source("feed", "https://example.com/rss.xml", "Example"),
        Source("page", "http://example.com/a/1"),
    )
    assert config.featured_stories == 3


def test_json_report_lists_the_stories(config: Config, model: object) -> None:
    report = run_briefing(config, date=DAY, decoder=model)  # type: ignore[arg-type]
    [story] = json.loads(json.dumps(report.as_json()))["stories"]
    assert story["outlets"] == ["Orient News", "Sputnik Arabic"] and story["articles"] == 2


SAUDI_DAY = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "saudinewsnet" / "2015-07-21.zip"


@pytest.mark.skipif(not SAUDI_DAY.is_file(), reason="needs ../shared/data (SaudiNewsNet)")
def test_a_folder_of_real_records_gives_top_stories_and_lists_every_article_once(
    config: Config, model: object, tmp_path: Path
) -> None:
    import zipfile
    from collections import Counter
    from urllib.parse import unquote

    with zipfile.ZipFile(SAUDI_DAY) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".json")]
        records = json.loads(archive.read(name))
    inbox = tmp_path / "day"
    inbox.mkdir()
    (inbox / "2015-07-21.json").write_text(json.dumps(records[:400], ensure_ascii=False), encoding="utf-8")
    report = run_briefing(config.replace(input_dir=inbox, featured_stories=5), date=dt.date(2015, 7, 21), decoder=model)  # type: ignore[arg-type]
    assert report.markdown is not None
    text = report.markdown.read_text(encoding="utf-8")
    assert len(report.stories) < report.articles_published  # some stories hold several articles
    assert text.count('<div class="pair">') == report.sentences_selected
    # Every published article is named once by its URL: under its story or among the others.
    listed: Counter[str] = Counter()
    for line in text.splitlines():
        if line.startswith("- **"):
            listed.update(unquote(url) for url in re.findall(r"\]\((https?://[^)\s]+)\)", line))
    with_text = [r for r in records[:400] if (r.get("content") or "").strip()]
    assert set(listed) <= {r["url"] for r in with_text}
    assert sum(listed.values()) >= report.articles_published
    assert all(count == 1 for url, count in listed.items() if sum(r["url"] == url for r in with_text) == 1)


def test_the_same_item_from_two_feeds_credits_both_outlets(config: Config, model: object, server: TestServer) -> None:
    server.routes["/a.xml"] = respond(feed_of(server, AIN_ISSA), RSS)
    # The same text under the second outlet's own address.
    server.routes["/b.xml"] = respond(rss("RT", [rss_item(AIN_ISSA, server.url("/rt/ain-issa.html"))]), RSS)
    sources = (Source("feed", server.url("/a.xml"), "Sputnik Arabic"), Source("feed", server.url("/b.xml"), "RT Arabic"))
    report = run_briefing(web_config(config, *sources), date=DAY, decoder=model)  # type: ignore[arg-type]
    [story] = report.stories
    assert story["outlets"] == ["Sputnik Arabic", "RT Arabic"] and story["articles"] == 2
    assert report.articles_published == 1  # one text, published once


def test_pages_of_items_already_kept_are_not_fetched_again(config: Config, model: object, server: TestServer) -> None:
    """A feed that changed lists its old items too; only the new item's page is fetched."""

    def teaser(story: object) -> str:
        return rss_item(story, server.url(f"/news/{story.slug}.html"), description="<p>موجز الخبر.</p>")  # type: ignore[attr-defined]

    for story in (AIN_ISSA, CENTRAL_BANK):
        server.routes[f"/news/{story.slug}.html"] = respond(story_page(story).encode(), HTML)
    server.routes["/rss.xml"] = respond(rss("سبوتنيك عربي", [teaser(AIN_ISSA)]), RSS)
    sources = (Source("feed", server.url("/rss.xml"), "Sputnik Arabic"),)
    first = run_briefing(web_config(config, *sources), date=DAY, decoder=model)  # type: ignore[arg-type]
    assert first.articles_published == 1
    server.routes["/rss.xml"] = respond(rss("سبوتنيك عربي", [teaser(CENTRAL_BANK), teaser(AIN_ISSA)]), RSS)
    second = run_briefing(web_config(config, *sources), date=DAY + dt.timedelta(days=1), decoder=model)  # type: ignore[arg-type]
    assert second.articles_published == 1 and second.stories[0]["title_ar"] == CENTRAL_BANK.title
    pages = [path for path in server.paths() if path.startswith("/news/")]
    assert pages == ["/news/ain-issa.html", "/news/central-bank.html"]


@pytest.mark.skipif(not SAUDI_DAY.is_file(), reason="needs ../shared/data (SaudiNewsNet)")
def test_no_placeholder_remnant_reaches_the_markdown_the_pdf_or_the_report_on_real_news(
    config: Config, model: object, tmp_path: Path
) -> None:
    """The test model writes placeholders of its own on news it never saw (494 times on the day)."""
    import zipfile

    from tests.pdftools import pdftotext

    with zipfile.ZipFile(SAUDI_DAY) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".json")]
        records = json.loads(archive.read(name))[:600]
    inbox = tmp_path / "day"
    inbox.mkdir()
    (inbox / "2015-07-21.json").write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    report = run_briefing(config.replace(input_dir=inbox), date=dt.date(2015, 7, 21), decoder=model)  # type: ignore[arg-type]
    assert report.markdown is not None and report.pdf is not None
    assert dict(report.flags).get("placeholder-removed", 0) > 0  # the model did write some: they were caught
    remnant = re.compile(r"Z\s?Q")
    assert remnant.findall(report.markdown.read_text(encoding="utf-8")) == []
    assert remnant.findall(pdftotext(report.pdf)) == []
    assert remnant.findall(json.dumps(report.as_json(), ensure_ascii=False)) == []
