"""Translation with an installed Argos package, offline.

We use the package's own parts, its SentencePiece (or BPE) tokenizer and its
CTranslate2 model, with the decoding settings of
``argostranslate.translate.apply_packaged_translation``: beam 4, length penalty
0.2, unknown tokens replaced from the source, the package's target prefix. We do not call ``argostranslate.translate.translate()``: it first
runs a sentence splitter (MiniSBD, Stanza or spaCy) that downloads a model,
which fails offline, and it translates one text at a time. Our texts are already
single sentences, so the whole briefing goes to the model at once, in batches of
sentences that have exactly the same number of source tokens.

Why equal lengths: CTranslate2 pads the shorter sentences of a batch, and with int8
weights (the default on CPU, and what Argos itself uses) a padded sentence can come out
differently from the same sentence decoded alone (2 of 2,000 real sentences here). With
no padding, every sentence comes out exactly as Argos translates it on its own; and at a
briefing's volume (hundreds to thousands of sentences, about 160 distinct lengths) the
buckets are full enough that this is as fast as padded batches (benchmarks/README.md).
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefing.errors import TranslationError
from briefing.translate.packages import find_installed_package

__all__ = ["ARGOS_BEAM_SIZE", "ARGOS_LENGTH_PENALTY", "BATCH_SENTENCES", "ArgosModel", "Decoded", "equal_length_batches"]

log = logging.getLogger(__name__)

# argostranslate's decoding values (settings.beam_size, the literal 0.2): keeping them
# makes our output equal to Argos's for the same sentence.
ARGOS_BEAM_SIZE = 4
ARGOS_LENGTH_PENALTY = 0.2
# Most sentences per CTranslate2 batch (all of one batch have the same token count).
# Argos uses batches of 32 *tokens*, one or two real sentences, so it decodes nearly one
# at a time. 32 sentences was the fastest of 8/16/32/64 on 2 cores
# (benchmarks/translate_speed.py), and stays at a few hundred MB for a base-size model.
BATCH_SENTENCES = 32
# Source tokens kept from a sentence the model refuses whole. 200 is under the 256
# positions of the smallest models and far past a normal sentence (30-60 tokens).
TRUNCATED_INPUT_TOKENS = 200


@dataclass(frozen=True, slots=True)
class Decoded:
    """One sentence as the model returned it."""

    text: str
    score: float
    """CTranslate2's score, as Argos reports it (log-probability over length ** 0.2)."""
    confidence: float
    """Length-normalised log-probability: the mean log-probability of each output token."""
    truncated: bool = False
    """Only the start of the sentence could be decoded (it was longer than the model takes)."""


def equal_length_batches(tokenized: list[list[str]], size: int = BATCH_SENTENCES) -> list[list[int]]:
    """Indices of ``tokenized`` in batches of at most ``size``, all of one token count."""
    by_length: dict[int, list[int]] = {}
    for index, tokens in enumerate(tokenized):
        by_length.setdefault(len(tokens), []).append(index)
    return [
        indices[start : start + size]
        for _, indices in sorted(by_length.items())
        for start in range(0, len(indices), size)
    ]


