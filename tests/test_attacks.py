"""The attack on the daily job, replayed: one test (or a few) per numbered break of issue 11.

Each builds its hostile input at test time, on a real HTTP server on 127.0.0.1, real
files and a real record, and asserts the bound (time or memory, generous: these are
regression tests, the growth with size is measured in benchmarks/attacks.py), the one
clear ``skipped`` entry or exit code, and that the rest of the run goes on. Break 4 (the
crash windows) is in tests/test_crash.py, break 9 (the configuration) in
tests/test_config.py.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import io
import json
import os
import subprocess
import sys
import time
import tracemalloc
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from briefing.config import Config, Source
from briefing.errors import IngestError, PackageInstallError
from briefing.ingest.fetch import BlockedError, FetchLimits, FetchPolicy, fetch, make_client
from briefing.ingest.textfiles import read_folder
from briefing.pipeline import run_briefing
from briefing.translate import install_from_file, list_installed_packages
from tests.conftest import SEEDS, TEST_PACKAGE
from tests.httpserver import TestServer, redirect, respond, serve, slow_headers
from tests.test_ingest.news import AIN_ISSA, CENTRAL_BANK, RAIN, rss, rss_item, story_page

RSS = "application/rss+xml; charset=utf-8"
HTML = "text/html; charset=utf-8"
DAY = dt.date(2026, 11, 23)
LIMITS = FetchLimits(connect_timeout=2.0, read_timeout=2.0, total_timeout=5.0)
SEED = (SEEDS / "000_95590521fceed790.txt").read_text(encoding="utf-8")


@pytest.fixture
def server() -> Iterator[TestServer]:
    with serve({}) as running:
        yield running


@pytest.fixture
def other_server() -> Iterator[TestServer]:
    """Another service on this machine (a database, an admin page): it must get no request."""
    with serve({}) as running:
        yield running


def web_config(config: Config, *sources: Source, **changes: object) -> Config:
    return config.replace(sources=sources, read_timeout=2.0, connect_timeout=2.0, **changes)


def feed_of(server: TestServer, *stories: object) -> bytes:
    return rss("سبوتنيك عربي", [rss_item(s, server.url(f"/news/{s.slug}.html")) for s in stories])  # type: ignore[attr-defined]


def gzipped(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9)


def zeros_gzipped(size: int) -> bytes:
    """gzip of ``size`` zero bytes, built a block at a time (about 1 KB per MB)."""
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9) as handle:
        block = b"\0" * (1 << 22)
        for _ in range(size // len(block)):
            handle.write(block)
    return out.getvalue()


# --- Break 1: compression bombs ------------------------------------------------------


def test_break_1_a_stacked_gzip_feed_is_refused_and_the_other_outlets_carry_on(
    config: Config, model: object, server: TestServer
) -> None:
    bomb = gzipped(zeros_gzipped(1 << 30))  # a few KB on the wire, 1 GB inflated twice over
    assert len(bomb) < 10_000
    server.routes["/bomb.xml"] = respond(bomb, RSS, headers={"Content-Encoding": "gzip, gzip"})
    server.routes["/rss.xml"] = respond(feed_of(server, AIN_ISSA), RSS)
    sources = (Source("feed", server.url("/bomb.xml"), "Bomb"), Source("feed", server.url("/rss.xml"), "Sputnik Arabic"))
    started = time.monotonic()
    report = run_briefing(web_config(config, *sources), date=DAY, decoder=model)  # type: ignore[arg-type]
    assert time.monotonic() - started < 30  # the briefing included; the bomb itself costs nothing
    assert [(s.source, s.reason, s.kind) for s in report.skipped] == [
        (server.url("/bomb.xml"), "stacked content encodings (gzip, gzip) refused: a sign of a compression bomb", "unreadable")
    ]
    assert report.articles_published == 1


@pytest.mark.parametrize("coding", ["gzip", "deflate"])
def test_break_1_a_bomb_in_one_encoding_is_cut_at_the_size_cap_in_bounded_memory(server: TestServer, coding: str) -> None:
    inflated = 1 << 30
    if coding == "gzip":
        body = zeros_gzipped(inflated)
    else:
        compressor = zlib.compressobj(9)
        body = b"".join(compressor.compress(b"\0" * (1 << 22)) for _ in range(inflated >> 22)) + compressor.flush()
    server.routes["/page.html"] = respond(body, HTML, headers={"Content-Encoding": coding})
    with make_client(LIMITS, FetchPolicy.for_sources([server.url("/")])) as client:
        tracemalloc.start()
        started = time.monotonic()
        with pytest.raises(IngestError, match=r"^response larger than 5 MB$"):
            fetch(client, server.url("/page.html"), LIMITS)
        seconds = time.monotonic() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert seconds < 5
    assert peak < 40_000_000  # the 5 MB cap, plus one chunk: not the gigabyte


def test_break_1_an_encoding_not_asked_for_is_refused(server: TestServer) -> None:
    server.routes["/page.html"] = respond(b"\x00" * 100, HTML, headers={"Content-Encoding": "br"})
    with (
        make_client(LIMITS, FetchPolicy.for_sources([server.url("/")])) as client,
        pytest.raises(IngestError, match="content encoding 'br' was not asked for"),
    ):
        fetch(client, server.url("/page.html"), LIMITS)


def test_break_1_a_gzip_page_is_read_whole(server: TestServer) -> None:
    page = story_page(AIN_ISSA).encode()
    server.routes["/page.html"] = respond(gzipped(page), HTML, headers={"Content-Encoding": "gzip"})
    with make_client(LIMITS, FetchPolicy.for_sources([server.url("/")])) as client:
        assert fetch(client, server.url("/page.html"), LIMITS).body == page


# --- Break 2: cost that grows with the square of the input ----------------------------


def test_break_2_a_text_of_100000_one_word_lines_is_read_in_under_2_s(tmp_path: Path) -> None:
    (tmp_path / "lines.txt").write_text("عنوان الخبر\n\n" + "كلمة\n" * 100_000, encoding="utf-8")
    started = time.monotonic()
    [article] = read_folder(tmp_path).articles
    assert time.monotonic() - started < 2  # 56 s before
    assert article.body.count("كلمة") == 100_000


def test_break_2_a_record_of_a_million_lines_is_one_skip_at_once(tmp_path: Path) -> None:
    record = {"url": "http://x/1", "title": "خبر", "content": "كلمة\n" * 1_000_000}
    (tmp_path / "day.jsonl").write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    started = time.monotonic()
    read = read_folder(tmp_path)
    assert time.monotonic() - started < 5  # did not finish in 709 s before
    assert [(s.source, s.reason) for s in read.skipped] == [
        ("http://x/1", "text longer than 1,000,000 characters; too long for one article")
    ]


def test_break_2_near_identical_items_are_grouped_with_work_linear_in_their_number(monkeypatch: pytest.MonkeyPatch) -> None:
    from briefing.cluster import copies, find_stories
    from briefing.ingest.textfiles import article_from_text

    compared = 0
    jaccard = copies._jaccard

    def counting(first: object, second: object) -> float:
        nonlocal compared
        compared += 1
        return jaccard(first, second)  # type: ignore[arg-type]

    monkeypatch.setattr(copies, "_jaccard", counting)
    count = 2_000
    articles = [article_from_text(f"item{i}", SEED.replace("الجيش", f"الجيش {i}", 1)) for i in range(count)]
    started = time.monotonic()
    [story] = find_stories(articles)
    assert time.monotonic() - started < 20  # 65 s and 614 MB before
    assert story.article_count == count  # one article, with every re-post as its copy
    assert compared < 2 * count  # each re-post compared about once, not with every other


# --- Break 3: JSON and TOML nested 100,000 deep -----------------------------------------

DEEP = "[" * 100_000 + "]" * 100_000


def test_break_3_a_deeply_nested_json_file_and_jsonl_line_are_skipped_and_the_rest_read(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(DEEP, encoding="utf-8")
    good = json.dumps({"url": "http://x/2", "title": "خبر", "content": "انسحبت القوات من المدينة."}, ensure_ascii=False)
    (tmp_path / "b.jsonl").write_text(DEEP + "\n" + good + "\n", encoding="utf-8")
    shutil_seed = SEEDS / "001_067d577040979a17.txt"
    (tmp_path / "c.txt").write_bytes(shutil_seed.read_bytes())
    read = read_folder(tmp_path)
    assert [a.source for a in read.articles] == ["http://x/2", str(tmp_path / "c.txt")]
    reason = "not valid JSON: nested too deeply (arrays or objects inside each other beyond the parser's limit)"
    assert [(s.source, s.reason) for s in read.skipped] == [(str(tmp_path / "a.json"), reason), (f"{tmp_path / 'b.jsonl'}#1", reason)]


def test_break_3_a_deeply_nested_metadata_file_leaves_its_folder_out_and_the_run_goes_on(
    config: Config, model: object, tmp_path: Path
) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "metadata.toml").write_text("x = " + "[" * 100_000, encoding="utf-8")
    (broken / "a.txt").write_text(SEED, encoding="utf-8")
    sources = (Source("folder", str(config.input_dir)), Source("folder", str(broken)))
    report = run_briefing(config.replace(sources=sources), date=DAY, decoder=model)  # type: ignore[arg-type]
    assert [(s.source, s.reason) for s in report.skipped] == [
        (str(broken), f"{broken / 'metadata.toml'}: cannot read it: not valid TOML: nested too deeply")
    ]
    assert report.articles_published == 2 and report.had_failures


def test_break_3_a_deeply_nested_config_is_exit_3_with_the_json_object(tmp_path: Path) -> None:
    (tmp_path / "briefing.toml").write_text("x = " + "[" * 100_000, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "briefing", "generate", "--date", "2026-11-22", "--json"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 3
    assert "not valid TOML: nested too deeply" in json.loads(result.stdout)["error"]
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


# --- Break 5: a stray byte in UTF-8 --------------------------------------------------


def test_break_5_utf8_with_one_stray_byte_is_utf8_repaired_and_reported_never_mojibake(
    config: Config, model: object
) -> None:
    path = config.input_dir / "000_95590521fceed790.txt"
    data = path.read_bytes()
    cut = data.index("الجيش".encode())
    path.write_bytes(data[:cut] + b"\xff" + data[cut:])
    report = run_briefing(config, date=DAY, decoder=model)  # type: ignore[arg-type]
    assert [(s.source, s.reason, s.kind) for s in report.skipped] == [
        (str(path), "UTF-8 with 1 invalid byte, replaced by U+FFFD", "repaired")
    ]
    assert not report.had_failures and report.articles_published == 2
    [article] = [a for a in read_folder(config.input_dir).articles if a.source == str(path)]
    from briefing.ingest.textfiles import article_from_text

    clean = article_from_text(str(path), SEED).body
    assert article.body == clean.replace("الجيش", "\ufffdالجيش", 1)  # one U+FFFD where the byte was, the rest exact
    assert report.markdown is not None
    markdown = report.markdown.read_text(encoding="utf-8")
    assert "ط³" not in markdown and "ط§" not in markdown  # none of UTF-8-read-as-Windows-1256's tell-tale pairs
    assert report.stories[0]["title_ar"] == "سباق تركي روسي لتحديد مصير عين عيسى وقسد أمام خيار وحيد"


# --- Break 6: a server that sends its headers a byte at a time -------------------------


def test_break_6_headers_sent_a_byte_at_a_time_are_cut_at_the_deadline(
    config: Config, model: object, server: TestServer
) -> None:
    server.routes["/slow.xml"] = slow_headers(0.2)  # each byte well within read_timeout
    server.routes["/rss.xml"] = respond(feed_of(server, RAIN), RSS)
    sources = (Source("feed", server.url("/slow.xml")), Source("feed", server.url("/rss.xml"), "Al Riyadh"))
    started = time.monotonic()
    report = run_briefing(web_config(config, *sources, total_timeout=1.5), date=DAY, decoder=model)  # type: ignore[arg-type]
    assert time.monotonic() - started < 30  # the slow server held the run for 304 s before
    assert [(s.source, s.reason) for s in report.skipped] == [
        (server.url("/slow.xml"), "timed out after 1.5 s: the response was still arriving")
    ]
    assert report.articles_published == 1


def test_break_6_the_deadline_holds_within_a_fraction_of_a_second(server: TestServer) -> None:
    server.routes["/slow.xml"] = slow_headers(0.1)
    limits = FetchLimits(connect_timeout=2.0, read_timeout=2.0, total_timeout=1.0)
    with make_client(limits, FetchPolicy.for_sources([server.url("/")])) as client:
        started = time.monotonic()
        with pytest.raises(IngestError, match="timed out after 1 s: the response was still arriving"):
            fetch(client, server.url("/slow.xml"), limits)
    assert 0.9 < time.monotonic() - started < 1.6


# --- Break 7: where a fetch may go -----------------------------------------------------


def teaser_feed(links: list[str]) -> bytes:
    """Items with a one-line teaser each, so each needs its page fetched."""
    items = [rss_item(CENTRAL_BANK, link, description="البنك المركزي يبقي أسعار الفائدة ...") for link in links]
    return rss("سبوتنيك عربي", items)


def test_break_7_teaser_links_elsewhere_on_this_machine_or_network_are_never_fetched(
    config: Config, model: object, server: TestServer, other_server: TestServer
) -> None:
    port = server.server_address[1]
    elsewhere = [
        other_server.url("/admin"),  # another port on 127.0.0.1
        f"http://localhost:{port}/news/central-bank.html",
        f"http://[::1]:{port}/news/central-bank.html",
        "http://169.254.169.254/latest/meta-data/",  # a cloud metadata service
        "http://10.0.0.1:6379/",  # a private network's Redis
        "http://example.org/news/1.html",  # another site on the internet
    ]
    server.routes["/rss.xml"] = respond(teaser_feed(elsewhere), RSS)
    report = run_briefing(web_config(config, Source("feed", server.url("/rss.xml"))), date=DAY, decoder=model)  # type: ignore[arg-type]
    assert [(s.source, s.kind) for s in report.skipped] == [(link, "blocked") for link in elsewhere]
    assert report.skipped[0].reason == "refused to connect to 127.0.0.1 at 127.0.0.1 (loopback address): " \
        "only a configured source may be at such an address"
    assert report.skipped[1].reason == "localhost is not the site of a configured source; add it to fetch.allow_hosts to read from it"
    assert other_server.requests == []
    assert server.paths() == ["/rss.xml"]
    assert not report.had_failures  # refusing a link is not a failure of the source


def test_break_7_an_allowed_host_is_still_held_to_public_addresses(server: TestServer, other_server: TestServer) -> None:
    policy = FetchPolicy.for_sources([server.url("/rss.xml")], allow_hosts=["localhost"])
    with (
        make_client(LIMITS, policy) as client,
        pytest.raises(BlockedError, match=r"refused to connect to localhost at (127\.0\.0\.1|::1) \(loopback address\)"),
    ):
        fetch(client, f"http://localhost:{other_server.server_address[1]}/admin", LIMITS)
    assert other_server.requests == []


def test_break_7_dns_rebinding_cannot_turn_a_public_source_into_a_local_one(other_server: TestServer) -> None:
    """The resolver is handed in: no DNS server can be made to rebind here. It answers a
    public address when the run starts, then 127.0.0.1 (where a local service listens)."""
    import ipaddress

    answers = iter([ipaddress.ip_address("93.184.216.34")])

    def rebinding(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
        return [next(answers, ipaddress.ip_address("127.0.0.1"))]

    port = other_server.server_address[1]
    policy = FetchPolicy.for_sources([f"http://news.example:{port}/rss.xml"], resolve=rebinding)
    with (
        make_client(LIMITS, policy) as client,
        pytest.raises(BlockedError, match=r"refused to connect to news.example at 127\.0\.0\.1 \(loopback address\)"),
    ):
        fetch(client, f"http://news.example:{port}/rss.xml", LIMITS)
    assert other_server.requests == []


@pytest.mark.parametrize(
    ("location", "reason"),
    [
        ("OTHER/admin", "refused to connect to 127.0.0.1 at 127.0.0.1 (loopback address)"),
        ("http://localhost:PORT/news/rain.html", "localhost is not the site of a configured source"),
        ("file:///etc/passwd", "not an http(s) URL"),
    ],
)
def test_break_7_redirects_to_other_hosts_are_not_followed(
    server: TestServer, other_server: TestServer, location: str, reason: str
) -> None:
    target = location.replace("OTHER", other_server.url("")).replace("PORT", str(server.server_address[1]))
    server.routes["/go"] = redirect(target)
    with make_client(LIMITS, FetchPolicy.for_sources([server.url("/")])) as client, pytest.raises(BlockedError) as caught:
        fetch(client, server.url("/go"), LIMITS)
    assert str(caught.value).startswith(f"redirected to {target}, not followed: {reason}")
    assert other_server.requests == []


def test_break_7_redirect_bodies_are_not_read(server: TestServer) -> None:
    body = zeros_gzipped(1 << 28)

    def bomb_redirect(handler: object) -> None:
        handler.send_response(302)  # type: ignore[attr-defined]
        handler.send_header("Location", "/news/rain.html")  # type: ignore[attr-defined]
        handler.send_header("Content-Encoding", "gzip")  # type: ignore[attr-defined]
        handler.send_header("Content-Length", str(len(body)))  # type: ignore[attr-defined]
        handler.end_headers()  # type: ignore[attr-defined]
        handler.wfile.write(body)  # type: ignore[attr-defined]

    server.routes["/go"] = bomb_redirect
    server.routes["/news/rain.html"] = respond(story_page(RAIN).encode(), HTML)
    with make_client(LIMITS, FetchPolicy.for_sources([server.url("/")])) as client:
        tracemalloc.start()
        fetched = fetch(client, server.url("/go"), LIMITS)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert fetched.url == server.url("/news/rain.html")
    assert peak < 20_000_000


def test_break_7_ten_thousand_teasers_cost_at_most_max_items_requests_a_run_and_none_twice(
    config: Config, model: object, server: TestServer
) -> None:
    links = [server.url(f"/news/{n}.html") for n in range(10_000)]  # all 404: each a failed item
    server.routes["/rss.xml"] = respond(teaser_feed(links), RSS)
    web = web_config(config, Source("feed", server.url("/rss.xml")), max_items=200)

    pages_per_run = []
    for day in range(5):
        before = len(server.paths())
        report = run_briefing(web, date=DAY + dt.timedelta(days=day), decoder=model)  # type: ignore[arg-type]
        pages_per_run.append(len(server.paths()) - before - 1)  # less the feed itself
        assert report.skipped[-1].kind == "deferred"
    assert pages_per_run == [200] * 5
    fetched = [p for p in server.paths() if p != "/rss.xml"]
    assert len(set(fetched)) == 1000  # each run took the next 200: none was asked for twice


def test_break_7_a_failed_item_is_retried_a_few_times_if_it_may_pass_then_left(
    config: Config, model: object, server: TestServer
) -> None:
    links = [server.url("/news/busy.html"), server.url("/news/gone.html")]
    server.routes["/rss.xml"] = respond(teaser_feed(links), RSS)
    server.routes["/news/busy.html"] = respond(b"try later", "text/plain", status=503)
    web = web_config(config, Source("feed", server.url("/rss.xml")))
    for day in range(5):
        run_briefing(web, date=DAY + dt.timedelta(days=day), decoder=model)  # type: ignore[arg-type]
    assert server.paths().count("/news/busy.html") == 3  # MAX_ITEM_ATTEMPTS
    assert server.paths().count("/news/gone.html") == 1  # a 404 is final
    assert server.paths().count("/rss.xml") == 5


# --- Break 8: model packages -----------------------------------------------------------


def package_with(path: Path, folder: str, metadata: dict[str, object], extra: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{folder}/metadata.json", json.dumps(metadata))
        archive.writestr(f"{folder}/model/model.bin", b"not a real model")
        archive.writestr(f"{folder}/sentencepiece.model", b"")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return path


def tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(folder)).encode() + path.read_bytes())
    return digest.hexdigest()


def test_break_8_a_metadata_bomb_is_refused_before_anything_is_extracted(tmp_path: Path) -> None:
    archive = tmp_path / "bomb.argosmodel"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        with zf.open("translate-xx_en/metadata.json", "w") as handle:
            handle.write(b'{"from_code": "xx", "to_code": "en", "pad": "')
            for _ in range(300):
                handle.write(b" " * (1 << 20))  # 300 MB inflated, a few hundred KB in the zip
            handle.write(b'"}')
        zf.writestr("translate-xx_en/model/model.bin", b"x")
    assert archive.stat().st_size < 2_000_000
    started = time.monotonic()
    with pytest.raises(PackageInstallError, match="metadata.json is larger than 1000000 bytes"):
        install_from_file(tmp_path / "pkgs", archive)
    assert time.monotonic() - started < 2  # 72 s and 6.4 GB before
    assert list_installed_packages(tmp_path / "pkgs") == []


def test_break_8_a_package_cannot_write_into_another_packages_folder(tmp_path: Path) -> None:
    packages = tmp_path / "pkgs"
    install_from_file(packages, TEST_PACKAGE)
    before = tree_digest(packages / "translate-ar_en-test")
    # A fr->en package smuggling a model into the installed ar->en package...
    smuggler = package_with(
        tmp_path / "fr.argosmodel", "translate-fr_en", {"from_code": "fr", "to_code": "en", "package_version": "1"},
        extra={"translate-ar_en-test/model/model.bin": b"evil", "elsewhere/x": b"y"},
    )
    install_from_file(packages, smuggler)
    assert tree_digest(packages / "translate-ar_en-test") == before
    assert sorted(p.name for p in packages.iterdir()) == ["translate-ar_en-test", "translate-fr_en"]  # no "elsewhere"
    # ... and one that names its own folder after it.
    usurper = package_with(tmp_path / "fr2.argosmodel", "translate-ar_en-test", {"from_code": "fr", "to_code": "en"})
    with pytest.raises(PackageInstallError, match="holds another installed package \\(ar->en\\)"):
        install_from_file(packages, usurper)
    assert tree_digest(packages / "translate-ar_en-test") == before


def test_break_8_a_member_larger_than_the_package_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from briefing.translate import packages

    monkeypatch.setattr(packages, "MAX_PACKAGE_BYTES", 1000)  # the check, on a small package
    archive = package_with(tmp_path / "big.argosmodel", "translate-xx_en", {"from_code": "xx", "to_code": "en"},
                           extra={"translate-xx_en/model/weights": b"\0" * 5000})
    with pytest.raises(PackageInstallError, match="inflates to 0.0 GB, more than 1e-06 GB"):
        install_from_file(tmp_path / "pkgs", archive)


def test_break_8_an_install_that_runs_out_of_disk_leaves_nothing_listed(tmp_path: Path) -> None:
    mount = tmp_path / "small"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=300k", "tmpfs", str(mount)], capture_output=True, check=False)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs ({made.stderr.decode().strip() or 'not root'})")
    try:
        with pytest.raises(PackageInstallError, match="cannot install it into .*: No space left on device"):
            install_from_file(mount / "pkgs", TEST_PACKAGE)  # 0.6 MB into 300 KB
        assert list_installed_packages(mount / "pkgs") == []
        assert list((mount / "pkgs").iterdir()) == []  # the half-extracted copy is gone too
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


# --- Break 10: reporting -------------------------------------------------------------


def run_cli(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "briefing", *map(str, args)], cwd=cwd, capture_output=True, text=True,
        timeout=300, check=False, env=os.environ.copy(),
    )


def write_config(folder: Path, packages_dir: Path) -> None:
    (folder / "briefing.toml").write_text(
        f'[translate]\npackages_dir = "{packages_dir}"\n[store]\npath = "{folder / "briefing.sqlite3"}"\n', encoding="utf-8"
    )


def test_break_10_empty_records_are_not_a_failure_and_stderr_has_one_line_per_kind(tmp_path: Path, packages_dir: Path) -> None:
    write_config(tmp_path, packages_dir)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    records = [{"url": f"http://x/{n}", "title": "عنوان", "content": ""} for n in range(84)]
    records.append({"url": "http://x/real", "title": "خبر", "content": SEED})
    records += [{"url": f"http://x/copy{n}", "title": "خبر", "content": SEED} for n in range(3)]
    (inbox / "2015-07-21.json").write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")

    result = run_cli("generate", "--input", inbox, "--out", tmp_path / "out", "--date", "2015-07-21", cwd=tmp_path)
    assert result.returncode == 0, result.stderr  # every source was read: exit 0 (was 1)
    assert result.stderr.strip().splitlines() == [
        "skipped 84 empty (nothing to read): http://x/0: empty content; 83 more with -v",
        "skipped 3 duplicates (kept once): http://x/copy0: same text as http://x/real; 2 more with -v",
    ]
    verbose = run_cli("-v", "generate", "--input", inbox, "--out", tmp_path / "out2", "--date", "2015-07-22", "--all",
                      cwd=tmp_path)
    listed = [line for line in verbose.stderr.splitlines() if line.startswith("  skipped http://x/")]
    assert len(listed) == 83 + 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["generate", "--date", "22/11/2026", "--json"], "'22/11/2026' is not a date like 2026-11-22"),
        (["generate", "--json", "--colour"], "No such option '--colour'"),
        (["generate", "--json", "--all", "--since", "2026-11-01"], "--all and --since cannot be used together"),
    ],
)
def test_break_10_usage_errors_print_the_json_error_object_too(tmp_path: Path, args: list[str], message: str) -> None:
    result = run_cli(*args, cwd=tmp_path)
    assert result.returncode == 2
    report = json.loads(result.stdout)
    assert report["exit_code"] == 2 and report["outputs"] is None and message in report["error"]
    assert report["date"] == ("22/11/2026" if "22/11/2026" in args else None)


def test_break_10_an_internal_error_is_one_line_and_the_json_object_and_the_traceback_goes_to_the_log_at_v(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A bug cannot be made to happen for real on purpose: the run is replaced by one that
    raises, at the seam the command calls."""
    from briefing import cli, pipeline

    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(pipeline, "run_briefing", broken)
    monkeypatch.chdir(tmp_path)
    for verbose in ([], ["-v"]):
        with pytest.raises(SystemExit) as exited:
            cli.main([*verbose, "generate", "--date", "2026-11-22", "--json"])
        assert exited.value.code == 5
        captured = capsys.readouterr()
        assert json.loads(captured.out) == {
            "date": "2026-11-22",
            "error": "ZeroDivisionError: division by zero" + ("" if verbose else " (run with -v for the traceback)"),
            "exit_code": 5,
            "outputs": None,
        }
        lines = captured.err.strip().splitlines()
        if verbose:
            assert "Traceback (most recent call last):" in captured.err
        else:
            assert lines == ["briefing: internal error: ZeroDivisionError: division by zero (run with -v for the traceback)"]


