"""Facts about an article's text that the ingesters share: a date written in it, and
whether it is Arabic at all.

Both work on the text alone, so a page with no metadata, a feed entry and a text file
are judged the same way. Standard library only.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import re
from urllib.parse import urlsplit

from briefing.arabic import normalize_for_matching
from briefing.errors import IngestError

__all__ = [
    "MAX_YEAR",
    "MIN_ARABIC_SHARE",
    "MIN_YEAR",
    "EmptyError",
    "NotArabicError",
    "arabic_share",
    "date_in_text",
    "date_in_url",
    "display_text",
    "is_arabic",
    "require_arabic",
    "skip_kind",
]

# A text is Arabic when at least this share of its letters are Arabic. Arabic news
# copy is over 90% Arabic letters (Latin appears only in names, acronyms and URLs:
# "CNN", "www.spa.gov.sa"); an English or French page that quotes an Arabic phrase or
# carries an Arabic menu stays far below half. A simple majority separates the two with
# a wide margin on both sides, so the exact value matters little.
MIN_ARABIC_SHARE = 0.5
# Years accepted in a date found in the text. The oldest archives our sources publish
# online start in the 1990s; anything outside this range is a number that happens to
# look like a date (a phone number, a law's number "15/3/1185").
MIN_YEAR = 1990
MAX_YEAR = 2100


class NotArabicError(IngestError):
    """The item reads fine but is not in Arabic: reported as a language skip, not a failure."""


class EmptyError(IngestError):
    """The item holds no article text (an empty file or record): reported as kind ``empty``, not a failure."""


def skip_kind(error: IngestError) -> str:
    """The ``SkippedItem.kind`` an ingest error stands for."""
    if isinstance(error, NotArabicError):
        return "language"
    if isinstance(error, EmptyError):
        return "empty"
    return "unreadable"


def _is_arabic_letter(ch: str) -> bool:
    # Arabic, Arabic Supplement, Arabic Extended-A and the presentation forms.
    code = ord(ch)
    in_block = 0x0600 <= code <= 0x06FF or 0x0750 <= code <= 0x077F or 0x08A0 <= code <= 0x08FF
    in_forms = 0xFB50 <= code <= 0xFDFF or 0xFE70 <= code <= 0xFEFF
    return (in_block or in_forms) and ch.isalpha()


_LETTER = re.compile(r"[^\W\d_]")


@functools.cache
def _arabic_letter_pattern() -> re.Pattern[str]:
    """A character class of exactly the characters ``_is_arabic_letter`` accepts."""
    blocks = [(0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF)]
    letters = [chr(c) for start, end in blocks for c in range(start, end + 1) if _is_arabic_letter(chr(c))]
    return re.compile("[" + "".join(re.escape(ch) for ch in letters) + "]")


def arabic_share(text: str) -> float:
    """Share of the letters in ``text`` that are Arabic letters (0.0 when it has no letters).

    Digits, punctuation and diacritics are not letters, so numbers and harakat do not
    move the share either way. Counted with regular expressions (C), not a loop per
    character: this runs on every article of a day. (``[^\\W\\d_]`` is ``isalpha`` plus
    the rare non-decimal numerals such as "²" and "½": no matter for a share.)
    """
    letters = len(_LETTER.findall(text))
    if not letters:
        return 0.0
    return len(_arabic_letter_pattern().findall(text)) / letters


def has_arabic_letter(text: str) -> bool:
    """Whether ``text`` holds any Arabic letter (stops at the first)."""
    return _arabic_letter_pattern().search(text) is not None


def is_arabic(text: str) -> bool:
    """Whether ``text`` is mostly Arabic letters (see ``MIN_ARABIC_SHARE``)."""
    return arabic_share(text) >= MIN_ARABIC_SHARE


def require_arabic(text: str) -> None:
    """Raise ``NotArabicError("not Arabic (N% Arabic letters)")`` unless ``text`` is Arabic."""
    share = arabic_share(text)
    if share < MIN_ARABIC_SHARE:
        raise NotArabicError(f"not Arabic ({round(share * 100)}% Arabic letters)")


# Month names as normalize_for_matching spells them (hamzas on alef folded, ta marbuta as
# ha): the Egyptian/Gulf names from the English months, and the Levantine/Iraqi names.
_MONTHS = {
    "يناير": 1,
    "فبراير": 2,
    "مارس": 3,
    "ابريل": 4,
    "مايو": 5,
    "يونيو": 6,
    "يونيه": 6,
    "يوليو": 7,
    "يوليه": 7,
    "اغسطس": 8,
    "سبتمبر": 9,
    "اكتوبر": 10,
    "نوفمبر": 11,
    "ديسمبر": 12,
    "كانون الثاني": 1,
    "شباط": 2,
    "اذار": 3,
    "نيسان": 4,
    "ايار": 5,
    "حزيران": 6,
    "تموز": 7,
    "اب": 8,
    "ايلول": 9,
    "تشرين الاول": 10,
    "تشرين الثاني": 11,
    "كانون الاول": 12,
}
_MONTH_NAMES = "|".join(sorted((re.escape(m) for m in _MONTHS), key=len, reverse=True))
_DATE = re.compile(
    r"(?<![\d/.-])(?:"
    r"(?P<iso_y>\d{4})-(?P<iso_m>\d{1,2})-(?P<iso_d>\d{1,2})"  # 2020-12-20
    r"|(?P<dmy_d>\d{1,2})(?P<sep>[/.-])(?P<dmy_m>\d{1,2})(?P=sep)(?P<dmy_y>\d{4})"  # 20/12/2020, 20-12-2020, 20.12.2020
    rf"|(?P<name_d>\d{{1,2}}) (?:من )?(?P<name_m>{_MONTH_NAMES}) (?:عام |سنه )?(?P<name_y>\d{{4}})"  # 20 ديسمبر 2020
    r")(?!\d|[/.-]\d)"
)


def date_in_text(text: str) -> dt.date | None:
    """The first valid date written in ``text``, or None.

    Numeric dates: ``2020-12-20`` (year first), ``20/12/2020``, ``20-12-2020`` and
    ``20.12.2020`` (day first, as Arabic papers write them), and ``20 ديسمبر 2020`` /
    ``20 كانون الأول 2020``; Arabic-Indic digits count. A match that is not a real day
    (31/02/2020) or whose year is outside MIN_YEAR..MAX_YEAR is passed over.
    """
    # normalize_for_matching folds Arabic-Indic digits to ASCII and hamza forms to bare alef.
    for match in _DATE.finditer(normalize_for_matching(text)):
        if match["iso_y"]:
            year, month, day = match["iso_y"], match["iso_m"], match["iso_d"]
        elif match["dmy_y"]:
            year, month, day = match["dmy_y"], match["dmy_m"], match["dmy_d"]
        else:
            year, month, day = match["name_y"], str(_MONTHS[match["name_m"]]), match["name_d"]
        if not MIN_YEAR <= int(year) <= MAX_YEAR:
            continue
        try:
            return dt.date(int(year), int(month), int(day))
        except ValueError:
            continue
    return None


# A date in an article's address, as news sites write it: /2015/07/20/, /20150720/ as a
# folder (al-jazirah.com, okaz.com.sa's issue folders) or 2015-07-20 in a name. Only in the
# path (not the host, the query or the fragment), and an 8-digit run only as a whole
# folder, never the last segment: "/story/20150612" is as likely an article number.
_URL_DATES = (
    re.compile(r"/(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})(?=/|$)"),
    re.compile(r"(?<![\d])(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?!\d)"),
    re.compile(r"/(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})(?=/.)"),
)


def date_in_url(url: str) -> dt.date | None:
    """The day written in an article's address (``/2015/07/20/``, ``/20150720/``,
    ``2015-07-20``), or None. On 2015-07-21's SaudiNewsNet records, three outlets put it
    there (aleqt.com, al-jazirah.com, okaz.com.sa): 294 of 760 of their articles were
    published earlier than the crawl time the records give as their date."""
    try:
        path = urlsplit(url).path
    except ValueError:
        return None
    for pattern in _URL_DATES:
        for match in pattern.finditer(path):
            year, month, day = int(match["y"]), int(match["m"]), int(match["d"])
            if MIN_YEAR <= year <= MAX_YEAR:
                try:
                    return dt.date(year, month, day)
                except ValueError:
                    continue
    return None


# Invisible format characters (Unicode Cf) a reader never sees and a PDF, a terminal or
# the Markdown may act on: direction overrides and isolates (U+202A-U+202E, U+2066-U+2069,
# the marks U+200E, U+200F, U+061C), zero-width space and no-break space (U+200B,
# U+FEFF), word joiners, soft hyphen, tags. Not ZWNJ and ZWJ (U+200C, U+200D), which
# change how Arabic and Persian letters join, nor the Arabic number signs (U+0600-U+0605).
_INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000e0000-\U000e007f]")
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def _decoded(entity: re.Match[str]) -> str:
    # A character reference to no character (&#0;, &#xD800;, past U+10FFFF) is dropped, not
    # shown as the replacement character html.unescape gives it.
    value = html.unescape(entity.group(0))
    return "" if value == "\ufffd" and entity.group(0).lower() not in ("&#65533;", "&#xfffd;") else value


def display_text(text: str, *, entities: bool = True) -> str:
    """``text`` as a reader should see it: HTML entities decoded once (``&#8220;`` is
    “; with ``entities``: text from JSON records and feeds, not from an HTML page, whose
    parser decoded them already), invisible format characters dropped."""
    if entities and "&" in text and _ENTITY.search(text):
        text = _ENTITY.sub(_decoded, text)
    return _INVISIBLE.sub("", text) if _INVISIBLE.search(text) else text
