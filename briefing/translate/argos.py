"""Translation with an installed Argos package, offline.

We use the package's own parts, its SentencePiece (or BPE) tokenizer and its
CTranslate2 model, with the decoding settings of
``argostranslate.translate.apply_packaged_translation``: beam 4, length penalty 0.2,
unknown tokens replaced from the source, the package's target prefix. We do not call
``argostranslate.translate.translate()``: it first runs a sentence splitter (MiniSBD,
Stanza or spaCy) that downloads a model, which fails offline, and it translates one text
at a time. Our texts are already single sentences, so the whole briefing goes to the
model at once (``ctranslate.CTranslate2Model``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from briefing.errors import TranslationError
from briefing.translate.ctranslate import (
    ARGOS_BEAM_SIZE,
    ARGOS_LENGTH_PENALTY,
    BATCH_SENTENCES,
    CTranslate2Model,
    Decoded,
    equal_length_batches,
)
from briefing.translate.packages import find_installed_package

__all__ = ["ARGOS_BEAM_SIZE", "ARGOS_LENGTH_PENALTY", "BATCH_SENTENCES", "ArgosModel", "Decoded", "equal_length_batches"]


class ArgosModel(CTranslate2Model):
    """An installed Argos package: its tokenizer and CTranslate2 model, loaded on first use."""

    kind = "argos"

    def __init__(self, package: Any, *, compute_type: str = "int8", threads: int = 0) -> None:
        super().__init__(compute_type=compute_type, threads=threads)
        self._package = package

    @classmethod
    def for_pair(
        cls,
        packages_dir: Path | None,
        from_code: str,
        to_code: str,
        *,
        compute_type: str = "int8",
        threads: int = 0,
    ) -> ArgosModel:
        """The newest installed package of the pair (``ModelNotInstalledError`` if none)."""
        package = find_installed_package(packages_dir, from_code, to_code)
        return cls(package, compute_type=compute_type, threads=threads)

    @property
    def name(self) -> str:
        return f"{Path(self._package.package_path).name} {self._package.package_version}"

    @property
    def model_dir(self) -> Path:
        return Path(self._package.package_path) / "model"

    @property
    def target_prefix(self) -> str:
        return str(self._package.target_prefix or "")

    def encode(self, text: str) -> list[str]:
        tokenizer = getattr(self._package, "tokenizer", None)
        if tokenizer is None:
            raise TranslationError(f"{self.name}: package has neither sentencepiece.model nor bpe.model")
        tokens: list[str] = tokenizer.encode(text)
        return tokens

    def detokenize(self, tokens: list[str]) -> str:
        # Exactly argostranslate's post-processing, so both give the same string.
        value: str = self._package.tokenizer.decode(tokens)
        prefix = self.target_prefix
        if prefix and value.startswith(prefix):
            value = value[len(prefix) :]
        return value.removeprefix(" ")

    def fingerprint_files(self) -> list[Path]:
        root = Path(self._package.package_path)
        files = sorted(p for p in self.model_dir.rglob("*") if p.is_file())
        return [p for p in [*files, root / "sentencepiece.model", root / "bpe.model"] if p.is_file()]