def test_break_7_a_link_is_fetched_only_on_a_configured_site_or_an_allowed_host(config: Config, server: TestServer) -> None:
    """Items of one configured feed may link to another configured source's site."""
    policy = FetchPolicy.for_sources([server.url("/rss.xml"), "https://www.spa.gov.sa/rss"], allow_hosts=["cdn.example"])
    for url in ("https://spa.gov.sa/x", "https://www.spa.gov.sa/x", "https://en.spa.gov.sa/x", "https://img.cdn.example/a.html", server.url("/a")):
        policy.check_url(url)
    for url in ("https://gov.sa/x", "https://evil.example/x", "https://spa.gov.sa.evil.example/x"):
        with pytest.raises(BlockedError):
            policy.check_url(url)
    assert isinstance(httpx.URL(server.url("/")).port, int)


# --- Found by the review of the fixes above --------------------------------------------


def test_break_7_a_feed_on_an_arabic_domain_reads_its_own_items() -> None:
    """httpx sends an IDN host in its xn-- form; the policy compares hosts in that form too."""
    policy = FetchPolicy.for_sources(["https://أخبار.مصر/rss"], allow_hosts=["صحيفة.السعودية"], resolve=lambda h, p: [])
    policy.check_url("https://xn--igbicxr.xn--wgbh1c/news/1.html")
    policy.check_url(str(httpx.URL("https://أخبار.مصر/news/1.html")))
    policy.check_url(str(httpx.URL("https://www.صحيفة.السعودية/a")))
    with pytest.raises(BlockedError):
        policy.check_url("https://xn--mgbh0fb.xn--wgbh1c/")  # another Egyptian site


