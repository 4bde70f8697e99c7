"""Bytes to text for Arabic sources: UTF-8, Windows-1256 or ISO-8859-6, and nothing else.

Arabic sites that predate UTF-8 (and many archives of them) are still served in
Windows-1256, a few in ISO-8859-6; their headers and ``<meta>`` tags are often missing
or wrong. So the bytes decide, and a declaration only settles what they leave open:

1. A UTF-8 byte-order mark means UTF-8.
2. Bytes that are valid UTF-8 are UTF-8. Arabic in a single-byte charset is, in
   practice, never valid UTF-8 (its letters would have to pair up as lead and
   continuation bytes), so this also overrides a page that says ``windows-1256`` but is
   really UTF-8, a common server misconfiguration.
   Bytes that are UTF-8 but for a few stray ones (a truncated copy, one corrupted
   byte) are UTF-8 too, with the stray bytes replaced by U+FFFD and the repair
   reported: read as Windows-1256 they would be mojibake ("ط³ط¨ط§ظ‚"), which looks
   like Arabic letters to any letter count. Only a UTF-8 reading that fails broadly
   (``MAX_INVALID_UTF8_SHARE``) moves on to the single-byte charsets.
3. Otherwise Windows-1256 and ISO-8859-6 are both tried, strictly; the one whose text
   reads more like Arabic (share of Arabic letters, plus common words such as في من
   على) wins. On a tie the declared one wins, else Windows-1256 (far more common on
   the web). A declaration cannot win on its own: Windows-1256 decodes any bytes at
   all, so "it decodes" says nothing, and ISO-8859-6 text served as Windows-1256 would
   come out as Arabic mixed with accented Latin letters.
4. A single-byte reading that does not look like Arabic text at all is a guess with
   nothing behind it (a Latin-1 page, a binary file without NUL bytes), and the input
   is refused rather than turned into mojibake.

Deterministic: the same bytes always give the same text. Standard library only.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

from briefing.errors import IngestError
from briefing.ingest.metadata import EmptyError, arabic_share

__all__ = [
    "HTML_SNIFF_BYTES",
    "MAX_INVALID_UTF8_SHARE",
    "MIN_NON_ASCII_ARABIC_SHARE",
    "DecodedText",
    "charset_from_html",
    "decode_bytes",
    "decode_text",
    "known_charset",
]

# How far into a page to look for a <meta charset>. The HTML standard has browsers look
# at the first 1024 bytes; real pages put long <script> and <style> blocks first, so
# 4 KB is read, which still keeps a match out of the article's text.
HTML_SNIFF_BYTES = 4096
# A single-byte guess is kept only if at least this share of its non-ASCII letters are
# Arabic letters. Real Windows-1256 or ISO-8859-6 Arabic scores near 1.0 (Latin letters
# with accents appear in French names at most); ISO-8859-6 read as Windows-1256 still
# scores ~0.7 but loses to the right reading; a Latin-1 page read as Windows-1256 scores
# near 0.0. Half sits between them.
MIN_NON_ASCII_ARABIC_SHARE = 0.5
# Bytes that are not valid UTF-8, as a share of the non-ASCII bytes, up to which the
# input is UTF-8 with those bytes replaced. Arabic in Windows-1256 or ISO-8859-6 read as
# UTF-8 has 95-99 % of its non-ASCII bytes invalid (each of 2,000 SaudiNewsNet articles
# of 2015-07-21 re-encoded: at least 94.6 %); UTF-8 Arabic with a few stray bytes has a
# fraction of a per cent. Half sits far from both.
MAX_INVALID_UTF8_SHARE = 0.5
# Very common Arabic words, as whole words: the right single-byte reading is full of
# them, a wrong one has almost none (its letters are shuffled).
_COMMON_WORDS = frozenset({"في", "من", "على", "أن", "إلى", "عن", "التي", "الذي", "مع", "هذا", "بين", "قال"})
_WORD = re.compile(r"\w+")

_ASCII = bytes(range(0x80))
# What the "surrogateescape" handler makes of each byte that is not valid UTF-8.
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")
_UNDECODABLE = "cannot tell the text encoding (not UTF-8, Windows-1256 or ISO-8859-6)"
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF8 = "utf-8"
_CP1256 = "cp1256"
_ISO_8859_6 = "iso8859-6"
# The WHATWG Encoding Standard's labels for the three encodings (browsers accept these
# in headers and <meta>), mapped to Python codec names.
_LABELS = {
    **dict.fromkeys(("unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "utf-8", "utf8", "x-unicode20utf8"), _UTF8),
    **dict.fromkeys(("cp1256", "windows-1256", "x-cp1256"), _CP1256),
    **dict.fromkeys(
        (
            "arabic",
            "asmo-708",
            "csiso88596e",
            "csiso88596i",
            "csisolatinarabic",
            "ecma-114",
            "iso-8859-6",
            "iso-8859-6-e",
            "iso-8859-6-i",
            "iso-ir-127",
            "iso8859-6",
            "iso88596",
            "iso_8859-6",
            "iso_8859-6:1987",
        ),
        _ISO_8859_6,
    ),
}
_META_CHARSET = re.compile(rb"<meta\b[^>]*?\bcharset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"^\s*<\?xml\b[^>]*?\bencoding\s*=\s*[\"']([A-Za-z0-9._:-]+)", re.IGNORECASE)


def known_charset(label: str | None) -> str | None:
    """The Python codec for a charset label if it names UTF-8, Windows-1256 or ISO-8859-6."""
    if not label:
        return None
    return _LABELS.get(label.strip().strip("\"'").lower())


def charset_from_html(data: bytes) -> str | None:
    """The charset a page declares in ``<meta charset>``, ``<meta http-equiv>`` or an XML
    declaration within its first ``HTML_SNIFF_BYTES`` bytes, lower-cased; None if none.

    The label is returned as written (``"windows-1256"``), whatever it names.
    """
    head = data[:HTML_SNIFF_BYTES]
    match = _XML_ENCODING.search(head.removeprefix(_UTF8_BOM)) or _META_CHARSET.search(head)
    return match.group(1).decode("ascii").lower() if match else None


@dataclass(frozen=True, slots=True)
class DecodedText:
    """The text of some bytes, and how many invalid UTF-8 bytes had to be replaced."""

    text: str
    replaced: int = 0
    """Stray bytes in otherwise valid UTF-8, each now U+FFFD (0 for clean input)."""

    @property
    def repair(self) -> str | None:
        """What was repaired, for the run report; None when nothing was."""
        if not self.replaced:
            return None
        what = "byte" if self.replaced == 1 else "bytes"
        return f"UTF-8 with {self.replaced} invalid {what}, replaced by U+FFFD"


def decode_text(data: bytes, declared: str | None = None) -> DecodedText:
    """The text of ``data``; ``declared`` is a charset label from a header or ``<meta>``.

    Raises EmptyError for an input with no text, IngestError for a binary one and for
    one that is none of UTF-8, Windows-1256 and ISO-8859-6. Linear in the input.
    """
    if not data.strip():
        raise EmptyError("empty file")
    if b"\x00" in data:
        raise IngestError("binary file (contains NUL bytes)")
    marked = data.startswith(_UTF8_BOM)
    body = data[len(_UTF8_BOM) :] if marked else data
    utf8 = _strict(body, _UTF8)
    if utf8 is not None:
        return DecodedText(_non_empty(utf8))
    escaped = body.decode(_UTF8, "surrogateescape")
    invalid = len(_ESCAPED_BYTE.findall(escaped))
    if invalid <= MAX_INVALID_UTF8_SHARE * len(body.translate(None, _ASCII)):
        return DecodedText(_non_empty(_ESCAPED_BYTE.sub("\ufffd", escaped)), replaced=invalid)
    if marked:
        # The mark says UTF-8; guessing another charset for the rest would be mojibake.
        raise IngestError(f"not UTF-8 text despite its byte-order mark ({invalid} invalid bytes)")
    return DecodedText(_non_empty(_single_byte(data, known_charset(declared))))


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """``decode_text(data, declared).text``: for callers that need not report a repair."""
    return decode_text(data, declared).text


def _single_byte(data: bytes, declared: str | None) -> str:
    """The better Arabic reading of ``data`` in Windows-1256 or ISO-8859-6.

    The declared one goes first and so wins a tie; it loses only to a reading that is
    more Arabic. Windows-1256 decodes any bytes, so "decodes strictly" alone would let a
    wrong declaration through; ISO-8859-6 read as Windows-1256 is Arabic mixed with
    accented Latin letters and scores lower than the right reading.
    """
    order = [_CP1256, _ISO_8859_6]
    if declared in order:
        order.remove(declared)
        order.insert(0, declared)
    readings = [text for codec in order if (text := _strict(data, codec)) is not None and _looks_arabic(text)]
    if not readings:
        raise IngestError(_UNDECODABLE)
    # max() keeps the first of equal scores: the declared charset, else Windows-1256.
    return max(readings, key=_arabic_score)


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return codecs.decode(data, codec, "strict")
    except UnicodeDecodeError:
        return None


def _non_empty(text: str) -> str:
    if not text.strip():
        raise EmptyError("empty file")
    return text


def _looks_arabic(text: str) -> bool:
    """A single-byte reading is text, and its non-ASCII letters are mostly Arabic."""
    if any(unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f\v" for ch in text):
        return False  # control characters: binary data, or the wrong code page
    non_ascii = "".join(ch for ch in text if not ch.isascii())
    return any(ch.isalpha() for ch in non_ascii) and arabic_share(non_ascii) >= MIN_NON_ASCII_ARABIC_SHARE


def _arabic_score(text: str) -> float:
    """Share of Arabic letters among letters plus share of common Arabic words among words."""
    words = _WORD.findall(text)
    common = sum(1 for word in words if word in _COMMON_WORDS) / len(words) if words else 0.0
    return arabic_share(text) + common
