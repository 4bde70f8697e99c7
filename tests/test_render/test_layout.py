"""The briefing as a reader sees it: first page, story pages, outline, header and footer,
metadata, fonts, tagged PDF, text extraction order; the Markdown as CommonMark; and no
request ever leaving the machine while rendering hostile articles."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import markdown
import pytest
from markdown_it import MarkdownIt

from briefing.config import Config
from briefing.pipeline import run_briefing
from briefing.render import find_templates_dir, render_markdown, render_pdf
from briefing.types import Briefing, ListedArticle, RunReport, Story, StoryArticle
from tests.builders import article, briefing, translation
from tests.pdftools import arabic_lines_in_reading_order, dark_share, pdffonts, pdfinfo, pdftotext, without_space
from tests.test_cluster.test_stories import FOOTBALL, WEATHER

TEMPLATES = find_templates_dir(None)
DAY = dt.date(2026, 11, 23)
SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory, packages_dir: Path, model: object) -> Iterator[RunReport]:
    """A real run: the seeds (one story, two outlets) and two other articles, two stories featured."""
    work = tmp_path_factory.mktemp("layout")
    inbox = work / "inbox"
    shutil.copytree(SEEDS, inbox)
    (inbox / "football.txt").write_text(FOOTBALL, encoding="utf-8")
    (inbox / "weather.txt").write_text(WEATHER, encoding="utf-8")
    with (inbox / "metadata.toml").open("a", encoding="utf-8") as extra:
        extra.write('\n["football.txt"]\noutlet = "Okaz"\nurl = "https://www.okaz.com.sa/sport/1"\npublished = 2020-12-21\n')
        extra.write('\n["weather.txt"]\noutlet = "Sabq"\nurl = "https://sabq.org/weather/2"\n')
    config = Config(
        input_dir=inbox, out_dir=work / "out", argos_packages_dir=packages_dir, database=work / "record.sqlite3",
        featured_stories=2,
    )
    yield run_briefing(config, date=DAY, decoder=model)  # type: ignore[arg-type]


def pdf_of(report: RunReport) -> Path:
    assert report.pdf is not None
    return report.pdf


def page_of(pdf: Path, needle: str) -> int:
    pages = int(pdfinfo(pdf)["Pages"])
    return next(n for n in range(1, pages + 1) if needle in " ".join(pdftotext(pdf, "-f", str(n), "-l", str(n)).split()))


def test_first_page_has_date_period_counts_and_top_stories_with_their_pages(made: RunReport) -> None:
    pdf = pdf_of(made)
    first = " ".join(pdftotext(pdf, "-f", "1", "-l", "1").split())
    assert "Briefing 23 November 2026" in first
    assert "Articles published 20 to 21 December 2020; 2 articles without a date." in first
    assert "4 articles from 4 outlets; 2 top stories, 1 other article listed." in first
    for number, story in enumerate(made.stories[:2], 1):
        assert f"{number}. {story['title_en']}" in first
    assert "Other articles (1)" in first


def test_each_featured_story_starts_a_page_that_the_contents_point_to(made: RunReport) -> None:
    pdf = pdf_of(made)
    first = pdftotext(pdf, "-f", "1", "-l", "1", "-layout")
    entries = [line for line in first.splitlines() if line.strip()[:3] in ("1. ", "2. ")]
    assert len(entries) == 2
    for entry in entries:
        number = entry.strip()[0]
        shown_page = int(entry.split()[-1])
        heading = " ".join(pdftotext(pdf, "-f", str(shown_page), "-l", str(shown_page)).split())
        assert f"{number}. " in heading and "Reported by" in heading


def test_outline_lists_every_story_then_the_other_articles(made: RunReport) -> None:
    from pypdf import PdfReader

    reader = PdfReader(pdf_of(made))
    titles = [item.title for item in reader.outline]  # type: ignore[union-attr]
    expected = [f"{n}. {story['title_en']}" for n, story in enumerate(made.stories[:2], 1)] + ["Other articles"]
    assert titles == expected


def test_metadata_fonts_and_tags(made: RunReport) -> None:
    from pypdf import PdfReader

    pdf = pdf_of(made)
    info = pdfinfo(pdf)
    assert info["Title"] == "Briefing 23 November 2026"
    assert info["Creator"].startswith("briefing ")
    assert info["CreationDate"].startswith("Mon Nov 23") and "2026" in info["CreationDate"]
    assert info["Tagged"] == "yes"
    assert PdfReader(pdf).trailer["/Root"]["/Lang"] == "en"
    fonts = pdffonts(pdf)
    assert fonts and all(row[0].split("+")[1].startswith("Amiri") for row in fonts)
    # emb and sub are "yes" for every font: embedded, and subset to the glyphs used.
    assert all(row[-5:-3] == ["yes", "yes"] for row in fonts), fonts


def test_running_header_and_page_n_of_m_footer(made: RunReport) -> None:
    pdf = pdf_of(made)
    pages = int(pdfinfo(pdf)["Pages"])
    second = " ".join(pdftotext(pdf, "-f", "2", "-l", "2").split())
    assert "Briefing · 23 November 2026" in second
    assert f"Page 2 of {pages}" in second
    first = " ".join(pdftotext(pdf, "-f", "1", "-l", "1").split())
    assert f"Page 1 of {pages}" in first and "Briefing · 23" not in first  # no header on the cover


def test_pages_are_not_blank(made: RunReport, tmp_path: Path) -> None:
    """Page 1 (the contents) and page 2 (a story) rendered to pixels hold real ink."""
    pdf = pdf_of(made)
    for page in (1, 2):
        assert 0.005 < dark_share(pdf, page, tmp_path) < 0.5


def test_story_page_shows_outlets_links_and_reprints(made: RunReport) -> None:
    pdf = pdf_of(made)
    text = " ".join(pdftotext(pdf).split())
    assert "Reported by Orient News, Sputnik Arabic · 2 outlets, 2 articles" in text
    assert "Orient News shares 2 paragraphs with Sputnik Arabic" in text
    assert "Other articles" in text


def test_mixed_lines_keep_their_order(tmp_path: Path) -> None:
    """Arabic with a Latin road name, numbers and a date reads back in logical order."""
    arabic = "ووصل الجيش إلى الطريق السريع M4 على بعد 2 كم من عين عيسى يوم 20/12/2020 بحسب مصادر ميدانية."
    english = "The army reached the M4 highway 2 km from Ain Issa on 20/12/2020, according to field sources."
    pdf = tmp_path / "mixed.pdf"
    pdf.write_bytes(render_pdf(briefing([(article("عنوان"), "Headline", [(arabic, english)])]), TEMPLATES, summarizer="lead"))
    page = page_of(pdf, "Reported by")
    crop = ("-f", str(page), "-l", str(page), "-y", "0", "-H", "842")
    raw = subprocess.run(["pdftotext", *crop, "-x", "298", "-W", "300", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert without_space(arabic) in without_space("".join(arabic_lines_in_reading_order(raw)))
    english_column = pdftotext(pdf, *crop, "-x", "0", "-W", "298")
    assert english in " ".join(english_column.split())


HOSTILE = (
    '<script>fetch("{url}/script")</script><img src="{url}/img.png"><iframe src="{url}/frame"></iframe>'
    '<link rel="stylesheet" href="{url}/sheet.css"><div style="background: url({url}/bg.png)">نص</div>'
    " ![صورة]({url}/md.png) [رابط](javascript:alert(1)) <{url}/auto> **عريض**"
)


def hostile_briefing(url: str) -> Briefing:
    """Hostile text everywhere an article reaches: headlines, sentences, outlet names, URLs;
    in a story of two articles (whose list names each), a one-article story, and the list
    of other articles."""
    text = HOSTILE.format(url=url)
    bad = article(f"- عنوان {text}", body=f"نص {text}", url="javascript:alert(1)", outlet=f"Outlet {text}")
    copy = article(f"1. نسخة {text}", body=f"نص {text}", id="2" * 16, url="javascript:alert(2)", outlet=f"Okaz {text}")
    linked = article("خبر آخر", body="نص الخبر الآخر.", id="1" * 16, url=f"{url}/article?a=1&b=<2>", outlet="Sabq")
    other = article(f"+ خبر {text}", body=f"نص {text}", id="3" * 16, url=f"{url}/article?a=1&b=<2>", outlet=f"x {text}")
    made = briefing([(bad, f"Title {text}", [(f"جملة {text}", f"Sentence {text}")]), (linked, "Other", [("جملة.", "Sentence.")])])
    two = dataclasses.replace(made.stories[0], story=Story((StoryArticle(bad, copies=(copy,), shares=((f"Okaz {text}", 2),)), StoryArticle(copy))))
    listed = ListedArticle(StoryArticle(other, copies=(copy,)), translation(other.title, f"- Title {text}"))
    return dataclasses.replace(made, stories=(two, made.stories[1]), others=(listed,))


def test_hostile_articles_render_as_text_and_fetch_nothing(local_server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url, requested = local_server
    made = hostile_briefing(url)
    text = render_markdown(made, TEMPLATES, summarizer="lead")
    pdf = tmp_path / "hostile.pdf"
    pdf.write_bytes(render_pdf(made, TEMPLATES, summarizer="lead"))
    assert requested == []  # no image, frame, stylesheet, script or background was loaded
    shown = " ".join(pdftotext(pdf).split())
    assert f'<img src="{url}/img.png">' in shown and "<script>" in shown  # shown as the text it is
    for tag in ("<script", "<img", "<iframe", "<link", "<div style"):
        assert tag not in text


def test_markdown_is_commonmark_with_no_html_links_or_images_from_articles(local_server) -> None:  # type: ignore[no-untyped-def]
    url, _ = local_server
    text = render_markdown(hostile_briefing(url), TEMPLATES, summarizer="lead")
    tokens = MarkdownIt("commonmark").parse(text)
    inline = [child for token in tokens for child in (token.children or [])]
    assert not [t for t in inline if t.type == "image"]
    hrefs = [t.attrs["href"] for t in inline if t.type == "link_open"]
    assert hrefs == [f"{url}/article?a=1&b=%3C2%3E"] * len(hrefs) and hrefs  # only the real articles' links
    # No headline starts a list or a heading of its own: a list of each featured story's
    # articles (a story of one article included: the index lists every article), the
    # other articles' list, and the contents list of 2.
    assert [t.type for t in tokens].count("bullet_list_open") == 3
    assert [t.type for t in tokens].count("ordered_list_open") == 1
    ours = ('<p class="', "</p>", '<div class="pair">', "</div>", '<span dir="rtl" lang="ar">', "</span>",
            '<span class="outlet">', '<span class="flags">', "<br>")
    raw = [t.content for t in [*tokens, *inline] if t.type in ("html_block", "html_inline")]
    for chunk in raw:
        for tag in ("<script", "<img", "<iframe", "<link", "<div style", "<a "):
            assert tag not in chunk
        assert chunk.lstrip().startswith(ours), chunk
    # And Python-Markdown (what many tools use) agrees.
    html = markdown.markdown(text)
    for tag in ("<script", "<img", "<iframe", "<link", 'href="javascript'):
        assert tag not in html
    assert html.count("<a href=") == len(hrefs)


def test_every_arabic_word_of_the_headlines_and_key_sentences_comes_back_whole(made: RunReport) -> None:
    """Search and copy: pdftotext gives each Arabic word exactly, letters joined, with the
    spaces where the Arabic has them ("الروسي", never "الر وسي"; "المملكة", never "الممللكة")."""
    import html
    import re
    from collections import Counter

    assert made.markdown is not None
    page = made.markdown.read_text(encoding="utf-8")
    shown = [html.unescape(t) for t in re.findall(r'<p class="ar" dir="rtl" lang="ar">(.*?)</p>', page)]
    shown += [html.unescape(t) for t in re.findall(r'^## .*?\n\n?<p dir="rtl" lang="ar">(.*?)</p>', page, re.MULTILINE)]
    word = re.compile(r"[\u0621-\u064a]+")
    wanted = Counter(w for text in shown for w in word.findall(text))
    got = Counter(word.findall(pdftotext(pdf_of(made))))
    assert sum(wanted.values()) > 150  # the key sentences of two stories
    assert {w: n for w, n in wanted.items() if got[w] < n} == {}