def test_break_7_a_refused_link_is_taken_once_its_host_is_allowed(
    config: Config, model: object, server: TestServer
) -> None:
    port = server.server_address[1]
    link = f"http://localhost:{port}/news/central-bank.html"
    server.routes["/rss.xml"] = respond(teaser_feed([link]), RSS, headers={"ETag": '"v1"'})
    server.routes["/news/central-bank.html"] = respond(story_page(CENTRAL_BANK).encode(), HTML)
    feed = Source("feed", server.url("/rss.xml"))
    first = run_briefing(web_config(config, feed), date=DAY, decoder=model)  # type: ignore[arg-type]
    assert [s.kind for s in first.skipped] == ["blocked"] and first.articles_published == 0
    # localhost is where this test's server is; allowing it lets the page through the host
    # rule, and the configured source is on that address and port, so the address rule too.
    allowed = web_config(config, feed, allow_hosts=("localhost",))
    second = run_briefing(allowed, date=DAY + dt.timedelta(days=1), decoder=model)  # type: ignore[arg-type]
    assert second.articles_published == 1
    assert server.requests[1].headers.get("if-none-match") is None  # the whole feed was asked for again


def test_break_7_a_stalled_site_costs_three_deadlines_a_poll_not_one_per_item(
    config: Config, model: object, server: TestServer
) -> None:
    from tests.httpserver import stall

    links = [server.url(f"/news/{n}.html") for n in range(8)]
    server.routes["/rss.xml"] = respond(teaser_feed(links), RSS)
    for n in range(8):
        server.routes[f"/news/{n}.html"] = stall(30)
    web = web_config(config, Source("feed", server.url("/rss.xml")), total_timeout=0.5)
    started = time.monotonic()
    report = run_briefing(web, date=DAY, decoder=model)  # type: ignore[arg-type]
    assert time.monotonic() - started < 10
    assert [p for p in server.paths() if p != "/rss.xml"] == ["/news/0.html", "/news/1.html", "/news/2.html"]
    assert report.skipped[-1].kind == "deferred" and report.skipped[-1].reason.startswith("5 more new items wait")


