"""Arabic to English, offline.

``ArgosModel`` wraps an installed Argos package, ``FolderModel`` any CTranslate2 model
with its SentencePiece models (``models.MODEL_KINDS``), behind the ``Decoder`` protocol; ``TranslationEngine`` adds the translation memory, the
glossary and number placeholders, loop and untranslated checks, and confidence flags,
and sends a whole briefing's sentences to the model in one batched call.
"""

from __future__ import annotations

from briefing.translate.argos import ArgosModel, Decoded
from briefing.translate.engine import DEFAULT_MIN_CONFIDENCE, Decoder, TranslationEngine
from briefing.translate.folder import FolderModel, install_folder_model
from briefing.translate.models import InstalledModel, installed_models, open_model
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
    "FolderModel",
    "Glossary",
    "InstalledModel",
    "InstalledPackage",
    "TranslationEngine",
    "find_installed_package",
    "install_folder_model",
    "install_from_file",
    "install_from_index",
    "installed_models",
    "list_installed_packages",
    "load_glossary",
    "open_model",
]
