"""The attack on the daily job (issue 11), replayed and measured: how the cost of each
hostile input grows with its size, and the whole run under the worst of them.

    python benchmarks/attacks.py [--day ZIP] [--quick] [--json]

Part 1, growth: each hostile input is built at several sizes, doubling, and the pass it
attacks is timed on it (best of 2); the ratio of each time to the one before is printed.
A pass linear in its input gives about 2.0 per doubling, a quadratic one 4.0; a bounded
one (the input is refused or cut at a cap) stays near 1.0. Real text (the day's
SaudiNewsNet articles) is the filler wherever the attack needs articles.

Part 2, the whole job: ``briefing generate`` in a child process, on the seeds plus one
hostile source, served from 127.0.0.1 where it is a feed; its wall time, peak memory
(the child's ru_maxrss), exit code and the ``skipped`` entry it gave.

Nothing here needs the network; the test model (tests/data) translates.
"""

from __future__ import annotations

import argparse
import gzip
import io
import itertools
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

from isolation import data_missing, scratch_home

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DAY = REPO.parent / "shared" / "data" / "saudinewsnet" / "2015-07-21.zip"
TEST_PACKAGE = REPO / "tests" / "data" / "translate-ar_en-test.argosmodel"


def best_of(runs: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def growth(name: str, sizes: list[int], make: Callable[[int], Callable[[], object]]) -> dict[str, Any]:
    """Time ``make(size)()`` at each size; the ratio to the previous size's time."""
    rows = []
    for size in sizes:
        work = make(size)
        rows.append({"size": size, "seconds": round(best_of(2, work), 4)})
    for before, row in itertools.pairwise(rows):
        row["ratio"] = round(row["seconds"] / before["seconds"], 2) if before["seconds"] > 0 else None
    return {"attack": name, "rows": rows}


def real_articles(day: Path, count: int) -> list[dict[str, Any]]:
    with zipfile.ZipFile(day) as archive:
        records = json.loads(archive.read(archive.namelist()[0]))
    return [r for r in records if len(r.get("content") or "") > 1500][:count]


def zeros_gzipped(size: int) -> bytes:
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9) as handle:
        block = b"\0" * (1 << 22)
        for _ in range(max(size // len(block), 1)):
            handle.write(block)
    return out.getvalue()


# --- Part 1 ----------------------------------------------------------------------------


def part_one(work: Path, day: Path, quick: bool) -> list[dict[str, Any]]:
    from briefing.cluster import find_stories
    from briefing.ingest.fetch import FetchLimits, FetchPolicy, fetch, make_client
    from briefing.ingest.textfiles import article_from_text, read_folder

    base = real_articles(day, 40)
    text = base[0]["content"]
    words = text.split()
    results = []

    def folder_with(name: str, content: str) -> Callable[[], object]:
        folder = work / f"in-{name}-{len(content)}"
        folder.mkdir(exist_ok=True)
        (folder / "a.txt").write_text(content, encoding="utf-8")
        return lambda: read_folder(folder)

    # Up to 100,000 units: the largest text stays under the 1,000,000 characters one
    # article may have (beyond it a text is refused at once, which says nothing of growth).
    paragraph = "<p>قال المتحدث باسم الحكومة إن الوزارة ستعمل على تطوير المشاريع في المدينة خلال العام المقبل.</p>"

    def folder_with_page(name: str, body: str) -> Callable[[], object]:
        folder = work / f"page-{name}-{len(body)}"
        folder.mkdir(exist_ok=True)
        html = f"<html><head><title>خبر</title></head><body><article>{paragraph * 3}{body}</article></body></html>"
        (folder / "a.html").write_text(html, encoding="utf-8")
        return lambda: read_folder(folder)

    def folder_with_meta(toml: str) -> Callable[[], object]:
        folder = work / f"meta-{len(toml)}"
        folder.mkdir(exist_ok=True)
        (folder / "metadata.toml").write_text(toml, encoding="utf-8")
        (folder / "a.txt").write_text(f"{base[0]['title']}\n\n{text}", encoding="utf-8")

        def read() -> None:
            try:
                read_folder(folder)
            except Exception as exc:  # noqa: BLE001 - the refusal is the expected outcome
                assert "dotted parts" in str(exc), exc

        return read

    def folder_with_json(content: str) -> Callable[[], object]:
        folder = work / f"json-{len(content)}"
        folder.mkdir(exist_ok=True)
        (folder / "a.json").write_text(content, encoding="utf-8")
        return lambda: read_folder(folder)

    line_sizes = [25_000, 50_000, 100_000] if quick else [12_500, 25_000, 50_000, 100_000]
    results.append(growth("one-word lines in a .txt (read)", line_sizes,
                          lambda n: folder_with("lines", "عنوان\n\n" + "كلمة\n" * n)))
    results.append(growth("'د.' abbreviations on one line (read)", line_sizes,
                          lambda n: folder_with("dots", "عنوان\n\n" + "د. " * n)))
    results.append(growth("sentences on one line, no break (read)", line_sizes,
                          lambda n: folder_with("sentences", "عنوان\n\n" + " ".join(f"{words[i % len(words)]}." for i in range(n)))))
    results.append(growth("open quotes, never closed (read)", line_sizes,
                          lambda n: folder_with("quotes", "عنوان\n\n" + " ".join(f"«{words[i % len(words)]}." for i in range(n)))))

    def near_identical(n: int) -> Callable[[], object]:
        articles = [article_from_text(f"item{i}", f"{base[0]['title']}\n\n" + text.replace(words[40], f"{words[40]} {i}", 1))
                    for i in range(n)]
        return lambda: find_stories(articles)

    item_sizes = [1250, 2500, 5000] if quick else [1250, 2500, 5000, 10_000]
    results.append(growth("near-identical items, one word apart (group)", item_sizes, near_identical))

    def half_shared(n: int) -> Callable[[], object]:
        half = " ".join(words[: len(words) // 2])
        articles = [article_from_text(f"item{i}", f"عنوان {i}\n\n{half} " + " ".join(f"{w}{i}" for w in words[len(words) // 2 :]))
                    for i in range(n)]
        return lambda: find_stories(articles)

    results.append(growth("items sharing half their text (group)", item_sizes, half_shared))

    from briefing.translate.protect import load_glossary, protect

    glossary = load_glossary()
    results.append(growth("a sentence of N numbers (placeholders)", [10_000, 20_000, 40_000, 80_000],
                          lambda n: lambda: protect("قال " + "1 " * n, glossary)))
    results.append(growth("a run of N Latin letters (placeholders)", [25_000, 50_000, 100_000, 200_000],
                          lambda n: lambda: protect("قال " + "a" * n + " انتهى", glossary)))
    results.append(growth("one <p> with N attributes (page: tags cut)", [16_000, 33_000, 66_000],
                          lambda n: folder_with_page("attrs", "<p " + " ".join(f"a{i}=1" for i in range(n)) + ">نص</p>")))
    results.append(growth("N table cells (page: over 15,000 refused)", [5_000, 10_000, 14_000],
                          lambda n: folder_with_page("cells", "<table><tr>" + "<td>ر</td>" * n + "</tr></table>")))
    results.append(growth("a metadata.toml key of N dotted parts (refused)", [12_000, 24_000, 48_000],
                          lambda n: folder_with_meta(".".join(["a"] * n) + " = 1\n")))
    results.append(growth("a .json of N empty records (read, 200,000 at most)", [50_000, 100_000, 200_000],
                          lambda n: folder_with_json("[" + ",".join(["{}"] * n) + "]")))

    def deep_json(depth: int) -> Callable[[], object]:
        folder = work / f"in-deep-{depth}"
        folder.mkdir(exist_ok=True)
        (folder / "a.json").write_text("[" * depth + "]" * depth, encoding="utf-8")
        return lambda: read_folder(folder)

    results.append(growth("JSON nested N deep (read: refused)", [100_000, 200_000, 400_000], deep_json))

    # Compression bombs, fetched from a local server: the cut comes at the 5 MB cap.
    bombs: dict[str, bytes] = {}
    with serving(bombs) as url:
        def bomb(size: int) -> Callable[[], object]:
            bombs[f"/bomb-{size}"] = zeros_gzipped(size)
            limits = FetchLimits()

            def fetch_it() -> None:
                with make_client(limits, FetchPolicy.for_sources([url("/")])) as client:
                    try:
                        fetch(client, url(f"/bomb-{size}"), limits)
                    except Exception as exc:  # noqa: BLE001 - the refusal is the expected outcome
                        assert "larger than" in str(exc), exc

            return fetch_it

        results.append(growth("gzip body inflating to N bytes (fetch: cut at 5 MB)", [1 << 28, 1 << 29, 1 << 30], bomb))
    return results


# --- Part 2 ----------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    routes: ClassVar[dict[str, Any]] = {}

    def do_GET(self) -> None:
        route = self.routes.get(self.path)
        if route is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if callable(route):
            route(self)
            return
        body, headers = route if isinstance(route, tuple) else (route, {})
        self.send_response(200)
        self.send_header("Content-Type", headers.pop("Content-Type", "application/rss+xml"))
        self.send_header("Content-Length", str(len(body)))
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        try:
            self.wfile.write(body)
        except (ConnectionError, TimeoutError):
            pass

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serving(routes: dict[str, Any]) -> Iterator[Callable[[str], str]]:
    handler = type("Handler", (_Handler,), {"routes": routes})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield lambda path: f"http://127.0.0.1:{server.server_address[1]}{path}"
    finally:
        server.shutdown()
        server.server_close()


def generate(work: Path, config: str, date: str) -> dict[str, Any]:
    """``briefing generate --json`` in a child: wall time, peak memory, exit code, report."""
    folder = work / f"run-{date}"
    folder.mkdir()
    (folder / "briefing.toml").write_text(config, encoding="utf-8")
    out, err = folder / "stdout", folder / "stderr"
    started = time.perf_counter()
    with out.open("wb") as stdout, err.open("wb") as stderr:
        child = subprocess.Popen(
            [sys.executable, "-m", "briefing", "--config", str(folder / "briefing.toml"), "generate", "--date", date, "--json"],
            cwd=folder, stdout=stdout, stderr=stderr, env=os.environ.copy(),
        )
        # wait4, not wait: the peak memory of this child alone (ru_maxrss, KB on Linux).
        _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    text = out.read_text(encoding="utf-8")
    report = json.loads(text) if text.strip() else {}
    return {"seconds": round(seconds, 1), "peak_rss_mb": round(usage.ru_maxrss / 1024), "exit_code": child.returncode,
            "skipped": report.get("skipped", [])[:3], "published": report.get("articles_published"),
            "stderr": err.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-3:]}


def part_two(work: Path, day: Path) -> list[dict[str, Any]]:
    packages = work / "packages"
    env_config = f'[translate]\npackages_dir = "{packages}"\n[output]\ndir = "{work / "out"}"\n'
    subprocess.run([sys.executable, "-m", "briefing", "models", "install", str(TEST_PACKAGE)], check=True,
                   capture_output=True, env={**os.environ, "HOME": str(work)}, cwd=work)
    shutil.copytree(REPO / "seeds", work / "seeds")
    results = []
    base = real_articles(day, 1)[0]
    routes: dict[str, Any] = {}
    with serving(routes) as url:
        # a. A 7 KB feed that inflates to 4 GB through "gzip, gzip".
        inner = zeros_gzipped(1 << 32)
        bomb = gzip.compress(inner, compresslevel=9)
        routes["/bomb.xml"] = (bomb, {"Content-Encoding": "gzip, gzip"})
        results.append({"attack": f"feed of {len(bomb):,} bytes, 4 GB inflated (gzip, gzip)", **generate(work, (
            env_config + f'[store]\npath = "{work / "a.sqlite3"}"\n'
            f'[[sources]]\nfolder = "{work / "seeds"}"\n[[sources]]\nfeed = "{url("/bomb.xml")}"\n'), "2026-01-01")})

        # b. A server that sends its status line, then a header byte every 3 s.
        def drip(handler: BaseHTTPRequestHandler) -> None:
            handler.wfile.write(b"HTTP/1.1 200 OK\r\n")
            try:
                for _ in range(200):
                    handler.wfile.write(b"X")
                    handler.wfile.flush()
                    time.sleep(3)
            except (ConnectionError, TimeoutError):
                pass

        routes["/slow.xml"] = drip
        results.append({"attack": "headers a byte every 3 s (fetch.total_timeout = 20)", **generate(work, (
            env_config + f'[store]\npath = "{work / "b.sqlite3"}"\n[fetch]\ntotal_timeout = 20\n'
            f'[[sources]]\nfolder = "{work / "seeds"}"\n[[sources]]\nfeed = "{url("/slow.xml")}"\n'), "2026-01-02")})

    # c. 10,000 near-identical items, in one JSON file beside the seeds.
    inbox = work / "near"
    shutil.copytree(work / "seeds", inbox)
    words = base["content"].split()
    records = [{"url": f"http://example.org/{i}", "source": "spam", "title": base["title"],
                "content": base["content"].replace(words[40], f"{words[40]} {i}", 1)} for i in range(10_000)]
    (inbox / "items.json").write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    results.append({"attack": "10,000 near-identical items in a folder", **generate(work, (
        env_config + f'[store]\npath = "{work / "c.sqlite3"}"\n[input]\ndir = "{inbox}"\n'), "2026-01-03")})

    # d. 100,000 one-word lines, and a JSON record of a million.
    lines = work / "lines"
    shutil.copytree(work / "seeds", lines)
    (lines / "lines.txt").write_text("عنوان\n\n" + "كلمة\n" * 100_000, encoding="utf-8")
    (lines / "million.jsonl").write_text(json.dumps({"url": "http://x/1", "content": "كلمة\n" * 1_000_000}) + "\n")
    results.append({"attack": "100,000 one-word lines, and a record of 1,000,000", **generate(work, (
        env_config + f'[store]\npath = "{work / "d.sqlite3"}"\n[input]\ndir = "{lines}"\n'), "2026-01-04")})
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--day", type=Path, default=DEFAULT_DAY)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, no whole-job runs")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if data_missing(args.day):
        return 0
    with scratch_home() as work:
        # The whole job first: a child's ru_maxrss counts the pages it shares with this
        # process between fork and exec, so this process must still be small then.
        second = [] if args.quick else part_two(work, args.day)
        first = part_one(work, args.day, args.quick)
    if args.json:
        print(json.dumps({"growth": first, "whole_job": second}, ensure_ascii=False))
        return 0
    print("Growth: seconds at each size (best of 2), and the ratio to the size before it (linear ~2.0)")
    for result in first:
        cells = "  ".join(
            f"{row['size']:,}: {row['seconds']:.3f} s" + (f" (x{row['ratio']})" if row.get("ratio") else "") for row in result["rows"]
        )
        print(f"- {result['attack']}: {cells}")
    if second:
        print("\nWhole job (briefing generate on the seeds plus the hostile source):")
    for result in second:
        skipped = "; ".join(f"{s['kind']}: {s['reason']}" for s in result["skipped"]) or "none"
        print(f"- {result['attack']}: {result['seconds']} s, peak {result['peak_rss_mb']} MB, exit {result['exit_code']}, "
              f"published {result['published']}; skipped: {skipped}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