def test_break_7_a_source_on_the_local_network_may_move_to_https_but_not_to_other_ports() -> None:
    import ipaddress

    here = ipaddress.ip_address("10.0.0.5")
    policy = FetchPolicy.for_sources(["http://intranet.example/rss"], resolve=lambda host, port: [here])
    policy.check_address("intranet.example", here, 80)
    policy.check_address("intranet.example", here, 443)
    with pytest.raises(BlockedError, match="private address"):
        policy.check_address("intranet.example", here, 6379)


def test_break_8_an_upgrade_killed_between_its_renames_gives_the_old_version_back(tmp_path: Path) -> None:
    """The state a kill leaves after the old version was set aside and before the new one
    was put in its place: the next install (of anything) puts the old one back."""
    from briefing.translate import packages

    pkgs = tmp_path / "pkgs"
    install_from_file(pkgs, TEST_PACKAGE)
    before = tree_digest(pkgs / "translate-ar_en-test")
    staging = pkgs / ".installing-0123456789ab"
    staging.mkdir()
    (pkgs / "translate-ar_en-test").rename(staging / "translate-ar_en-test.previous")
    assert list_installed_packages(pkgs) == []
    other = package_with(tmp_path / "xx.argosmodel", "translate-xx_en", {"from_code": "xx", "to_code": "en"})
    install_from_file(pkgs, other)
    assert tree_digest(pkgs / "translate-ar_en-test") == before
    assert sorted(p.name for p in pkgs.iterdir()) == ["translate-ar_en-test", "translate-xx_en"]
    assert [p.name for p in packages.list_installed_packages(pkgs)] == ["translate-ar_en-test", "translate-xx_en"]


