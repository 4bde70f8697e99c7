"""sumy's LexRank and TextRank as rankers over our sentences (the ``bench`` extra).

sumy is given exactly our sentences (one paragraph, in order) and a word tokenizer
of ``\\w+`` runs, so only the ranking differs; its own tokenizers need NLTK data that
would have to be downloaded. Its ranking is read off ``_get_best_sentences`` by
asking for a count that is a function: sumy passes it every sentence sorted by
rating (ties in document order).
"""

from __future__ import annotations

from typing import Any

from sumy.models.dom import ObjectDocumentModel, Paragraph
from sumy.models.dom import Sentence as SumySentence
from sumy.summarizers.lex_rank import LexRankSummarizer
from sumy.summarizers.text_rank import TextRankSummarizer

from briefing.types import Sentence

__all__ = ["sumy_rankers", "sumy_tokenizer"]

def sumy_tokenizer() -> Any:
    from sumy.nlp.tokenizers import Tokenizer

    return Tokenizer("arabic")


def _ranker(summarizer: Any) -> Any:
    tokenizer = sumy_tokenizer()

    def rank(sentences: list[Sentence], title: str = "") -> list[Sentence]:
        if len(sentences) <= 1:
            return list(sentences)
        ours = [SumySentence(s.text, tokenizer) for s in sentences]
        document = ObjectDocumentModel([Paragraph(ours)])
        order: list[Any] = []

        def everything_in_rating_order(infos: list[Any]) -> list[Any]:
            order.extend(infos)
            return infos

        summarizer(document, everything_in_rating_order)
        position = {id(s): i for i, s in enumerate(ours)}
        return [sentences[position[id(info.sentence)]] for info in order]

    return rank


def sumy_rankers() -> dict[str, Any]:
    return {"sumy-lexrank": _ranker(LexRankSummarizer()), "sumy-textrank": _ranker(TextRankSummarizer())}