class ArgosModel:
    """An installed Argos package: its tokenizer and CTranslate2 model, loaded on first use.

    This is the only class that knows CTranslate2; the engine sees ``decode`` and
    ``fingerprint``, so another CTranslate2 + SentencePiece model can stand in.
    """

    def __init__(self, package: Any, *, compute_type: str = "int8", threads: int = 0) -> None:
        self._package = package
        self._compute_type = compute_type
        self._threads = threads
        self._model: Any = None
        self._fingerprint: str | None = None

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
    def fingerprint(self) -> str:
        """Package name, version and a hash of its model files: the translation memory's key."""
        if self._fingerprint is None:
            root = Path(self._package.package_path)
            digest = hashlib.sha256()
            files = sorted(p for p in (root / "model").rglob("*") if p.is_file())
            for path in [*files, root / "sentencepiece.model", root / "bpe.model"]:
                if path.is_file():
                    digest.update(str(path.relative_to(root)).encode())
                    with path.open("rb") as handle:
                        for block in iter(lambda: handle.read(1 << 20), b""):
                            digest.update(block)
            self._fingerprint = f"{self.name} {digest.hexdigest()[:16]}"
        return self._fingerprint

    def decode(self, sentences: list[str], *, repetition_penalty: float = 1.0) -> list[Decoded]:
        """English for each sentence, all in one batched call, with Argos's settings.

        If the batch fails (CTranslate2 refuses, say, a source longer than the model's
        positions), the sentences are decoded one by one so only the culprit is affected;
        a sentence that still fails is decoded from its first ``TRUNCATED_INPUT_TOKENS``
        tokens and marked ``truncated``.
        """
        if not sentences:
            return []
        if any(not s.strip() for s in sentences):
            raise TranslationError("cannot translate an empty sentence")
        tokenizer = getattr(self._package, "tokenizer", None)
        if tokenizer is None:
            raise TranslationError(f"{self.name}: package has neither sentencepiece.model nor bpe.model")
        tokenized = [tokenizer.encode(sentence) for sentence in sentences]
        try:
            return self._decode_tokens(tokenized, repetition_penalty)
        except (RuntimeError, ValueError) as exc:
            if len(tokenized) == 1 and len(tokenized[0]) <= TRUNCATED_INPUT_TOKENS:
                raise TranslationError(f"{self.name}: CTranslate2 failed: {exc}") from exc
            log.warning("batch failed (%s); decoding its %d sentences one by one", exc, len(tokenized))
        decoded = []
        for tokens in tokenized:
            try:
                [one] = self._decode_tokens([tokens], repetition_penalty)
            except (RuntimeError, ValueError) as exc:
                if len(tokens) <= TRUNCATED_INPUT_TOKENS:
                    raise TranslationError(f"{self.name}: CTranslate2 failed: {exc}") from exc
                [one] = self._decode_tokens([tokens[:TRUNCATED_INPUT_TOKENS]], repetition_penalty)
                one = dataclasses.replace(one, truncated=True)
            decoded.append(one)
        return decoded

    def _decode_tokens(self, tokenized: list[list[str]], repetition_penalty: float) -> list[Decoded]:
        """Decode in batches of equal source length (no padding), results in input order."""
        batches = equal_length_batches(tokenized)
        # Submitted together so CTranslate2 decodes as many batches at once as it has
        # threads (inter_threads); results are then read back in submission order.
        pending = [self._submit([tokenized[i] for i in batch], repetition_penalty) for batch in batches]
        decoded: list[Decoded | None] = [None] * len(tokenized)
        for batch, results in zip(batches, pending, strict=True):
            for index, result in zip(batch, results, strict=True):
                decoded[index] = self._decoded(result.result())
        return [d for d in decoded if d is not None]

    def _submit(self, batch: list[list[str]], repetition_penalty: float) -> list[Any]:
        prefix = self._package.target_prefix
        results: list[Any] = self._load().translate_batch(
            batch,
            target_prefix=[[prefix]] * len(batch) if prefix else None,
            replace_unknowns=True,
            beam_size=ARGOS_BEAM_SIZE,
            num_hypotheses=1,
            length_penalty=ARGOS_LENGTH_PENALTY,
            repetition_penalty=repetition_penalty,
            return_scores=True,
            asynchronous=True,
        )
        return results

    def _decoded(self, result: Any) -> Decoded:
        tokens = result.hypotheses[0]
        score = float(result.scores[0])
        # CTranslate2 divides the log-probability by (tokens + end token) ** length_penalty.
        steps = len(tokens) + 1
        confidence = score * steps**ARGOS_LENGTH_PENALTY / steps
        return Decoded(self._detokenize(tokens), score, confidence)

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
                    # Several batches in parallel, one core each, beats one batch split
                    # across the cores (3.4x on the test package, 2 cores), and is
                    # CTranslate2's advice for throughput. Numerically the same.
                    inter_threads=self._threads or os.cpu_count() or 1,
                    intra_threads=1,
                )
            except (RuntimeError, ValueError) as exc:
                raise TranslationError(f"cannot load the model in {model_path}: {exc}") from exc
        return self._model
