"""Who said what, in whose words: for each story of two outlets or more, the reprints'
word changes (``reprints``), each outlet's labels for the actors (``actors``) and each
outlet's distinctive words against the others (``wording``).

Pure: stories and the day's articles in, one ``Framing`` per story out. The English of the
changed phrases and distinctive words is the translation stage's (machine translation);
the labels' English is composed from the shipped tables.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from difflib import SequenceMatcher

from briefing.arabic.normalize import normalize_for_matching
from briefing.framing.actors import ActorTable, actor_labels, starter_actors
from briefing.framing.reprints import reprint_diffs
from briefing.framing.wording import DayWords, article_terms, distinctive_words
from briefing.types import DistinctiveWord, Framing, ReprintDiff, Story, WordChange

__all__ = [
    "CHANGES_SHOWN", "CHANGE_WORDS_SHOWN", "DISTINCTIVE_OUTLETS_SHOWN", "DISTINCTIVE_WORDS_SHOWN", "REPRINTS_SHOWN", "ActorTable",
    "frame_stories", "is_respelling", "shown_changes", "shown_distinctive", "shown_phrases", "shown_reprints", "starter_actors",
]

# What a page shows of a story's framing (the --json report has all of it), and so what is
# translated. On 2015-07-21 the featured stories had up to 10 reprint pairs and 37 changes,
# some of 100 words and more (a paragraph rewritten): all of it took the PDF from 25 to 34
# pages. A page shows the pairs with the most word-for-word replacements (the framing
# edits: "organisation" to "militia"), the shortest replacements first, each phrase cut at
# CHANGE_WORDS_SHOWN words.
REPRINTS_SHOWN = 2
CHANGES_SHOWN = 4
CHANGE_WORDS_SHOWN = 10
DISTINCTIVE_OUTLETS_SHOWN = 3
DISTINCTIVE_WORDS_SHOWN = 3
# A replacement whose two sides, folded and without proclitics, share this much of their
# letters (difflib's ratio) is the same words respelt or re-inflected, not reworded: "التي"
# to "والتي" (1.0), "الكونجرس" to "الكونغرس" and "الحوثيين" to "الحوثيون" (0.88), "في منطقة"
# to "بمنطقة" (0.83). On 2015-07-21's featured reprints 14 of the 54 changes a page showed
# were such; the framing edits read there and in the seeds stay under 0.75 ("الرئيس الأسد"
# to "بشار الأسد" 0.74, "المعارضة" to "المعارضة المسلحة" 0.70, "تنظيم "قسد"" to "ميليشيا
# قسد" 0.40, "المصادر" to "الوكالة" 0.43). The --json report keeps every change.
RESPELLING_SIMILARITY = 0.8
_PROCLITICS = re.compile(r"^[وف]?[بلك]?(?=\w{3})")


def frame_stories(stories: Sequence[Story], actors: ActorTable, *, wanted: Sequence[bool] | None = None) -> list[Framing]:
    """The framing of each of ``stories``: the reprints' changes, the actors' labels and
    each outlet's distinctive words of every story of two outlets or more (empty for a
    story of one outlet, and for one whose ``wanted`` is False). The prior of the
    distinctive words is all of the stories' articles (the day's), whichever are framed.

    All of it, for every story: on 2015-07-21 (267 stories of two outlets or more) the
    reprints take 0.21 s, the labels 0.20 s, the words 0.18 s and their prior 0.11 s of
    processor time, the paragraphs compared as the grouping hashed them
    (``StoryArticle.paragraph_shingles``) and the words counted from its stems
    (``StoryArticle.terms``; ``benchmarks/framing_day.py``). A page shows the featured
    stories' framing (0.24 s for 2015-07-21's ten, the prior included); ``--json`` has every
    story's."""
    framed = [story.outlet_count >= 2 and (wanted is None or wanted[k]) for k, story in enumerate(stories)]
    if not any(framed):
        return [Framing() for _ in stories]
    # Each story's terms found once, for the prior and for its outlets' counts.
    terms = [article_terms(story) for story in stories]
    day = DayWords.of_terms(found for story_terms in terms for found in story_terms.values())
    return [
        Framing(reprint_diffs(story), actor_labels(story.articles, actors), distinctive_words(story, day, story_terms))
        if frame else Framing()
        for story, story_terms, frame in zip(stories, terms, framed, strict=True)
    ]


def shown_reprints(framing: Framing) -> list[ReprintDiff]:
    """The reprint pairs a page shows: most short replacements first (then as found)."""
    def short_replacements(diff: ReprintDiff) -> int:
        return sum(1 for c in diff.changes if c.kind == "replaced" and _words(c) <= CHANGE_WORDS_SHOWN)

    ranked = sorted(enumerate(framing.reprints), key=lambda item: (-short_replacements(item[1]), item[0]))
    return [diff for _, diff in ranked[:REPRINTS_SHOWN]]


def shown_changes(diff: ReprintDiff) -> list[WordChange]:
    """The changes a page shows of a pair: replacements first, shortest first, respellings
    left to the --json report; each phrase cut at ``CHANGE_WORDS_SHOWN`` words (with "…")."""
    reworded = [(n, c) for n, c in enumerate(diff.changes) if not is_respelling(c)]
    ranked = sorted(reworded, key=lambda item: (item[1].kind != "replaced", _words(item[1]), item[0]))
    return [WordChange(_cut(c.before), _cut(c.after)) for _, c in ranked[:CHANGES_SHOWN]]


def shown_distinctive(framing: Framing) -> list[DistinctiveWord]:
    """The most distinctive words (``DISTINCTIVE_WORDS_SHOWN``) of the first
    ``DISTINCTIVE_OUTLETS_SHOWN`` outlets that have some."""
    outlets = list(dict.fromkeys(w.outlet for w in framing.distinctive))[:DISTINCTIVE_OUTLETS_SHOWN]
    shown: list[DistinctiveWord] = []
    for outlet in outlets:
        shown += [w for w in framing.distinctive if w.outlet == outlet][:DISTINCTIVE_WORDS_SHOWN]
    return shown


def shown_phrases(framing: Framing) -> list[str]:
    """The Arabic a page shows of the framing that needs English (the labels' is composed)."""
    phrases = [t for d in shown_reprints(framing) for c in shown_changes(d) for t in (c.before, c.after) if t]
    return list(dict.fromkeys([*phrases, *(w.ar for w in shown_distinctive(framing))]))


def is_respelling(change: WordChange) -> bool:
    """Whether ``change`` replaces words with the same ones respelt or re-inflected (see
    ``RESPELLING_SIMILARITY``); an insertion or deletion never is."""
    if not change.before or not change.after:
        return False
    before, after = _letters(change.before), _letters(change.after)
    return SequenceMatcher(None, before, after, autojunk=False).ratio() >= RESPELLING_SIMILARITY


def _letters(phrase: str) -> str:
    return "".join(_PROCLITICS.sub("", word) for word in normalize_for_matching(phrase).split())


def _words(change: WordChange) -> int:
    return len(change.before.split()) + len(change.after.split())


def _cut(phrase: str) -> str:
    words = phrase.split()
    return phrase if len(words) <= CHANGE_WORDS_SHOWN else " ".join(words[:CHANGE_WORDS_SHOWN]) + " …"
