from __future__ import annotations

from pathlib import Path

from briefing.errors import RenderError

__all__ = ["find_templates_dir"]

TEMPLATE_NAMES = ("briefing.md.j2", "briefing.html.j2", "briefing.css")


def find_templates_dir(configured: Path | None) -> Path:
    """The configured folder, else the one installed with the package, else the checkout's ``templates/``."""
    package_dir = Path(__file__).resolve().parent.parent
    candidates = [configured] if configured is not None else [package_dir / "templates", package_dir.parent / "templates"]
    for candidate in candidates:
        if candidate is not None and all((candidate / name).is_file() for name in TEMPLATE_NAMES):
            return candidate
    raise RenderError(
        f"templates not found (looked in {', '.join(str(c) for c in candidates)}; need {', '.join(TEMPLATE_NAMES)})"
    )
