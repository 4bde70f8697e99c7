"""Scoring key-sentence selectors on EASC with a fixed protocol.

Protocol: text is normalised (``normalize_for_matching``), tokens are ``\\w+`` runs,
no stemming. Every system is given the same sentences (our splitter) and returns
them in its order of preference; sentences are added in that order until the
article's budget is reached (the mean length in words of its reference summaries;
the last sentence may cross it), then put back in article order. ROUGE-1, -2 and -L
F1 are computed against each reference, averaged over the references, then over
the articles. Articles per second times only the ranking, which is what differs.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from briefing.arabic import split_sentences
from briefing.arabic.tokenize import word_tokens
from briefing.evaluate.rouge import rouge_l_f1, rouge_n_f1
from briefing.types import Sentence

__all__ = ["EvaluationArticle", "Ranker", "SystemScore", "load_easc", "score_system", "system_rankers", "take_budget"]

Ranker = Callable[[list[Sentence], str], Iterable[Sentence]]


@dataclass(frozen=True, slots=True)
class EvaluationArticle:
    id: str
    sentences: tuple[Sentence, ...]
    references: tuple[tuple[str, ...], ...]
    """Reference summaries as protocol tokens."""

    lengths: tuple[int, ...]
    """Protocol tokens in each sentence."""

    @property
    def budget(self) -> float:
        return sum(len(r) for r in self.references) / len(self.references)


@dataclass(frozen=True, slots=True)
class SystemScore:
    rouge1: float
    rouge2: float
    rougeL: float
    docs_per_s: float


def load_easc(path: Path) -> list[EvaluationArticle]:
    articles = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        sentences = tuple(Sentence(text, i) for i, text in enumerate(split_sentences(record["article"])))
        references = tuple(tuple(word_tokens(summary)) for summary in record["summaries"] if summary.strip())
        if sentences and references:
            lengths = tuple(len(word_tokens(s.text)) for s in sentences)
            articles.append(EvaluationArticle(record["id"], sentences, references, lengths))
    return articles


def take_budget(article: EvaluationArticle, preference: Iterable[Sentence]) -> list[Sentence]:
    """Sentences in order of preference until the budget is reached (the last may cross it)."""
    taken: list[Sentence] = []
    words = 0
    for sentence in preference:
        if words >= article.budget:
            break
        taken.append(sentence)
        words += article.lengths[sentence.index]
    return taken


def score_system(articles: list[EvaluationArticle], rank: Ranker) -> SystemScore:
    started = time.perf_counter()
    selections = [take_budget(a, rank(list(a.sentences), "")) for a in articles]
    elapsed = time.perf_counter() - started
    totals = [0.0, 0.0, 0.0]
    for article, taken in zip(articles, selections, strict=True):
        candidate = [t for s in sorted(taken, key=lambda s: s.index) for t in word_tokens(s.text)]
        refs = [list(r) for r in article.references]
        totals[0] += sum(rouge_n_f1(candidate, r, 1) for r in refs) / len(refs)
        totals[1] += sum(rouge_n_f1(candidate, r, 2) for r in refs) / len(refs)
        totals[2] += sum(rouge_l_f1(candidate, r) for r in refs) / len(refs)
    n = len(articles)
    return SystemScore(totals[0] / n, totals[1] / n, totals[2] / n, n / elapsed if elapsed else float("inf"))


def system_rankers(stemmer: str = "snowball") -> dict[str, Ranker]:
    """``briefing`` (our selector), ``lead``, and sumy's LexRank and TextRank when sumy is installed."""
    from briefing.summarize import LeadSelector, SalienceSelector

    rankers: dict[str, Ranker] = {
        "briefing": SalienceSelector(stemmer=stemmer).rank_sentences,
        "lead": LeadSelector().rank_sentences,
    }
    try:
        from briefing.evaluate.sumy_systems import sumy_rankers
    except ImportError:
        return rankers
    rankers.update(sumy_rankers())
    return rankers
