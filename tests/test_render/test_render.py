from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from briefing.errors import RenderError
from briefing.render import find_templates_dir, render_markdown, render_pdf, write_atomically
from briefing.render.pdf import html_to_pdf
from tests.builders import article, briefing

TEMPLATES = find_templates_dir(None)


def test_markdown_has_rtl_arabic_beside_english_and_the_source() -> None:
    text = render_markdown(
        briefing([(article("عنوان الخبر", source="inbox/a_b.txt"), "The headline", [("جملة أولى.", "First sentence.")])]),
        TEMPLATES,
        summarizer="lead",
    )
    assert text.startswith("# Briefing · 22 November 2026\n")
    assert "## 1. The headline\n" in text
    assert '<p class="title-ar" dir="rtl" lang="ar">عنوان الخبر</p>' in text
    assert "*Reported by:* a\\_b.txt\n" in text
    assert (
        '<div class="pair">\n<p class="ar" dir="rtl" lang="ar">جملة أولى.</p>\n'
        '<p class="en" lang="en">First sentence.</p>\n</div>'
    ) in text


def test_hostile_article_text_is_shown_not_run(local_server: tuple[str, list[str]], tmp_path: Path) -> None:
    url, requested = local_server
    hostile = f'<script>alert(1)</script><img src="{url}/tracker.png"> **نص** [رابط]({url}/x)'
    text = render_markdown(
        briefing([(article(hostile), f"<img src='{url}/en.png'>", [(hostile, f'<link rel="stylesheet" href="{url}/s.css">')])]),
        TEMPLATES,
        summarizer="lead",
    )
    assert "<script>" not in text and "<img" not in text and "<link" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    hostile_briefing = briefing(
        [(article(hostile), f"<img src='{url}/en.png'>", [(hostile, f'<link rel="stylesheet" href="{url}/s.css">')])]
    )
    pdf = render_pdf(hostile_briefing, TEMPLATES, summarizer="lead")
    (tmp_path / "b.pdf").write_bytes(pdf)
    shown = subprocess.run(["pdftotext", str(tmp_path / "b.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    assert f"<img src='{url}/en.png'>" in shown  # the reader sees the text as it was
    assert requested == []  # and nothing was fetched


def test_markup_in_a_title_stays_text() -> None:
    title = 'Foo {: style="display:none" } ##'
    text = render_markdown(briefing([(article(), title, [("جملة.", "Sentence.")])]), TEMPLATES, summarizer="lead")
    html_body = __import__("markdown").markdown(text)
    assert '<h2>1. Foo {: style="display:none" } ##</h2>' in html_body.replace("&quot;", '"')


def test_pdf_renderer_fetches_nothing_even_from_raw_html(local_server: tuple[str, list[str]], tmp_path: Path) -> None:
    """The last line of defence: HTML that reached the renderer unescaped still loads nothing."""
    url, requested = local_server
    raw = (
        f'<img src="{url}/img.png"><link rel="stylesheet" href="{url}/s.css">'
        f'<p style="background: url({url}/bg.png)">x</p><img src="file:///etc/hostname">'
    )
    pdf = html_to_pdf(f"<html><body>{raw}</body></html>")
    assert pdf.startswith(b"%PDF-")
    assert requested == []


def test_the_cycle_collector_is_off_during_the_layout_and_back_on_after_even_a_failed_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The PDF is laid out with the cycle collector paused (its passes over the day's
    objects were 0.7 s of a real day's PDF); whatever happens, it is on again afterwards,
    and a caller that paused it already keeps it paused."""
    import gc

    import weasyprint

    seen: list[bool] = []
    real_write = weasyprint.HTML.write_pdf

    def watched(self: weasyprint.HTML, *args: object, **kwargs: object) -> bytes:
        seen.append(gc.isenabled())
        return real_write(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", watched)
    assert html_to_pdf("<html><body><p>x</p></body></html>").startswith(b"%PDF-")
    assert seen == [False] and gc.isenabled()

    # A layout that fails half-way (WeasyPrint out of memory cannot be caused safely here:
    # its write_pdf is replaced by one that raises).
    def failing(self: weasyprint.HTML, *args: object, **kwargs: object) -> bytes:
        raise MemoryError("layout")

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", failing)
    with pytest.raises(RenderError, match="PDF rendering failed"):
        html_to_pdf("<html><body><p>x</p></body></html>")
    assert gc.isenabled()

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", watched)
    gc.disable()
    try:
        html_to_pdf("<html><body><p>x</p></body></html>")
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_empty_briefing_says_so() -> None:
    text = render_markdown(briefing([]), TEMPLATES, summarizer="lead")
    assert "*No new articles.*" in text


@pytest.mark.parametrize("failure", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_atomic_write_rolls_back_when_a_rename_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: BaseException
) -> None:
    good = tmp_path / "day" / "briefing.md"
    bad = tmp_path / "day" / "briefing.pdf"
    write_atomically({good: b"yesterday's markdown"})
    real_replace = os.replace

    def failing_replace(src: str | Path, dst: str | Path) -> None:
        # Simulated disk failure (cannot be provoked for real as root): the PDF's rename fails.
        if Path(dst) == bad:
            raise failure
        real_replace(src, dst)

    monkeypatch.setattr("briefing.render.files.os.replace", failing_replace)
    with pytest.raises(type(failure)):
        write_atomically({good: b"markdown", bad: b"%PDF"})
    # The Markdown was put back as it was: the pair is never half-published, no temporaries remain.
    assert [p.name for p in (tmp_path / "day").iterdir()] == ["briefing.md"]
    assert good.read_bytes() == b"yesterday's markdown"


def test_atomic_write_replaces_whole_files_never_leaving_the_name_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "day" / "briefing.md"
    write_atomically({target: b"first"})
    real_replace = os.replace
    seen_while_replacing: list[bytes] = []

    def watching_replace(src: str | Path, dst: str | Path) -> None:
        seen_while_replacing.append(Path(dst).read_bytes())  # a reader at that instant
        real_replace(src, dst)

    monkeypatch.setattr("briefing.render.files.os.replace", watching_replace)
    write_atomically({target: b"second"})
    assert seen_while_replacing == [b"first"]
    assert target.read_bytes() == b"second"
    assert [p.name for p in target.parent.iterdir()] == ["briefing.md"]


def test_published_files_follow_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_atomically({tmp_path / "briefing.md": b"x"})
    finally:
        os.umask(old)
    assert (tmp_path / "briefing.md").stat().st_mode & 0o777 == 0o644
