"""Where the templates are, and the Jinja2 environment every renderer uses.

A configured ``render.templates_dir`` must hold the three templates of the Markdown and
PDF briefings (as it had to before the HTML briefing existed); the HTML briefing's
stylesheet and the index page are taken from it when it has them, else from the
templates shipped with briefing, so a folder made for an older version keeps working.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from briefing.errors import ConfigError, RenderError

if TYPE_CHECKING:
    import jinja2

__all__ = ["TEMPLATE_NAMES", "find_templates_dir", "template_environment", "template_text"]

TEMPLATE_NAMES = ("briefing.md.j2", "briefing.html.j2", "briefing.css")
"""Required in a configured templates folder."""
WEB_TEMPLATE_NAMES = ("briefing.web.css", "index.html.j2")
"""Taken from a configured folder when it has them, else from the shipped templates."""


def find_templates_dir(configured: Path | None) -> Path:
    """The configured folder, else the one installed with the package, else the checkout's ``templates/``.

    A configured folder is checked before anything is read or written: every template
    there, readable UTF-8, and the Jinja2 ones parse; a folder that fails is a
    configuration error (``render.templates_dir``), not a rendering failure at the end.
    """
    if configured is not None:
        _check(configured)
        return configured
    return shipped_templates_dir()


def shipped_templates_dir() -> Path:
    package_dir = Path(__file__).resolve().parent.parent
    candidates = [package_dir / "templates", package_dir.parent / "templates"]
    names = (*TEMPLATE_NAMES, *WEB_TEMPLATE_NAMES)
    for candidate in candidates:
        if all((candidate / name).is_file() for name in names):
            return candidate
    raise RenderError(f"templates not found (looked in {', '.join(str(c) for c in candidates)}; need {', '.join(names)})")


def template_path(templates_dir: Path, name: str) -> Path:
    """``templates_dir/name``, or the shipped one when a configured folder has no such file."""
    own = templates_dir / name
    return own if own.is_file() or name not in WEB_TEMPLATE_NAMES else shipped_templates_dir() / name


def template_text(templates_dir: Path, name: str) -> str:
    return template_path(templates_dir, name).read_text(encoding="utf-8")


def template_environment(templates_dir: Path) -> jinja2.Environment:
    """Autoescaped, strict about undefined names; templates from ``templates_dir`` first."""
    import jinja2

    folders = [str(templates_dir)]
    if not all((templates_dir / name).is_file() for name in WEB_TEMPLATE_NAMES):
        folders.append(str(shipped_templates_dir()))
    return jinja2.Environment(loader=jinja2.FileSystemLoader(folders), autoescape=True, undefined=jinja2.StrictUndefined)


def _check(folder: Path) -> None:
    import jinja2

    missing = [name for name in TEMPLATE_NAMES if not (folder / name).is_file()]
    if missing:
        raise ConfigError(f"render.templates_dir: {folder} lacks {', '.join(missing)}")
    environment = jinja2.Environment(autoescape=True)
    for name in (*TEMPLATE_NAMES, *(n for n in WEB_TEMPLATE_NAMES if (folder / n).is_file())):
        try:
            source = (folder / name).read_text(encoding="utf-8")
            if name.endswith(".j2"):
                environment.parse(source)
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"render.templates_dir: cannot read {folder / name}: {exc}") from exc
        except jinja2.TemplateSyntaxError as exc:
            raise ConfigError(f"render.templates_dir: {folder / name}, line {exc.lineno}: {exc.message}") from exc
