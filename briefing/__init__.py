"""briefing: offline Arabic-to-English news briefings.

The public API is below; stages live in their subpackages. Importing this package
loads no model, opens no database and starts nothing; it imports neither NumPy, SciPy,
Jinja2 nor CTranslate2 (the stages import them when they first run).
"""

import logging

from briefing.config import Config, load_config
from briefing.errors import (
    BriefingError,
    ConfigError,
    IngestError,
    ModelNotInstalledError,
    PackageInstallError,
    RenderError,
    TranslationError,
)
from briefing.types import (
    Article,
    Briefing,
    FeaturedStory,
    KeyPoint,
    KeySentences,
    ListedArticle,
    RunReport,
    Sentence,
    SkippedItem,
    Story,
    StoryArticle,
    Translation,
)

logging.getLogger(__name__).addHandler(logging.NullHandler())


def __getattr__(name: str) -> object:
    # run_briefing pulls in the stages (numpy, scipy, the store): imported on first use,
    # so that `import briefing` and `briefing --help` stay light.
    if name == "run_briefing":
        from briefing.pipeline import run_briefing

        return run_briefing
    raise AttributeError(f"module 'briefing' has no attribute {name!r}")

__all__ = [
    "Article",
    "Briefing",
    "BriefingError",
    "Config",
    "ConfigError",
    "FeaturedStory",
    "IngestError",
    "KeyPoint",
    "KeySentences",
    "ListedArticle",
    "ModelNotInstalledError",
    "PackageInstallError",
    "RenderError",
    "RunReport",
    "Sentence",
    "SkippedItem",
    "Story",
    "StoryArticle",
    "Translation",
    "TranslationError",
    "load_config",
    "run_briefing",
]
