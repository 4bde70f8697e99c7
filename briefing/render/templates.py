from __future__ import annotations

from pathlib import Path

from briefing.errors import ConfigError, RenderError

__all__ = ["find_templates_dir"]

TEMPLATE_NAMES = ("briefing.md.j2", "briefing.html.j2", "briefing.css")


def find_templates_dir(configured: Path | None) -> Path:
    """The configured folder, else the one installed with the package, else the checkout's ``templates/``.

    A configured folder is checked before anything is read or written: every template
    there, readable UTF-8, and the Jinja2 ones parse; a folder that fails is a
    configuration error (``render.templates_dir``), not a rendering failure at the end.
    """
    if configured is not None:
        _check(configured)
        return configured
    package_dir = Path(__file__).resolve().parent.parent
    candidates = [package_dir / "templates", package_dir.parent / "templates"]
    for candidate in candidates:
        if all((candidate / name).is_file() for name in TEMPLATE_NAMES):
            return candidate
    raise RenderError(
        f"templates not found (looked in {', '.join(str(c) for c in candidates)}; need {', '.join(TEMPLATE_NAMES)})"
    )


def _check(folder: Path) -> None:
    import jinja2

    missing = [name for name in TEMPLATE_NAMES if not (folder / name).is_file()]
    if missing:
        raise ConfigError(f"render.templates_dir: {folder} lacks {', '.join(missing)}")
    environment = jinja2.Environment(autoescape=True)
    for name in TEMPLATE_NAMES:
        try:
            source = (folder / name).read_text(encoding="utf-8")
            if name.endswith(".j2"):
                environment.parse(source)
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"render.templates_dir: cannot read {folder / name}: {exc}") from exc
        except jinja2.TemplateSyntaxError as exc:
            raise ConfigError(f"render.templates_dir: {folder / name}, line {exc.lineno}: {exc.message}") from exc
