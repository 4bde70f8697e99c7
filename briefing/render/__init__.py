"""Briefing to files: Markdown from a Jinja2 template, PDF from that Markdown through WeasyPrint."""

from briefing.render.files import remove_stale_temporaries, write_atomically
from briefing.render.markdown import render_markdown
from briefing.render.pdf import render_pdf
from briefing.render.templates import find_templates_dir

__all__ = ["find_templates_dir", "remove_stale_temporaries", "render_markdown", "render_pdf", "write_atomically"]
