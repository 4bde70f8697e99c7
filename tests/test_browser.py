"""The HTML briefing in a real browser: Debian's Chromium, headless, driven by Selenium.

What a reader of ``OUT/DATE/briefing-DATE.html`` sees: a page that is not blank on a phone
(360 px) or a desktop (1280 px), Arabic set right to left in an English page, each key
point's English beside its Arabic on a wide screen and above or below it on a phone, and
a page that prints. And what it must never do: load anything. A hostile article (markup
in its title pointing at a live server on 127.0.0.1, and a source URL on that server) is
briefed for real and opened; the server must see no connection at all. A control opens
the same page with the markup let through unescaped, with and without the page's
Content-Security-Policy: with it, still nothing; without it, the server is hit, which
shows the trap would catch a leak.

The browser is /usr/bin/chromium with /usr/bin/chromedriver (``apt-get install chromium
chromium-driver``; scripts/test.sh does it); Selenium Manager is never run, so nothing is
downloaded. The tests skip, saying why, only when one of those or selenium is missing.
Set BRIEFING_BROWSER_SHOTS to a folder to keep the screenshots.
"""

from __future__ import annotations

import base64
import datetime as dt
import http.server
import io
import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest
from markupsafe import escape

from briefing.config import Config
from briefing.pipeline import run_briefing
from briefing.render.html import WEB_HEAD
from briefing.types import RunReport
from tests.conftest import SEEDS

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
DAY = dt.date(2026, 11, 22)
PHONE, DESKTOP = 360, 1280
# How long a page is given to make any request it would make (each is to 127.0.0.1).
SETTLE_SECONDS = 1.5
CSP_META = WEB_HEAD.splitlines()[1]
assert CSP_META.startswith('<meta http-equiv="Content-Security-Policy"')

# The paths the hostile markup asks for, one per way a page loads something.
TRAP_PATHS = ("/img", "/css", "/import", "/script", "/bg", "/frame")
LINK_PATH = "/article-link"


# --- A server that records every connection and request -------------------------------


class TrapServer(http.server.ThreadingHTTPServer):
    """An HTTP server on 127.0.0.1 that records every connection made to it and every request
    path, whatever the method: a preconnect that sends nothing counts too."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _TrapHandler)
        self.lock = threading.Lock()
        self.connections = 0
        self.paths: list[str] = []

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def verify_request(self, request: Any, client_address: Any) -> bool:
        with self.lock:
            self.connections += 1
        return True

    def reset(self) -> None:
        with self.lock:
            self.connections = 0
            self.paths.clear()

    def seen(self) -> tuple[int, list[str]]:
        with self.lock:
            return self.connections, list(self.paths)


class _TrapHandler(http.server.BaseHTTPRequestHandler):
    server: TrapServer

    def _answer(self) -> None:
        with self.server.lock:
            self.server.paths.append(urlsplit(self.path).path)
        body = b"/* trap */"
        self.send_response(200)
        self.send_header("Content-Type", "text/css" if self.path.endswith(("css", "import")) else "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_HEAD = do_POST = do_OPTIONS = _answer

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def trap() -> Iterator[TrapServer]:
    server = TrapServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


# --- Briefings, made for real on the seeds --------------------------------------------


def _brief(work: Path, inbox: Path, packages_dir: Path, model: object) -> RunReport:
    config = Config(
        input_dir=inbox, out_dir=work / "out", argos_packages_dir=packages_dir, database=work / "record.sqlite3"
    )
    report = run_briefing(config, date=DAY, decoder=model)  # type: ignore[arg-type]
    assert report.html is not None and report.html.is_file()
    return report


@pytest.fixture(scope="module")
def seeds_briefing(tmp_path_factory: pytest.TempPathFactory, packages_dir: Path, model: object) -> RunReport:
    """The seeds' briefing: one story from two outlets, five key points."""
    work = tmp_path_factory.mktemp("browser-seeds")
    shutil.copytree(SEEDS, work / "inbox")
    return _brief(work, work / "inbox", packages_dir, model)


def hostile_markup(base: str) -> str:
    """Every way a page could make a request, in one whitespace-free run (so it stays in one
    headline, the first thing of an article every page shows)."""
    return (
        f'<img/src="{base}/img"><link/rel="stylesheet"/href="{base}/css">'
        f'<style>@import"{base}/import";</style><script/src="{base}/script"></script>'
        f'<b/style="display:inline-block;width:9px;height:9px;background:url({base}/bg)">!</b>'
        f'<iframe/src="{base}/frame"></iframe>'
    )