@pytest.mark.parametrize("url", ["https://example.com:99999/rss", "http://[::1/rss", "http://example.com:0/rss"])
def test_break_9_a_source_url_with_a_bad_port_or_brackets_is_a_configuration_error(url: str) -> None:
    from briefing.errors import ConfigError

    with pytest.raises(ConfigError, match=r"sources\[1\]\.feed: .* is not an http\(s\) URL"):
        Config().replace(sources=(Source("feed", url),))


def test_break_7_a_feed_of_pages_each_just_inside_the_deadline_stops_at_its_time_budget(
    config: Config, model: object, server: TestServer
) -> None:
    """Each page answers just before the deadline: none times out, so only the feed's own
    time budget (fetch.feed_budget) bounds the poll."""
    from tests.httpserver import send

    def slow_page(handler: object) -> None:
        handler.server.stopping.wait(0.4)  # type: ignore[attr-defined]
        send(handler, story_page(CENTRAL_BANK).encode(), HTML)  # type: ignore[arg-type]

    links = [server.url(f"/news/{n}.html") for n in range(20)]
    server.routes["/rss.xml"] = respond(teaser_feed(links), RSS)
    for n in range(20):
        server.routes[f"/news/{n}.html"] = slow_page
    web = web_config(config, Source("feed", server.url("/rss.xml")), total_timeout=1.0, feed_budget=1.0)
    started = time.monotonic()
    report = run_briefing(web, date=DAY, decoder=model)  # type: ignore[arg-type]
    assert time.monotonic() - started < 20  # 20 pages x 0.4 s would be 8 s of fetching alone
    pages = [p for p in server.paths() if p != "/rss.xml"]
    assert 2 <= len(pages) <= 4
    [deferred] = [s for s in report.skipped if s.kind == "deferred"]
    assert deferred.reason == f"{20 - len(pages)} more new items wait for the next run (the feed's poll took its fetch.feed_budget of 1 s)"


