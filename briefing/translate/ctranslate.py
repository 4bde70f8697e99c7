"""Decoding with a CTranslate2 translation model: the only module that calls CTranslate2.

``CTranslate2Model`` holds what every model kind shares: loading on first use, the
model's length limits (``limits``), batches of sentences of exactly the same token count
(no padding), all submitted at once so CTranslate2 decodes as many as it has threads,
and a failed batch retried in halves. A kind (an Argos package, ``argos.ArgosModel``; a
folder model, ``folder.FolderModel``) says how its text becomes tokens and back, and
which files make it what it is (its fingerprint, the translation memory's key).

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

from briefing import progress
from briefing.errors import TranslationError
from briefing.translate.limits import ModelLimits, model_limits

__all__ = [
    "ARGOS_BEAM_SIZE",
    "ARGOS_LENGTH_PENALTY",
    "BATCH_SENTENCES",
    "OUTPUT_MARGIN_TOKENS",
    "OUTPUT_PER_INPUT_TOKEN",
    "CTranslate2Model",
    "Decoded",
    "equal_length_batches",
]

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
# The output asked for is at most this many tokens per input token, plus a margin: the
# human English of NTREX's 1,997 sentences never has more than 1.86 times the tokens of
# its Arabic (the test model's SentencePiece, 99.9th percentile 1.70), so the cap never
# cuts a real translation; it ends a decoding loop early instead of at 256 tokens.
OUTPUT_PER_INPUT_TOKEN = 2
OUTPUT_MARGIN_TOKENS = 10


@dataclass(frozen=True, slots=True)
class Decoded:
    """One sentence as the model returned it."""

    text: str
    score: float
    """CTranslate2's score, as Argos reports it (log-probability over length ** 0.2)."""
    confidence: float
    """Length-normalised log-probability: the mean log-probability of each output token."""
    truncated: bool = False
    """Only the start of the sentence was decoded (it was longer than the model takes)."""


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


