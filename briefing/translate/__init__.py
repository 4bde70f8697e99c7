"""Arabic to English, offline, through an engine behind the small ``Translator`` protocol.

``ArgosTranslator`` (an installed Argos package: SentencePiece + CTranslate2) is the
engine; ``translate_all`` sends a whole briefing's texts to it in one call.
"""

from __future__ import annotations

from typing import Protocol

from briefing.translate.argos import ArgosTranslator
from briefing.translate.packages import (
    InstalledPackage,
    find_installed_package,
    install_from_file,
    install_from_index,
    list_installed_packages,
)
from briefing.types import Translation

__all__ = [
    "ArgosTranslator",
    "InstalledPackage",
    "Translator",
    "find_installed_package",
    "install_from_file",
    "install_from_index",
    "list_installed_packages",
    "translate_all",
]


class Translator(Protocol):
    @property
    def name(self) -> str: ...

    def translate_sentences(self, sentences: list[str]) -> list[tuple[str, float]]: ...


def translate_all(translator: Translator, texts: list[str]) -> dict[str, Translation]:
    """Each distinct text translated once, in a single batched call to the engine."""
    distinct = list(dict.fromkeys(texts))
    results = translator.translate_sentences(distinct)
    return {
        source: Translation(source=source, text=text, log_prob=log_prob, origin="model")
        for source, (text, log_prob) in zip(distinct, results, strict=True)
    }
