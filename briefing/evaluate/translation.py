"""Translation quality on NTREX, for every installed model of the pair.

Each model translates NTREX's Arabic (a human translation of English news, 1,997
segments) through the whole engine, as a briefing would (placeholders, checks; no
memory), and is scored against the English original with sacrebleu's corpus BLEU and
chrF at their standard settings (13a tokenisation, as published figures use). Also
given: sentences per second (decoding included, loading not), the share of its outputs
the checks mark, and the share of the human translations the same checks would mark
(their false alarms).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from briefing.translate import Decoder, Glossary

__all__ = ["ModelScore", "TranslationEvaluation", "evaluate_translation", "load_ntrex"]


@dataclass(frozen=True, slots=True)
class ModelScore:
    bleu: float
    chrf: float
    sentences_per_s: float
    flagged: float
    """Share of the model's outputs that carry a mark."""


@dataclass(frozen=True, slots=True)
class TranslationEvaluation:
    models: dict[str, ModelScore]
    n_segments: int
    reference_flagged: float
    """Share of the human translations the checks would mark."""

    def as_json(self) -> dict[str, object]:
        return {
            "models": {
                name: {"bleu": s.bleu, "chrf": s.chrf, "sentences_per_s": s.sentences_per_s, "flagged": s.flagged}
                for name, s in self.models.items()
            },
            "n_segments": self.n_segments,
            "reference_flagged": self.reference_flagged,
        }


def load_ntrex(folder: Path, limit: int | None = None) -> tuple[list[str], list[str]]:
    """(Arabic, English) segments of NTREX (``ar.txt`` and ``en.txt``, line by line), the first ``limit``."""
    arabic = (folder / "ar.txt").read_text(encoding="utf-8").splitlines()
    english = (folder / "en.txt").read_text(encoding="utf-8").splitlines()
    if len(arabic) != len(english):
        raise ValueError(f"{folder}: ar.txt has {len(arabic)} lines, en.txt {len(english)}")
    return arabic[:limit], english[:limit]


def evaluate_translation(
    arabic: list[str], english: list[str], models: Mapping[str, Decoder], glossary: Glossary | None = None
) -> TranslationEvaluation:
    """Score each model (a name -> ``Decoder``) on the segments."""
    import sacrebleu

    from briefing.translate import TranslationEngine
    from briefing.translate.guards import text_checks

    scores = {}
    for name, decoder in models.items():
        decoder.decode(["هذا خبر."])  # loaded before the clock starts
        engine = TranslationEngine(decoder, glossary=glossary)
        started = time.perf_counter()
        translations = engine.translate(arabic)
        seconds = time.perf_counter() - started
        outputs = [translations[a].text for a in arabic]
        scores[name] = ModelScore(
            bleu=round(sacrebleu.corpus_bleu(outputs, [english]).score, 2),
            chrf=round(sacrebleu.corpus_chrf(outputs, [english]).score, 2),
            sentences_per_s=round(len(arabic) / seconds, 1) if seconds else 0.0,
            flagged=round(sum(bool(translations[a].flags) for a in arabic) / len(arabic), 4),
        )
    reference_flagged = sum(bool(text_checks(a, e)) for a, e in zip(arabic, english, strict=True)) / len(arabic)
    return TranslationEvaluation(scores, len(arabic), round(reference_flagged, 4))