def test_break_10_a_stdout_that_cannot_be_written_is_one_line_and_exit_5(tmp_path: Path, packages_dir: Path) -> None:
    write_config(tmp_path, packages_dir)
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "briefing", "generate", "--input", str(SEEDS), "--out", str(tmp_path / "out"),
             "--date", "2026-11-22", "--json"],
            cwd=tmp_path, stdout=full, stderr=subprocess.PIPE, text=True, timeout=300, check=False,
        )
    assert result.returncode == 5
    assert result.stderr.strip().splitlines() == ["briefing: error: cannot write to standard output: No space left on device"]


def test_break_8_an_older_version_does_not_replace_the_installed_one(tmp_path: Path) -> None:
    packages = tmp_path / "pkgs"
    newer = package_with(tmp_path / "v2.argosmodel", "translate-xx_en", {"from_code": "xx", "to_code": "en", "package_version": "2.0"})
    older = package_with(tmp_path / "v1.argosmodel", "translate-xx_en", {"from_code": "xx", "to_code": "en", "package_version": "0.0.1"})
    install_from_file(packages, newer)
    with pytest.raises(PackageInstallError, match="version 0.0.1 is older than the installed 2.0"):
        install_from_file(packages, older)
    assert [p.version for p in list_installed_packages(packages)] == ["2.0"]


