"""briefing: offline Arabic-to-English news briefings.

The public API is below; stages live in their subpackages. Importing this package
loads no model, opens no database and starts nothing.
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
from briefing.pipeline import run_briefing
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
