"""Translation with an installed Argos package, offline.

We use the package's own parts, its SentencePiece (or BPE) tokenizer and its
CTranslate2 model, with the decoding settings of
``argostranslate.translate.apply_packaged_translation``: beam 4, length penalty
0.2, unknown tokens replaced from the source, the package's target prefix, batches
of 32 tokens. We do not call ``argostranslate.translate.translate()``: it first
runs a sentence splitter (MiniSBD, Stanza or spaCy) that downloads a model,
which fails offline, and it translates one text at a time. Our texts are already
single sentences, so the whole briefing goes to the model in one batched call.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from briefing.errors import TranslationError
from briefing.translate.packages import find_installed_package

__all__ = ["ARGOS_BATCH_TOKENS", "ARGOS_BEAM_SIZE", "ARGOS_LENGTH_PENALTY", "ArgosTranslator"]

log = logging.getLogger(__name__)

# argostranslate's own values (settings.beam_size, the literal 0.2, settings.batch_size);
# keeping them makes our output equal to Argos's for the same sentence.
ARGOS_BEAM_SIZE = 4
ARGOS_LENGTH_PENALTY = 0.2
ARGOS_BATCH_TOKENS = 32


class ArgosTranslator:
    """Translates sentences with one installed Argos package; loads the model on first use."""

    def __init__(self, package: Any, *, compute_type: str = "int8", threads: int = 0) -> None:
        self._package = package
        self._compute_type = compute_type
        self._threads = threads
        self._model: Any = None

    @classmethod
    def for_pair(
        cls,
        packages_dir: Path | None,
        from_code: str,
        to_code: str,
        *,
        compute_type: str = "int8",
        threads: int = 0,
    ) -> ArgosTranslator:
        """The translator for the newest installed package of the pair (``ModelNotInstalledError`` if none)."""
        package = find_installed_package(packages_dir, from_code, to_code)
        return cls(package, compute_type=compute_type, threads=threads)

    @property
    def name(self) -> str:
        return f"{Path(self._package.package_path).name} {self._package.package_version}"

    def translate_sentences(self, sentences: list[str]) -> list[tuple[str, float]]:
        """English for each sentence, with the hypothesis's cumulative log-probability."""
        if not sentences:
            return []
        if any(not s.strip() for s in sentences):
            raise TranslationError("cannot translate an empty sentence")
        tokenizer = getattr(self._package, "tokenizer", None)
        if tokenizer is None:
            raise TranslationError(f"{self.name}: package has neither sentencepiece.model nor bpe.model")
        prefix = self._package.target_prefix
        tokenized = [tokenizer.encode(sentence) for sentence in sentences]
        try:
            results = self._load().translate_batch(
                tokenized,
                target_prefix=[[prefix]] * len(tokenized) if prefix else None,
                replace_unknowns=True,
                max_batch_size=ARGOS_BATCH_TOKENS,
                batch_type="tokens",
                beam_size=ARGOS_BEAM_SIZE,
                num_hypotheses=1,
                length_penalty=ARGOS_LENGTH_PENALTY,
                return_scores=True,
            )
        except (RuntimeError, ValueError) as exc:
            raise TranslationError(f"{self.name}: CTranslate2 failed: {exc}") from exc
        return [(self._detokenize(result.hypotheses[0]), float(result.scores[0])) for result in results]

    def _detokenize(self, tokens: list[str]) -> str:
        # Exactly argostranslate's post-processing, so both give the same string.
        value: str = self._package.tokenizer.decode(tokens)
        prefix = self._package.target_prefix
        if prefix and value.startswith(prefix):
            value = value[len(prefix) :]
        value = value.removeprefix(" ")
        return value

    def _load(self) -> Any:
        if self._model is None:
            import ctranslate2

            model_path = Path(self._package.package_path) / "model"
            log.info("loading %s (%s)", model_path, self._compute_type)
            try:
                self._model = ctranslate2.Translator(
                    str(model_path),
                    device="cpu",
                    compute_type=self._compute_type,
                    inter_threads=1,
                    intra_threads=self._threads,
                )
            except (RuntimeError, ValueError) as exc:
                raise TranslationError(f"cannot load the model in {model_path}: {exc}") from exc
        return self._model