# --- The second attack (on the fixes above) ---------------------------------------------


def test_break_3_a_metadata_toml_of_long_dotted_keys_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    """tomllib's memory grows with the square of a dotted key's parts (96 KB took 9 GB)."""
    (tmp_path / "metadata.toml").write_text(".".join(["a"] * 48_000) + " = 1\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text(SEED, encoding="utf-8")
    tracemalloc.start()
    with pytest.raises(IngestError, match="keys with more than 100 dotted parts"):
        read_folder(tmp_path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 50_000_000


def test_break_2_a_sentence_of_numbers_or_a_latin_run_is_protected_in_linear_time() -> None:
    from briefing.translate.protect import load_glossary, protect

    glossary = load_glossary()
    for sentence in ("قال " + "1 " * 80_000, "قال " + "a" * 100_000 + " انتهى", "قال " + "a." * 50_000 + "@"):
        started = time.monotonic()
        protect(sentence, glossary)
        assert time.monotonic() - started < 3, sentence[:20]  # 2 minutes and 48 s before


def test_break_1_an_entry_that_opens_a_comment_is_parsed_in_linear_time(server: TestServer) -> None:
    import html

    from briefing.ingest.web import read_feed

    item = (f"<item><title>{html.escape(AIN_ISSA.title)}</title><link>{server.url('/a.html')}</link>"
            f"<description>{html.escape('<!--' + '-' * 400_000)}</description></item>")
    server.routes["/rss.xml"] = respond(rss("سبوتنيك عربي", [item]), RSS)
    with make_client(LIMITS, FetchPolicy.for_sources([server.url("/")])) as client:
        started = time.monotonic()
        read_feed(client, server.url("/rss.xml"), LIMITS, fetch_pages=False)
    assert time.monotonic() - started < 5  # 57-104 s before


@pytest.mark.parametrize(
    ("body", "refused"),
    [
        ("<p " + " ".join(f"a{i}=1" for i in range(66_000)) + ">نص</p>", False),  # 123 s before
        ("<table><tr>" + "<td>ر</td>" * 40_000 + "</tr></table>", True),  # 9 s before, 4.5 times more per doubling
        ("<h2>عنوان</h2>" * 26_000, True),
    ],
)
def test_break_6_hostile_page_shapes_cost_a_bounded_time(tmp_path: Path, body: str, refused: bool) -> None:
    paragraph = "<p>قال المتحدث باسم الحكومة إن الوزارة ستعمل على تطوير المشاريع في المدينة خلال العام المقبل.</p>"
    page_html = f"<html><head><title>خبر عن الحكومة</title></head><body><article>{paragraph * 3}{body}</article></body></html>"
    (tmp_path / "page.html").write_text(page_html, encoding="utf-8")
    started = time.monotonic()
    read = read_folder(tmp_path)
    assert time.monotonic() - started < 5
    assert [s.reason.startswith("page too complex to read") for s in read.skipped] == ([True] if refused else [])


def test_break_7_a_json_file_of_a_million_empty_records_is_read_in_bounded_memory_and_report(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text("[" + ",".join(["{}"] * 1_000_000) + "]", encoding="utf-8")
    tracemalloc.start()
    read = read_folder(tmp_path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 100_000_000  # 2.9 GB for a third of it before
    assert len(read.skipped) == 1_002  # 1,000 listed, the rest counted, and the cut at 200,000 records
    assert read.skipped[-1].reason.startswith("199,000 more records left out, like")
