"""One article from plain text: its title, its body without page furniture, its id.

Every source ends here: a text file, a JSON record, a feed entry and a page all give
their text to ``article_from_text``, so the same article gets the same id whatever
brought it. A text may start with a title line, often repeated just below it, and may
end in page furniture copied from the outlet's site ("التعليقات (0)", "الأكثر قراءة",
menu lines with emoji). The title is found and its repeat dropped; the furniture is
dropped; a text with no title line gets one made from its first sentence. The
article's own lines are kept exactly as written.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from briefing.arabic import normalize_for_matching, split_sentences, split_words
from briefing.errors import IngestError
from briefing.ingest.metadata import EmptyError, NotArabicError, display_text, has_arabic_letter, require_arabic
from briefing.types import Article

__all__ = ["DERIVED_TITLE_WORDS", "MAX_ARTICLE_CHARS", "TITLE_MAX_WORDS", "article_from_text"]

# Longest text taken as one article, whatever brought it (a file, a JSON record, a feed
# entry, a page): the 2 MB file cap in Arabic UTF-8 (two bytes a letter) is about a
# million characters. Every later pass is linear in this, and some keep one number per
# word, so it also bounds the memory one article can take.
MAX_ARTICLE_CHARS = 1_000_000
# A first line is a title only if it is short and has no sentence-ending mark.
# Arabic headlines run 6-15 words (the seed's has 10); 25 leaves margin.
TITLE_MAX_WORDS = 25
# A first line repeated within this many paragraphs below is the title, whatever it ends with.
TITLE_REPEAT_WINDOW = 3
# A title made from a first sentence keeps this many words, then "…". 15 holds
# who-did-what of an Arabic lead and stays on one line in the PDF.
DERIVED_TITLE_WORDS = 15
# Trailing lines this short, with no sentence end, are navigation, not text.
FURNITURE_MAX_WORDS = 4
_FURNITURE_PHRASES = re.compile(
    r"^(التعليقات|تعليقات|الأكثر قراءة|الأكثر مشاهدة|اقرأ أيضا|اقرأ أيضاً|شارك|مشاركة|تابعونا|أهم المواضيع|أهم التصنيفات)"
    r"\s*(\(\d+\)|\d+)?$"  # the whole line, with an optional count: "التعليقات (0)"
)
_SENTENCE_END = re.compile(r"[.!?؟…][\"'»”’)\]]*$")
# Headlines may end in "؟" or "!", but a line ending in a full stop is a sentence.
_FULL_STOP_END = re.compile(r"[.…][\"'»”’)\]]*$")


def article_from_text(source: str, text: str, *, entities: bool = False) -> Article:
    """The article in ``text``: its title, its body without furniture, its id.

    Its title and body are shown as ``display_text`` has them (invisible format
    characters dropped; with ``entities``, HTML entities decoded once), but its id is
    taken from the text as written, as earlier versions took it: both are folded alike for
    matching (the marks dropped), and an article read before an upgrade is not new after it.

    Raises EmptyError when there is no article text, NotArabicError when it is not
    Arabic, IngestError when it is longer than ``MAX_ARTICLE_CHARS``.
    """
    if len(text) > MAX_ARTICLE_CHARS:
        raise IngestError(f"text longer than {MAX_ARTICLE_CHARS:,} characters; too long for one article")
    lines = _drop_trailing_furniture([line.strip() for line in text.splitlines()])
    if not any(lines):
        raise EmptyError("no article text (only page furniture)")
    title, body_lines, derived = _take_title(lines)
    # Keep the line structure: blank lines end paragraphs, single breaks may be wraps
    # (the sentence splitter decides); runs of blank lines become one.
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(body_lines)).strip()
    if not body:
        raise EmptyError("no article text after the title")
    if not has_arabic_letter(body):
        raise NotArabicError("no Arabic text")
    require_arabic(f"{title}\n{body}")
    if derived:
        title = _title_from_first_sentence(body)
    digest = hashlib.sha256(normalize_for_matching(body).encode("utf-8")).hexdigest()
    shown_title, shown_body = display_text(title, entities=entities), display_text(body, entities=entities)
    if not split_words(shown_title) and not derived:  # a headline made of marks, joiners and controls
        shown_title, derived = _title_from_first_sentence(shown_body), True
    if shown_title != title:
        shown_title = " ".join(shown_title.split())  # a decoded &#10; or &nbsp; is a space in a headline
    return Article(id=digest[:16], source=source, title=shown_title, title_derived=derived, body=shown_body)


def _take_title(lines: list[str]) -> tuple[str, list[str], bool]:
    """(title, remaining lines, derived?): the first line if it is a headline, with its repeats."""
    filled = [i for i, line in enumerate(lines) if line]
    first = lines[filled[0]]
    key = normalize_for_matching(first)
    nearby = filled[1 : 1 + TITLE_REPEAT_WINDOW]
    repeats = [i for i in nearby if normalize_for_matching(lines[i]) == key]
    # A short first line is a headline only when a blank line follows it: in hard-wrapped
    # text a short first line is just the start of the first sentence.
    set_apart = filled[0] + 1 < len(lines) and not lines[filled[0] + 1]
    short_headline = (
        set_apart and len(split_words(first)) <= TITLE_MAX_WORDS and not _FULL_STOP_END.search(first)
    )
    if (repeats or short_headline) and len(filled) > 1 + len(repeats):
        # Sites often print the headline twice; its repeats near the top go with it.
        dropped = {filled[0], *repeats}
        return first, [line for i, line in enumerate(lines) if i not in dropped], False
    return "", lines, True


def _title_from_first_sentence(body: str) -> str:
    sentences = split_sentences(body)
    sentence = sentences[0] if sentences else body
    words = sentence.split()
    if len(words) <= DERIVED_TITLE_WORDS:
        return sentence.rstrip(".!?؟…")
    return " ".join(words[:DERIVED_TITLE_WORDS]).rstrip("،,؛;:") + "…"


def _drop_trailing_furniture(lines: list[str]) -> list[str]:
    """Drop the page furniture at the end: sure signs first, then short lines among them.

    A short line without an end mark counts as furniture only once a sure sign (a known
    phrase, a counter, an emoji-led menu entry) has been seen below it, so a short last
    paragraph of the article itself ("وختم قائلا: لن نتراجع") is kept.
    """
    end = len(lines)
    seen_sure_sign = False
    while end > 0:
        line = lines[end - 1]
        if not line:
            pass
        elif _is_sure_furniture(line):
            seen_sure_sign = True
        elif not (seen_sure_sign and _is_short_unfinished(line)):
            break
        end -= 1
    return lines[:end]


def _is_sure_furniture(line: str) -> bool:
    if _FURNITURE_PHRASES.match(line):
        return True
    if not split_words(line) or line.isdigit():
        return True  # bare counters ("0") and separators
    return unicodedata.category(line[0]) in ("So", "Sk", "Cs")  # menu entries led by an emoji or symbol


def _is_short_unfinished(line: str) -> bool:
    return len(split_words(line)) <= FURNITURE_MAX_WORDS and not _SENTENCE_END.search(line)

