"""Briefing to files: one renderer per output format, chosen by ``output.formats``.

``RENDERERS`` maps a format's name to its renderer (the module and function that turn a
``Briefing`` into the file's bytes, and the file's suffix); a new format is one module
and one line here. Renderers are imported when first used: ``import briefing.render``
loads neither Jinja2 nor WeasyPrint.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

from briefing.render.files import remove_stale_temporaries, write_atomically
from briefing.render.templates import find_templates_dir
from briefing.types import Briefing

__all__ = [
    "RENDERERS",
    "Renderer",
    "find_templates_dir",
    "remove_stale_temporaries",
    "render_markdown",
    "render_pdf",
    "write_atomically",
]


@dataclass(frozen=True, slots=True)
class Renderer:
    """How one output format is made: ``module.function(briefing, templates_dir, summarizer=...)``."""

    module: str
    function: str
    suffix: str
    """The file's suffix: ``briefing-DATE{suffix}``."""

    def render(self, briefing: Briefing, templates_dir: Path, *, summarizer: str) -> bytes:
        made = getattr(importlib.import_module(self.module), self.function)(briefing, templates_dir, summarizer=summarizer)
        return made.encode("utf-8") if isinstance(made, str) else bytes(made)


RENDERERS: dict[str, Renderer] = {
    "markdown": Renderer("briefing.render.markdown", "render_markdown", ".md"),
    "pdf": Renderer("briefing.render.pdf", "render_pdf", ".pdf"),
    "html": Renderer("briefing.render.html", "render_html", ".html"),
}


def render_markdown(briefing: Briefing, templates_dir: Path, *, summarizer: str) -> str:
    from briefing.render.markdown import render_markdown as render

    return render(briefing, templates_dir, summarizer=summarizer)


def render_pdf(briefing: Briefing, templates_dir: Path, *, summarizer: str) -> bytes:
    from briefing.render.pdf import render_pdf as render

    return render(briefing, templates_dir, summarizer=summarizer)
