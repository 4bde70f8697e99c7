"""Feeds and pages fetched from a real HTTP server on 127.0.0.1 (tests/httpserver.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import socket
import time
from collections.abc import Callable, Iterator

import httpx
import pytest

from briefing.errors import IngestError
from briefing.ingest.fetch import Conditional, FetchLimits, FetchPolicy, fetch, make_client
from briefing.ingest.web import read_feed, read_page
from briefing.types import SkippedItem
from tests.httpserver import Handler, TestServer, endless, redirect, respond, serve, stall, with_validators
from tests.test_ingest.news import (
    AIN_ISSA,
    CENTRAL_BANK,
    ENGLISH_PARAGRAPHS,
    RAIN,
    STORIES,
    Story,
    atom,
    atom_entry,
    page,
    rss,
    rss_item,
    story_page,
)

LIMITS = FetchLimits(connect_timeout=2.0, read_timeout=2.0, total_timeout=5.0, max_bytes=1_000_000)
RSS = "application/rss+xml; charset=utf-8"
HTML = "text/html; charset=utf-8"


@pytest.fixture
def server() -> Iterator[TestServer]:
    with serve({}) as running:
        yield running


def policy(server: TestServer) -> FetchPolicy:
    """The policy of a run whose one configured source is on the test server."""
    return FetchPolicy.for_sources([server.url("/")])


@pytest.fixture
def client(server: TestServer) -> Iterator[httpx.Client]:
    with make_client(LIMITS, policy(server)) as made:
        yield made


def link(server: TestServer, story: Story) -> str:
    return server.url(f"/news/{story.slug}.html")


def serve_pages(server: TestServer, *stories: Story) -> None:
    for story in stories:
        server.routes[f"/news/{story.slug}.html"] = respond(story_page(story).encode(), HTML)


def full_text_rss(server: TestServer) -> bytes:
    return rss("سبوتنيك عربي", [rss_item(story, link(server, story)) for story in STORIES])


def test_rss_feed_with_full_text_gives_its_articles_without_fetching_pages(
    server: TestServer, client: httpx.Client
) -> None:
    items = [rss_item(story, link(server, story)) for story in STORIES]
    # An image in an item's HTML is dropped, not loaded.
    items[0] = items[0].replace("&lt;/p&gt;", f"&lt;img src=&quot;{server.url('/pixel.gif')}&quot;&gt;&lt;/p&gt;", 1)
    server.routes["/rss.xml"] = respond(rss("سبوتنيك عربي", items), RSS)

    result = read_feed(client, server.url("/rss.xml"), LIMITS)

    assert result.skipped == ()
    assert [a.title for a in result.articles] == [s.title for s in STORIES]
    assert [a.body for a in result.articles] == [s.body for s in STORIES]
    assert [a.source for a in result.articles] == [link(server, s) for s in STORIES]
    assert [a.url for a in result.articles] == [link(server, s) for s in STORIES]
    assert {a.outlet for a in result.articles} == {"سبوتنيك عربي"}
    # The date where the outlet published it: Cairo's 18th, though it was still the 17th in UTC.
    assert [a.published for a in result.articles] == [
        dt.date(2020, 12, 20),
        dt.date(2020, 12, 18),
        dt.date(2020, 12, 21),
    ]
    assert server.paths() == ["/rss.xml"]


def test_atom_feed_with_teasers_has_its_article_pages_fetched(server: TestServer, client: httpx.Client) -> None:
    entries = [
        atom_entry(AIN_ISSA, link(server, AIN_ISSA), "2020-12-20T01:30:00+03:00", summary=AIN_ISSA.paragraphs[0]),
        atom_entry(RAIN, link(server, RAIN), "2020-12-21T11:05:00Z", summary=f"<p>{RAIN.paragraphs[0]} ...</p>"),
    ]
    server.routes["/atom.xml"] = respond(atom("الشرق الأوسط", entries), "application/atom+xml")
    serve_pages(server, AIN_ISSA, RAIN)

    result = read_feed(client, server.url("/atom.xml"), LIMITS)

    assert result.skipped == ()
    assert [(a.title, a.body) for a in result.articles] == [(AIN_ISSA.title, AIN_ISSA.body), (RAIN.title, RAIN.body)]
    assert [a.published for a in result.articles] == [dt.date(2020, 12, 20), dt.date(2020, 12, 21)]
    assert [a.url for a in result.articles] == [link(server, AIN_ISSA), link(server, RAIN)]
    assert {a.outlet for a in result.articles} == {"الشرق الأوسط"}
    assert server.paths() == ["/atom.xml", "/news/ain-issa.html", "/news/rain.html"]


def test_given_outlet_wins_and_without_page_fetching_the_teaser_is_the_article(
    server: TestServer, client: httpx.Client
) -> None:
    entry = atom_entry(AIN_ISSA, link(server, AIN_ISSA), "2020-12-20T09:30:00Z", summary=AIN_ISSA.paragraphs[0])
    server.routes["/atom.xml"] = respond(atom("الشرق الأوسط", [entry]), "application/atom+xml")

    result = read_feed(client, server.url("/atom.xml"), LIMITS, outlet="Asharq Al-Awsat", fetch_pages=False)

    (article,) = result.articles
    assert (article.title, article.body, article.outlet) == (AIN_ISSA.title, AIN_ISSA.paragraphs[0], "Asharq Al-Awsat")
    assert server.paths() == ["/atom.xml"]


@pytest.mark.parametrize(
    ("codec", "content_type", "meta"),
    [
        ("cp1256", "text/html; charset=windows-1256", None),  # declared in the header
        ("cp1256", "text/html", "windows-1256"),  # declared only in <meta>
        ("cp1256", "text/html", None),  # not declared at all
        ("iso8859-6", "text/html", None),
        ("utf-8", "text/html; charset=windows-1256", None),  # a wrong header
    ],
)
def test_pages_in_arabic_charsets_decode_exactly(
    server: TestServer, client: httpx.Client, codec: str, content_type: str, meta: str | None
) -> None:
    html = story_page(AIN_ISSA, meta_charset=meta).encode(codec, errors="xmlcharrefreplace")  # "©" as "&#169;"
    server.routes["/page.html"] = respond(html, content_type)

    article = read_page(client, server.url("/page.html"), LIMITS).article

    assert article.title == AIN_ISSA.title
    assert article.body == AIN_ISSA.body
    assert article.outlet == "سبوتنيك عربي"
    assert article.source == article.url == server.url("/page.html")


def test_feed_in_windows_1256_without_a_declaration_decodes(server: TestServer, client: httpx.Client) -> None:
    data = full_text_rss(server).decode().replace(' encoding="UTF-8"', "").encode("cp1256")
    server.routes["/rss.xml"] = respond(data, "application/rss+xml")

    result = read_feed(client, server.url("/rss.xml"), LIMITS)

    assert [(a.title, a.body) for a in result.articles] == [(s.title, s.body) for s in STORIES]
    assert {a.outlet for a in result.articles} == {"سبوتنيك عربي"}


def elapsed_error(call: Callable[..., object], *args: object, **kwargs: object) -> tuple[str, float]:
    """The message of the IngestError that ``call`` raises, and how long it took to come."""
    started = time.monotonic()
    with pytest.raises(IngestError) as caught:
        call(*args, **kwargs)
    return str(caught.value), time.monotonic() - started


def test_a_server_that_does_not_answer_times_out(server: TestServer) -> None:
    server.routes["/slow.xml"] = stall(30)
    limits = dataclasses.replace(LIMITS, read_timeout=0.2)
    with make_client(limits, policy(server)) as client:
        message, seconds = elapsed_error(read_feed, client, server.url("/slow.xml"), limits)
    assert message == "timed out after 0.2 s waiting for 127.0.0.1 to send data"
    assert seconds < 2


def test_a_body_that_drips_forever_is_cut_at_the_overall_deadline(server: TestServer) -> None:
    server.routes["/drip.html"] = endless(b"<p>", interval=0.05)  # each read is quick; the whole never ends
    limits = dataclasses.replace(LIMITS, read_timeout=1.0, total_timeout=0.5)
    with make_client(limits, policy(server)) as client:
        message, seconds = elapsed_error(read_page, client, server.url("/drip.html"), limits)
    assert message == "timed out after 0.5 s: the response was still arriving"
    assert seconds < 2


def test_an_endless_body_is_cut_at_the_size_cap(server: TestServer) -> None:
    server.routes["/endless.xml"] = endless(b"<item>" * 10_000)  # no Content-Length to go by
    limits = dataclasses.replace(LIMITS, max_bytes=200_000)
    with make_client(limits, policy(server)) as client:
        message, seconds = elapsed_error(read_feed, client, server.url("/endless.xml"), limits)
    assert message == "response larger than 0.2 MB"
    assert seconds < 2


def test_a_body_announced_too_big_is_refused(server: TestServer) -> None:
    server.routes["/big.html"] = respond(b"x" * 300_000, HTML)
    limits = dataclasses.replace(LIMITS, max_bytes=200_000)
    with make_client(limits, policy(server)) as client:
        message, _ = elapsed_error(read_page, client, server.url("/big.html"), limits)
    assert message == "response larger than 0.2 MB"


def test_a_redirect_loop_stops_at_the_limit(server: TestServer, client: httpx.Client) -> None:
    server.routes["/loop"] = redirect("/loop")
    message, _ = elapsed_error(read_feed, client, server.url("/loop"), LIMITS)
    assert message == "too many redirects (more than 5)"
    assert server.paths() == ["/loop"] * 6


def test_redirects_are_followed_and_the_final_url_kept(server: TestServer, client: httpx.Client) -> None:
    server.routes["/old/ain-issa"] = redirect("/news/ain-issa.html", status=301)
    serve_pages(server, AIN_ISSA)
    article = read_page(client, server.url("/old/ain-issa"), LIMITS).article
    assert (article.source, article.url) == (server.url("/old/ain-issa"), link(server, AIN_ISSA))


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (
            b'<?xml version="1.0"?>\n<rss version="2.0"><channel><title>\xd8\xa3\xd8\xae\xd8\xa8\xd8\xa7\xd8\xb1</titl',
            "not a valid RSS/Atom feed: unclosed token at line 2",
        ),
        (b"Service temporarily unavailable", "not a valid RSS/Atom feed: no RSS or Atom elements found"),
        (story_page(AIN_ISSA).encode(), "not a valid RSS/Atom feed: it is a web page"),
    ],
)
def test_what_is_not_a_feed_is_refused(server: TestServer, client: httpx.Client, body: bytes, reason: str) -> None:
    server.routes["/feed.xml"] = respond(body, RSS)
    message, _ = elapsed_error(read_feed, client, server.url("/feed.xml"), LIMITS)
    assert message == reason


def test_second_poll_of_an_unchanged_feed_gets_304_and_nothing(server: TestServer, client: httpx.Client) -> None:
    etag, modified = '"v1-feed"', "Mon, 21 Dec 2020 12:00:00 GMT"
    server.routes["/rss.xml"] = with_validators(full_text_rss(server), RSS, etag=etag, last_modified=modified)

    first = read_feed(client, server.url("/rss.xml"), LIMITS)
    assert len(first.articles) == 3
    assert first.conditional == Conditional(etag=etag, last_modified=modified)
    assert not first.not_modified

    second = read_feed(client, server.url("/rss.xml"), LIMITS, first.conditional)
    assert second.not_modified
    assert (second.articles, second.skipped) == ((), ())
    assert second.conditional == first.conditional
    sent = server.requests[-1].headers
    assert (sent["if-none-match"], sent["if-modified-since"]) == (etag, modified)


def test_a_server_that_ignores_conditionals_gives_the_same_articles_with_the_same_ids(
    server: TestServer, client: httpx.Client
) -> None:
    server.routes["/rss.xml"] = respond(full_text_rss(server), RSS, headers={"ETag": '"always-new"'})

    first = read_feed(client, server.url("/rss.xml"), LIMITS)
    second = read_feed(client, server.url("/rss.xml"), LIMITS, first.conditional)

    assert server.requests[-1].headers["if-none-match"] == '"always-new"'
    assert not second.not_modified
    assert [a.id for a in second.articles] == [a.id for a in first.articles]
    assert second.articles == first.articles


def test_failing_entries_are_skipped_and_reported_and_the_others_come_through(
    server: TestServer, client: httpx.Client
) -> None:
    missing = server.url("/news/missing.html")
    items = [
        rss_item(AIN_ISSA, link(server, AIN_ISSA)),
        rss_item(CENTRAL_BANK, missing, description=CENTRAL_BANK.paragraphs[0]),  # teaser; its page is gone
        "<item><title>بلا رابط ولا نص</title></item>",
        rss_item(RAIN, link(server, RAIN), description=RAIN.paragraphs[0]),  # teaser; its page is there
        rss_item(AIN_ISSA, server.url("/news/copy.html")),  # the same article again
    ]
    server.routes["/rss.xml"] = respond(rss("سبوتنيك عربي", items), RSS)
    serve_pages(server, RAIN)

    result = read_feed(client, server.url("/rss.xml"), LIMITS)

    assert [(a.title, a.body) for a in result.articles] == [(AIN_ISSA.title, AIN_ISSA.body), (RAIN.title, RAIN.body)]
    assert result.skipped == (
        SkippedItem(source=missing, reason="HTTP 404 Not Found"),
        SkippedItem(source=server.url("/rss.xml#3"), reason="no article text in the feed entry", kind="empty"),
        SkippedItem(
            source=server.url("/news/copy.html"), reason=f"same text as {link(server, AIN_ISSA)}", kind="duplicate"
        ),
    )


def test_an_entry_not_in_arabic_is_skipped_for_its_language_without_fetching_its_page(
    server: TestServer, client: httpx.Client
) -> None:
    english = Story("rates", "Central bank holds rates", ENGLISH_PARAGRAPHS, "Thu, 17 Dec 2020 18:00:00 +0200")
    items = [
        rss_item(english, link(server, english), description=english.paragraphs[0]),
        rss_item(RAIN, link(server, RAIN)),
    ]
    server.routes["/rss.xml"] = respond(rss("Mixed", items), RSS)

    result = read_feed(client, server.url("/rss.xml"), LIMITS)

    assert [a.title for a in result.articles] == [RAIN.title]
    assert result.skipped == (
        SkippedItem(source=link(server, english), reason="not Arabic (0% Arabic letters)", kind="language"),
    )
    assert server.paths() == ["/rss.xml"]


def test_an_english_page_is_refused_as_not_arabic(server: TestServer, client: httpx.Client) -> None:
    server.routes["/en.html"] = respond(page("Rates on hold", ENGLISH_PARAGRAPHS, lang="en").encode(), HTML)
    message, _ = elapsed_error(read_page, client, server.url("/en.html"), LIMITS)
    assert message == "not Arabic (0% Arabic letters)"


@pytest.mark.parametrize(
    ("path", "handler", "reason"),
    [
        ("/gone.html", None, "HTTP 404 Not Found"),
        ("/error.html", respond(b"oops", "text/plain", status=500), "HTTP 500 Internal Server Error"),
        ("/photo.png", respond(b"\x89PNG\r\n\x1a\n", "image/png"), "not a web page (image/png)"),
        ("/empty.html", respond(b"", HTML), "empty response"),
    ],
)
def test_page_errors_say_what_went_wrong(
    server: TestServer, client: httpx.Client, path: str, handler: Handler | None, reason: str
) -> None:
    if handler is not None:
        server.routes[path] = handler
    message, _ = elapsed_error(read_page, client, server.url(path), LIMITS)
    assert message == reason


def test_only_http_urls_are_fetched(client: httpx.Client) -> None:
    message, _ = elapsed_error(fetch, client, "file:///etc/passwd", LIMITS)
    assert message == "not an http(s) URL: file:///etc/passwd"


def test_a_refused_connection_is_reported() -> None:
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/feed.xml"
    with make_client(LIMITS, FetchPolicy.for_sources([url])) as client:
        message, _ = elapsed_error(fetch, client, url, LIMITS)
    assert message.startswith("cannot connect to 127.0.0.1: ")


def test_requests_name_the_program(server: TestServer, client: httpx.Client) -> None:
    serve_pages(server, AIN_ISSA)
    fetched = fetch(client, link(server, AIN_ISSA), LIMITS)
    assert (fetched.status, fetched.content_type, fetched.charset) == (200, "text/html", "utf-8")
    assert server.requests[0].headers["user-agent"] == LIMITS.user_agent
    assert LIMITS.user_agent.startswith("briefing/") and LIMITS.user_agent.endswith(" (+offline news briefing)")