# An article of the water network, long enough to be featured with key points of its own.
WATER = [
    "أعلنت الحكومة اليوم عن خطة جديدة لإصلاح شبكة المياه في المدن الكبرى خلال العامين المقبلين.",
    "وقال وزير الموارد المائية إن الخطة تشمل استبدال الأنابيب القديمة وبناء محطات ضخ حديثة في عدة محافظات.",
    "وأضاف الوزير أن تكلفة المشروع تبلغ نحو ملياري دولار وسيتم تمويلها من الميزانية العامة وقروض ميسرة.",
    "وأشار إلى أن الأعمال ستبدأ في العاصمة ثم تنتقل تدريجيا إلى المدن الأخرى بحسب الأولوية والحاجة.",
    "ورحب سكان الأحياء المتضررة بالخطة وطالبوا بتسريع تنفيذها قبل حلول فصل الصيف وارتفاع درجات الحرارة.",
    "وكانت مناطق واسعة قد عانت من انقطاع المياه لأيام متتالية خلال الأشهر الماضية بسبب الأعطال المتكررة.",
]


@pytest.fixture(scope="module")
def hostile_briefing(
    tmp_path_factory: pytest.TempPathFactory, packages_dir: Path, model: object, trap: TrapServer
) -> tuple[RunReport, str]:
    """The seeds and one hostile article: markup aimed at the trap server in its headline and
    first sentence, and a source URL on that server (metadata.toml). Returns the report and
    the markup as the page must show it: escaped, as text."""
    work = tmp_path_factory.mktemp("browser-hostile")
    inbox = work / "inbox"
    shutil.copytree(SEEDS, inbox)
    markup = hostile_markup(trap.base)
    headline = f"الحكومة تعلن خطة جديدة لإصلاح شبكة المياه {markup}"
    body = [f"{WATER[0][:-1]} {markup}.", *WATER[1:]]
    (inbox / "002_water.txt").write_text(headline + "\n\n" + "\n\n".join(body) + "\n", encoding="utf-8")
    with (inbox / "metadata.toml").open("a", encoding="utf-8") as extra:
        extra.write(f'\n["002_water.txt"]\noutlet = "Water News"\nurl = "{trap.base}{LINK_PATH}"\n')
    report = _brief(work, inbox, packages_dir, model)
    assert report.articles_published == 3
    return report, markup


# --- The browser -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    """Headless Chromium with a fresh profile and everything that phones home turned off."""
    for binary, package in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not binary.is_file():
            pytest.skip(f"{binary} not found: apt-get install {package} (scripts/test.sh does)")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
        from selenium.webdriver.common.selenium_manager import SeleniumManager
    except ImportError:
        pytest.skip("selenium not installed: pip install -e '.[test]'")

    def no_downloads(*args: object, **kwargs: object) -> dict[str, str]:
        raise AssertionError("Selenium Manager was asked for a driver or browser: it would download one")

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--disable-default-apps", "--disable-extensions", "--metrics-recording-only",
        "--disable-features=Translate,OptimizationHints,MediaRouter", "--hide-scrollbars",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):  # fmt: skip
        options.add_argument(flag)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SE_AVOID_STATS", "true")
        patch.setenv("SE_OFFLINE", "true")
        patch.setattr(SeleniumManager, "binary_paths", no_downloads)
        browser = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    try:
        browser.set_page_load_timeout(20)
        yield browser
    finally:
        browser.quit()


