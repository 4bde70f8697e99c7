"""Fail closed: nothing connects while the briefing is being made, and --offline polls nothing.

The live servers on 127.0.0.1 are the witnesses: they must see no request.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefing.config import Config, Source
from briefing.errors import OfflineError
from briefing.offline import allowing, no_network
from briefing.pipeline import run_briefing
from briefing.translate import ArgosModel, Decoded
from tests.httpserver import TestServer, respond, serve
from tests.test_ingest.news import AIN_ISSA, rss, rss_item

DAY = dt.date(2026, 11, 23)


@pytest.fixture
def server() -> Iterator[TestServer]:
    with serve({}) as running:
        yield running


class PhoningHome:
    """The real model, but its decode first tries to reach a server (as a model loader that
    reports usage would): handed in at the engine's seam."""

    def __init__(self, model: ArgosModel, url: str) -> None:
        self.model, self.url = model, url

    @property
    def name(self) -> str:
        return self.model.name

    @property
    def fingerprint(self) -> str:
        return self.model.fingerprint

    def decode(self, sentences: list[str], *, repetition_penalty: float = 1.0) -> list[Decoded]:
        urllib.request.urlopen(self.url, timeout=2)  # must never get there
        return self.model.decode(sentences, repetition_penalty=repetition_penalty)


def test_a_translation_clusters_address_is_the_one_let_through() -> None:
    """translate.cluster: the run talks to its scheduler (here a server at one port of
    127.0.0.1, ``offline.allowing``) and to no one else, not even that port by another name."""
    with serve({"/ok": respond(b"ok", "text/plain")}) as scheduler, serve({}) as witness:
        port = scheduler.server_address[1]
        with no_network(), allowing(lambda host, peer_port: host == "127.0.0.1" and peer_port == port):
            assert urllib.request.urlopen(scheduler.url("/ok"), timeout=5).read() == b"ok"
            for elsewhere in (witness.url("/"), f"http://localhost:{port}/ok"):
                with pytest.raises(OfflineError):
                    urllib.request.urlopen(elsewhere, timeout=5)
        with no_network(), pytest.raises(OfflineError):  # the cluster closed: its address is refused again
            urllib.request.urlopen(scheduler.url("/ok"), timeout=5)
        assert (scheduler.paths(), witness.paths()) == (["/ok"], [])


def test_a_connection_attempted_during_translation_fails_the_run_and_reaches_no_one(
    config: Config, model: ArgosModel, server: TestServer
) -> None:
    with pytest.raises(OfflineError, match=r"refused a network connection \(socket\.(getaddrinfo|connect)"):
        run_briefing(config, date=DAY, decoder=PhoningHome(model, server.url("/ping")))  # type: ignore[arg-type]
    assert server.requests == []
    assert not (config.out_dir / DAY.isoformat()).exists()


def test_a_renderer_fetching_an_image_inside_the_guard_reaches_no_one(server: TestServer) -> None:
    import weasyprint

    html = f'<p>x</p><img src="{server.url("/pixel.png")}">'
    with no_network():
        weasyprint.HTML(string=html).write_pdf()  # WeasyPrint's own fetcher: the guard stops it
    assert server.requests == []


def test_the_guard_is_off_outside_and_raises_in_every_thread_inside(server: TestServer) -> None:
    import threading

    server.routes["/ok"] = respond(b"ok", "text/plain")
    assert urllib.request.urlopen(server.url("/ok"), timeout=5).read() == b"ok"
    errors: list[BaseException] = []

    def attempt() -> None:
        try:
            urllib.request.urlopen(server.url("/ok"), timeout=5)
        except BaseException as exc:  # noqa: BLE001 - what the thread met is the point
            errors.append(exc)

    with no_network():
        thread = threading.Thread(target=attempt)
        thread.start()
        thread.join()
    assert len(errors) == 1 and isinstance(errors[0], OfflineError)
    assert server.paths() == ["/ok"]


def test_offline_polls_no_feed_and_says_so(config: Config, model: ArgosModel, server: TestServer) -> None:
    server.routes["/rss.xml"] = respond(rss("سبوتنيك عربي", [rss_item(AIN_ISSA, server.url("/a.html"))]), "application/rss+xml")
    feed = Source("feed", server.url("/rss.xml"))
    web = config.replace(sources=(Source("folder", str(config.input_dir)), feed))
    first = run_briefing(web, date=DAY, decoder=model)  # online: the feed's article is kept
    assert first.articles_published == 3 and not first.offline
    offline = run_briefing(web.replace(offline=True), date=DAY + dt.timedelta(days=1), decoder=model, choice=_all())
    assert offline.offline
    assert [(s.source, s.kind) for s in offline.skipped] == [(server.url("/rss.xml"), "offline")]
    assert offline.articles_published == 3  # the kept feed article joins all the same
    assert server.paths() == ["/rss.xml"]  # once, online


def _all():  # type: ignore[no-untyped-def]
    from briefing.pipeline import ArticleChoice

    return ArticleChoice(everything=True, force=True)


def test_the_offline_flag_and_its_report(tmp_path: Path, packages_dir: Path, server: TestServer) -> None:
    server.routes["/rss.xml"] = respond(rss("x", [rss_item(AIN_ISSA, server.url("/a.html"))]), "application/rss+xml")
    seeds = Path(__file__).resolve().parents[1] / "seeds"
    (tmp_path / "briefing.toml").write_text(
        f'[translate]\npackages_dir = "{packages_dir}"\n[store]\npath = "{tmp_path / "b.sqlite3"}"\n'
        f'[[sources]]\nfolder = "{seeds}"\n[[sources]]\nfeed = "{server.url("/rss.xml")}"\n',
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "briefing", "generate", "--offline", "--out", str(tmp_path / "out"), "--date",
         "2026-11-22", "--json"], cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["offline"] is True and report["articles_published"] == 2
    assert report["skipped"] == [{"source": server.url("/rss.xml"), "reason": "not polled: offline (--offline, fetch.offline)",
                                  "kind": "offline"}]
    assert server.requests == []
