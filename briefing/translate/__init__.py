"""Arabic to English, offline.

``ArgosModel`` wraps an installed Argos package (SentencePiece + CTranslate2) behind
the ``Decoder`` protocol; ``TranslationEngine`` adds the translation memory, the
glossary and number placeholders, loop and untranslated checks, and confidence flags,
and sends a whole briefing's sentences to the model in one batched call.
"""

from __future__ import annotations

from briefing.translate.argos import ArgosModel, Decoded
from briefing.translate.engine import DEFAULT_MIN_CONFIDENCE, Decoder, TranslationEngine
from briefing.translate.packages import (
    InstalledPackage,
    find_installed_package,
    install_from_file,
    install_from_index,
    list_installed_packages,
)
from briefing.translate.protect import Glossary, load_glossary

__all__ = [
    "DEFAULT_MIN_CONFIDENCE",
    "ArgosModel",
    "Decoded",
    "Decoder",
    "Glossary",
    "InstalledPackage",
    "TranslationEngine",
    "find_installed_package",
    "install_from_file",
    "install_from_index",
    "list_installed_packages",
    "load_glossary",
]