class CTranslate2Model:
    """A CTranslate2 model behind the engine's ``Decoder`` protocol; subclasses give the tokens."""

    kind = ""
    """Its kind in ``models.MODEL_KINDS`` ("argos", "folder"): with ``root``, how a cluster's worker opens it."""

    def __init__(self, *, compute_type: str = "int8", threads: int = 0) -> None:
        self._compute_type = compute_type
        self._threads = threads
        self._model: Any = None
        self._limits: ModelLimits | None = None
        self._fingerprint: str | None = None

    # What a model kind provides.
    @property
    def name(self) -> str:
        raise NotImplementedError

    @property
    def model_dir(self) -> Path:
        """The CTranslate2 model folder (``model.bin``, ``config.json``, vocabularies)."""
        raise NotImplementedError

    @property
    def root(self) -> Path:
        """The model's own folder (the package's, the folder model's), ``model_dir``'s parent."""
        return self.model_dir.parent

    @property
    def compute_type(self) -> str:
        return self._compute_type

    def encode(self, text: str) -> list[str]:
        raise NotImplementedError

    def detokenize(self, tokens: list[str]) -> str:
        raise NotImplementedError

    @property
    def target_prefix(self) -> str:
        return ""

    def fingerprint_files(self) -> list[Path]:
        """The files whose bytes make the model what it is (the tokenizers included)."""
        raise NotImplementedError

    def declared_limits(self) -> dict[str, int]:
        return {}

    # Shared.
    @property
    def fingerprint(self) -> str:
        """Name, version and a hash of the model's files: the translation memory's key."""
        if self._fingerprint is None:
            digest = hashlib.sha256()
            root = self.model_dir.parent
            for path in self.fingerprint_files():
                digest.update(str(path.relative_to(root)).encode())
                with path.open("rb") as handle:
                    for block in iter(lambda: handle.read(1 << 20), b""):
                        digest.update(block)
            self._fingerprint = f"{self.name} {digest.hexdigest()[:16]}"
        return self._fingerprint

    @property
    def limits(self) -> ModelLimits:
        """The longest input and output the model takes (read once: see ``limits.py``)."""
        if self._limits is None:
            self._limits = model_limits(self.model_dir, self._load, self.declared_limits())
            log.info("%s takes %d input and %d output tokens (%s)", self.name, self._limits.max_input,
                     self._limits.max_output, self._limits.source)
        return self._limits

    def decode(self, sentences: list[str], *, repetition_penalty: float = 1.0) -> list[Decoded]:
        """English for each sentence, in batches, with Argos's settings, within the model's limits.

        A sentence longer than the model takes is decoded from its first ``max_input``
        tokens and marked ``truncated``. A batch that fails all the same is retried in
        halves, down to the one sentence that fails (a TranslationError).
        """
        if not sentences:
            return []
        tokenized, cut = self._tokenized(sentences)
        decoded = self._decode_tokens(tokenized, repetition_penalty)
        return [dataclasses.replace(d, truncated=True) if c else d for d, c in zip(decoded, cut, strict=True)]

    def batches(self, sentences: list[str]) -> list[list[int]]:
        """Indices of ``sentences`` in the batches ``decode`` makes of them (how a cluster splits the work)."""
        return equal_length_batches(self._tokenized(sentences)[0])

    def _tokenized(self, sentences: list[str]) -> tuple[list[list[str]], list[bool]]:
        """Each sentence's tokens, cut to the model's input limit, and whether it was cut."""
        if any(not s.strip() for s in sentences):
            raise TranslationError("cannot translate an empty sentence")
        tokenized = [self.encode(sentence) for sentence in sentences]
        longest = self.limits.max_input
        return [tokens[:longest] for tokens in tokenized], [len(tokens) > longest for tokens in tokenized]

    def _decode_tokens(self, tokenized: list[list[str]], repetition_penalty: float) -> list[Decoded]:
        """Decode in batches of equal source length (no padding), results in input order."""
        batches = equal_length_batches(tokenized)
        # Submitted together so CTranslate2 decodes as many batches at once as it has
        # threads (inter_threads); results are then read back in submission order.
        pending = [self._submit([tokenized[i] for i in batch], repetition_penalty) for batch in batches]
        decoded: list[Decoded | None] = [None] * len(tokenized)
        for batch, results in zip(batches, pending, strict=True):
            try:
                outputs = [self._decoded(result.result()) for result in results]
            except (RuntimeError, ValueError) as exc:
                outputs = self._in_halves([tokenized[i] for i in batch], repetition_penalty, exc)
            for index, output in zip(batch, outputs, strict=True):
                decoded[index] = output
            progress.advance(len(batch))
        return [d for d in decoded if d is not None]

    def _in_halves(self, batch: list[list[str]], repetition_penalty: float, error: Exception) -> list[Decoded]:
        if len(batch) == 1:
            raise TranslationError(f"{self.name}: CTranslate2 failed on a sentence of {len(batch[0])} tokens: {error}")
        log.warning("a batch of %d sentences failed (%s); decoding it in halves", len(batch), error)
        middle = len(batch) // 2
        outputs: list[Decoded] = []
        for half in (batch[:middle], batch[middle:]):
            try:
                outputs.extend(self._decoded(result.result()) for result in self._submit(half, repetition_penalty))
            except (RuntimeError, ValueError) as exc:
                outputs.extend(self._in_halves(half, repetition_penalty, exc))
        return outputs

    def _submit(self, batch: list[list[str]], repetition_penalty: float) -> list[Any]:
        prefix = self.target_prefix
        limits = self.limits
        # Equal lengths: one output cap fits the whole batch.
        prefix_tokens = 1 if prefix else 0
        longest_output = min(limits.max_output, OUTPUT_PER_INPUT_TOKEN * len(batch[0]) + OUTPUT_MARGIN_TOKENS + prefix_tokens)
        results: list[Any] = self._load().translate_batch(
            batch,
            target_prefix=[[prefix]] * len(batch) if prefix else None,
            replace_unknowns=True,
            beam_size=ARGOS_BEAM_SIZE,
            num_hypotheses=1,
            length_penalty=ARGOS_LENGTH_PENALTY,
            repetition_penalty=repetition_penalty,
            max_input_length=0,  # inputs are already cut to the model's limit
            max_decoding_length=longest_output,
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
        return Decoded(self.detokenize(tokens), score, confidence)

    def _load(self) -> Any:
        if self._model is None:
            import ctranslate2

            log.info("loading %s (%s)", self.model_dir, self._compute_type)
            try:
                self._model = ctranslate2.Translator(
                    str(self.model_dir),
                    device="cpu",
                    compute_type=self._compute_type,
                    # Several batches in parallel, one core each, beats one batch split
                    # across the cores (3.4x on the test package, 2 cores), and is
                    # CTranslate2's advice for throughput. Numerically the same.
                    inter_threads=self._threads or os.cpu_count() or 1,
                    intra_threads=1,
                )
            except (RuntimeError, ValueError) as exc:
                raise TranslationError(f"cannot load the model in {self.model_dir}: {exc}") from exc
        return self._model
