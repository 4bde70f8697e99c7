"""The translation engine: memory, placeholders, one batched decode, checks, flags.

``TranslationEngine.translate(texts)``:

1. protect each distinct text (glossary terms, URLs, codes, numbers -> placeholders);
2. look the protected texts up in the translation memory;
3. decode the rest in one batched call;
4. decode again, with a repetition penalty, those that came back in a loop;
5. put the placeholders back; where one went missing, repeated, garbled or was invented,
   decode the plain text instead (and drop any placeholder remnant it still holds);
6. remember what the model said; flag what a reader should check.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

from briefing import progress
from briefing.config import DEFAULT_MIN_CONFIDENCE
from briefing.store import MemoryEntry, TranslationMemory
from briefing.translate.ctranslate import Decoded
from briefing.translate.guards import (
    FLAG_GLOSSARY_NOT_APPLIED,
    FLAG_LENGTH,
    FLAG_LOW_CONFIDENCE,
    FLAG_PLACEHOLDER_REMOVED,
    FLAG_TRUNCATED,
    has_repetition_loop,
    text_checks,
)
from briefing.translate.protect import Glossary, Protected, has_remnant, protect, remove_remnants, restore
from briefing.types import Translation

__all__ = ["DEFAULT_MIN_CONFIDENCE", "REPETITION_PENALTY", "Decoder", "TranslationCounts", "TranslationEngine"]

log = logging.getLogger(__name__)

# CTranslate2 repetition penalty for the second decode of a looping sentence; 1.2 is
# the usual setting for breaking loops without distorting the rest.
REPETITION_PENALTY = 1.2


class Decoder(Protocol):
    """What the engine needs from a model (``ArgosModel`` is one)."""

    @property
    def name(self) -> str: ...

    @property
    def fingerprint(self) -> str: ...

    def decode(self, sentences: list[str], *, repetition_penalty: float = 1.0) -> list[Decoded]: ...


@dataclass(slots=True)
class TranslationCounts:
    """What the engine did so far: texts sent to the model (retries included) and texts
    the memory gave back."""

    by_model: int = 0
    from_memory: int = 0


@dataclass(frozen=True, slots=True)
class _Result:
    decoded: Decoded
    from_memory: bool
    re_decoded: bool


class TranslationEngine:
    def __init__(
        self,
        decoder: Decoder,
        *,
        glossary: Glossary | None = None,
        memory: TranslationMemory | None = None,
        min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    ) -> None:
        self.decoder = decoder
        self._glossary = glossary or Glossary({})
        self._memory = memory
        self._min_confidence = min_confidence
        self.counts = TranslationCounts()

    @property
    def name(self) -> str:
        return self.decoder.name

    def translate(self, texts: list[str]) -> dict[str, Translation]:
        """Each distinct text once; the model sees only what memory does not hold."""
        # 1. Placeholders.
        protected = {text: protect(text, self._glossary) for text in dict.fromkeys(texts)}
        # 2-4. Memory, then the model for the rest.
        results = self._decode_all([p.text for p in protected.values()])
        # 5. Placeholders back; a sentence whose placeholders did not come back as sent is
        # decoded plain (one that had none was decoded plain already).
        restored: dict[str, str | None] = {t: restore(results[p.text].decoded.text, p) for t, p in protected.items()}
        lost = [t for t, english in restored.items() if english is None and protected[t].text != t]
        if lost:
            log.info("%d sentence(s) lost a placeholder; decoding them without", len(lost))
            results.update(self._decode_all(lost, stage="translating again the sentences that lost a name"))
        # 6. Checks and flags.
        return {
            text: self._finish(p, results, restored[text]) for text, p in protected.items()
        }

    def _decode_all(self, inputs: list[str], *, stage: str = "translating sentences") -> dict[str, _Result]:
        wanted = list(dict.fromkeys(inputs))
        results: dict[str, _Result] = {}
        if self._memory is not None:
            for source, entry in self._memory.lookup(self.decoder.fingerprint, wanted).items():
                decoded = Decoded(entry.output, entry.score, entry.confidence, entry.truncated)
                results[source] = _Result(decoded, from_memory=True, re_decoded=entry.re_decoded)
            self.counts.from_memory += len(results)
        todo = [s for s in wanted if s not in results]
        if not todo:
            return results
        progress.stage(stage, len(todo))
        fresh = dict(zip(todo, self.decoder.decode(todo), strict=True))
        self.counts.by_model += len(todo)
        looping = [s for s in todo if has_repetition_loop(fresh[s].text)]
        retried: dict[str, Decoded] = {}
        if looping:
            log.info("%d sentence(s) came back in a loop; decoding again with a repetition penalty", len(looping))
            progress.stage("translating again the sentences that looped", len(looping))
            retried = dict(zip(looping, self.decoder.decode(looping, repetition_penalty=REPETITION_PENALTY), strict=True))
            self.counts.by_model += len(looping)
        for source in todo:
            results[source] = _Result(retried.get(source, fresh[source]), from_memory=False, re_decoded=source in retried)
        if self._memory is not None:
            self._memory.remember(
                self.decoder.fingerprint,
                [
                    MemoryEntry(s, r.decoded.text, r.decoded.score, r.decoded.confidence, r.re_decoded, r.decoded.truncated)
                    for s in todo
                    for r in [results[s]]
                ],
            )
        return results

    def _finish(self, protected: Protected, results: dict[str, _Result], restored: str | None) -> Translation:
        flags: list[str] = []
        if restored is not None:
            result, english = results[protected.text], restored
        else:
            result, english = results[protected.source], results[protected.source].decoded.text
            if has_remnant(english):  # the model writes placeholders of its own: never shown
                english = remove_remnants(english)
                flags.append(FLAG_PLACEHOLDER_REMOVED)
            if any(term not in english for term in protected.terms):
                flags.append(FLAG_GLOSSARY_NOT_APPLIED)
        checks = text_checks(protected.source, english)
        if result.decoded.truncated:  # shorter than its source by design: the mark says why
            checks = [flag for flag in checks if flag != FLAG_LENGTH]
        flags.extend(checks)
        if result.decoded.confidence < self._min_confidence:
            flags.append(FLAG_LOW_CONFIDENCE)
        if result.decoded.truncated:
            flags.append(FLAG_TRUNCATED)
        return Translation(
            source=protected.source,
            text=english,
            score=result.decoded.score,
            confidence=result.decoded.confidence,
            origin="memory" if result.from_memory else "model",
            flags=tuple(flags),
        )