def open_page(driver: WebDriver, path: Path, width: int = DESKTOP, height: int = 900) -> None:
    """``path`` by its file:// URL in a viewport exactly ``width`` CSS pixels wide."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 700},
    )
    driver.get(path.resolve().as_uri())
    assert driver.execute_script("return window.innerWidth") == width


def full_screenshot(driver: WebDriver, width: int) -> bytes:
    """A PNG of the whole page at ``width``: the viewport made as tall as the page."""
    height = int(driver.execute_script("return document.documentElement.scrollHeight"))
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": min(height, 16_000), "deviceScaleFactor": 1, "mobile": width < 700},
    )
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
    return base64.b64decode(shot["data"])


def rects(driver: WebDriver, selector: str) -> list[dict[str, float]]:
    result: list[dict[str, float]] = driver.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0]), e => e.getBoundingClientRect().toJSON())", selector
    )
    return result


def requests_while_open(driver: WebDriver, trap: TrapServer, page: Path) -> tuple[int, list[str]]:
    """What the trap server saw from opening ``page`` (given SETTLE_SECONDS to misbehave)."""
    trap.reset()
    open_page(driver, page)
    time.sleep(SETTLE_SECONDS)
    return trap.seen()


def resources_loaded(driver: WebDriver) -> list[str]:
    names: list[str] = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    return names


# --- What a reader sees ----------------------------------------------------------------


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_the_page_is_drawn_at_phone_and_desktop_widths(
    driver: WebDriver, seeds_briefing: RunReport, width: int
) -> None:
    from PIL import Image

    assert seeds_briefing.html is not None
    open_page(driver, seeds_briefing.html, width)
    # Nothing wider than the screen: no sideways scrolling on a phone.
    assert driver.execute_script("return document.documentElement.scrollWidth") <= width
    png = full_screenshot(driver, width)
    if os.environ.get("BRIEFING_BROWSER_SHOTS"):
        folder = Path(os.environ["BRIEFING_BROWSER_SHOTS"])
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"briefing-{width}.png").write_bytes(png)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert image.width == width
    assert image.height > 1000  # the cover and five key points, not one screenful of nothing
    inked = sum(image.convert("L").histogram()[:200])  # pixels clearly darker than the white page
    assert inked / (image.width * image.height) > 0.01
    colours = image.getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 16  # text antialiased, links and rules in colour


def test_arabic_is_set_right_to_left_in_an_english_page(driver: WebDriver, seeds_briefing: RunReport) -> None:
    assert seeds_briefing.html is not None
    open_page(driver, seeds_briefing.html)
    assert driver.execute_script("return document.documentElement.lang") == "en"
    directions = driver.execute_script(
        "return Array.from(document.querySelectorAll('[lang=ar]'), e => getComputedStyle(e).direction)"
    )
    # The Arabic headline twice (contents, story), the five key points, and the framing: the
    # reprint's 4 changes, 24 labels (5 actors, up to 3 per outlet), 2 distinctive words.
    framing = driver.execute_script("return document.querySelectorAll('.framing [lang=ar]').length")
    assert framing == 4 + 24 + 2
    assert len(directions) == 7 + framing
    assert set(directions) == {"rtl"}
    english = driver.execute_script("return getComputedStyle(document.querySelector('.pair .en')).direction")
    assert english == "ltr"


def test_key_points_are_side_by_side_on_a_desktop_with_the_arabic_on_the_right(
    driver: WebDriver, seeds_briefing: RunReport
) -> None:
    assert seeds_briefing.html is not None
    open_page(driver, seeds_briefing.html, DESKTOP)
    pairs, english, arabic = rects(driver, ".pair"), rects(driver, ".pair .en"), rects(driver, ".pair .ar")
    assert len(pairs) == len(english) == len(arabic) == 5
    for pair, en, ar in zip(pairs, english, arabic, strict=True):
        assert en["top"] < ar["bottom"] and ar["top"] < en["bottom"]  # on the same lines
        assert en["right"] <= ar["left"]  # apart, the Arabic on the right
        assert min(en["width"], ar["width"]) > 0.4 * pair["width"]  # two real columns


def test_key_points_are_stacked_full_width_on_a_phone(driver: WebDriver, seeds_briefing: RunReport) -> None:
    assert seeds_briefing.html is not None
    open_page(driver, seeds_briefing.html, PHONE)
    pairs, english, arabic = rects(driver, ".pair"), rects(driver, ".pair .en"), rects(driver, ".pair .ar")
    assert len(pairs) == len(english) == len(arabic) == 5
    for pair, en, ar in zip(pairs, english, arabic, strict=True):
        assert ar["top"] >= en["bottom"] or en["top"] >= ar["bottom"]  # one under the other
        assert en["width"] >= 0.8 * pair["width"] and ar["width"] >= 0.8 * pair["width"]
        assert pair["width"] >= 0.8 * PHONE  # the screen's width, less a small margin


def test_the_page_prints_to_pdf(driver: WebDriver, seeds_briefing: RunReport) -> None:
    from pypdf import PdfReader

    assert seeds_briefing.html is not None
    open_page(driver, seeds_briefing.html)
    printed = driver.execute_cdp_cmd("Page.printToPDF", {"printBackground": False, "preferCSSPageSize": True})
    pdf = base64.b64decode(printed["data"])
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 2  # the cover, then the story on a page of its own
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "A Turkish-Russian race to decide the fate of Ain Issa" in text


# --- What the page must never do -------------------------------------------------------


def test_the_page_has_no_script_and_its_source_links_keep_the_reader_private(
    driver: WebDriver, hostile_briefing: tuple[RunReport, str], trap: TrapServer
) -> None:
    report, _ = hostile_briefing
    assert report.html is not None
    open_page(driver, report.html)
    assert driver.execute_script("return document.getElementsByTagName('script').length") == 0
    links = driver.execute_script(
        "return Array.from(document.querySelectorAll('a[href]'))"
        ".filter(a => /^https?:/i.test(a.getAttribute('href')))"
        ".map(a => [a.getAttribute('href'), Array.from(a.relList)])"
    )
    assert [trap.base + LINK_PATH] == [href for href, _ in links]  # the source, as a link
    for _, rel in links:
        assert {"noopener", "noreferrer"} <= set(rel)


def test_a_hostile_article_makes_no_request_and_its_markup_shows_as_text(
    driver: WebDriver, hostile_briefing: tuple[RunReport, str], trap: TrapServer
) -> None:
    report, markup = hostile_briefing
    assert report.html is not None
    source = report.html.read_text(encoding="utf-8")
    assert str(escape(markup)) in source and markup not in source  # it got into the page, escaped
    assert requests_while_open(driver, trap, report.html) == (0, [])
    assert resources_loaded(driver) == []
    # The reader sees the markup as the article's text; none of it became an element.
    assert markup in driver.execute_script("return document.body.innerText")
    tags = "img, link, script, iframe, object, embed, [style], [src]"
    assert driver.execute_script("return document.querySelectorAll(arguments[0]).length", tags) == 0
    assert driver.execute_script("return document.getElementsByTagName('style').length") == 1  # the page's own


def test_the_policy_alone_blocks_markup_that_got_through_and_without_it_the_trap_is_hit(
    driver: WebDriver, hostile_briefing: tuple[RunReport, str], trap: TrapServer, tmp_path: Path
) -> None:
    """The control: the page with its hostile headline let through as markup, as if escaping
    had failed. The Content-Security-Policy still stops every request; a copy without it is
    caught by the trap, request by request, so the test above would see a leak."""
    report, markup = hostile_briefing
    assert report.html is not None
    unescaped = report.html.read_text(encoding="utf-8").replace(str(escape(markup)), markup)
    assert markup in unescaped and CSP_META in unescaped
    with_policy = tmp_path / "unescaped.html"
    with_policy.write_text(unescaped, encoding="utf-8")
    without_policy = tmp_path / "unescaped-without-policy.html"
    without_policy.write_text(unescaped.replace(CSP_META, ""), encoding="utf-8")

    connections, paths = requests_while_open(driver, trap, with_policy)
    assert paths == []
    # The markup is live: the page asked for every one of them, and the policy stopped each.
    assert {urlsplit(name).path for name in resources_loaded(driver)} == set(TRAP_PATHS)
    # Chromium's network prediction may open one connection to the blocked iframe's host, and
    # leave it unused: no request is sent on it (nothing to do about it from the page).
    assert connections <= 1

    trap.reset()
    open_page(driver, without_policy)
    deadline = time.monotonic() + 10
    while not set(TRAP_PATHS) <= set(trap.seen()[1]) and time.monotonic() < deadline:
        time.sleep(0.1)
    connections, paths = trap.seen()
    assert set(paths) == set(TRAP_PATHS) and connections > 0
    assert LINK_PATH not in paths  # a link is followed only when clicked


def test_a_long_unbroken_run_of_text_wraps_instead_of_widening_the_page_on_a_phone(
    driver: WebDriver, hostile_briefing: tuple[RunReport, str]
) -> None:
    """The hostile headline is one 500-character "word", as a URL quoted in an article is."""
    report, _ = hostile_briefing
    assert report.html is not None
    open_page(driver, report.html, PHONE)  # as a phone lays it out: a wider page would zoom out
    assert driver.execute_script("return document.documentElement.scrollWidth") <= PHONE
    for rect in rects(driver, "[lang=ar], .pair .en"):
        assert 0 <= rect["left"] and rect["right"] <= PHONE  # nothing cut off at either edge


def test_the_index_links_to_the_briefing_files_and_loads_nothing(
    driver: WebDriver, hostile_briefing: tuple[RunReport, str], trap: TrapServer
) -> None:
    report, _ = hostile_briefing
    assert report.html is not None
    index = report.html.parent.parent / "index.html"
    assert requests_while_open(driver, trap, index) == (0, [])
    assert resources_loaded(driver) == []
    assert driver.execute_script("return document.getElementsByTagName('script').length") == 0
    hrefs: list[str] = driver.execute_script(
        "return Array.from(document.querySelectorAll('a[href]'), a => a.getAttribute('href'))"
    )
    day = DAY.isoformat()
    assert sorted(set(hrefs)) == [f"{day}/briefing-{day}.{suffix}" for suffix in ("html", "md", "pdf")]
    for href in hrefs:
        assert (index.parent / href).is_file()  # relative to the page, so the folder can move
    # Following the first link opens the day's HTML briefing.
    driver.find_element("css selector", "a[href]").click()
    assert driver.current_url == report.html.resolve().as_uri()
    assert driver.title.startswith("Briefing ")
