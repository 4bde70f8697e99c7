from __future__ import annotations

import pytest

from briefing.errors import IngestError
from briefing.ingest.decode import charset_from_html, decode_bytes, known_charset

SENTENCE = (
    'كشفت مصادر خاصة لـ "سبوتنيك"، أن اجتماعا عقد بين ضباط في الجيش الروسي والقوات التركية في محيط مدينة'
    " عين عيسى بريف الرقة الشمالي.\nوأضافت المصادر أن الاجتماع تناول الأوضاع الميدانية؟"
)
UNDECODABLE = "cannot tell the text encoding (not UTF-8, Windows-1256 or ISO-8859-6)"


@pytest.mark.parametrize("codec", ["utf-8", "cp1256", "iso8859-6"])
@pytest.mark.parametrize("declared", [None, "windows-1256", "ISO-8859-6", "utf-8", "iso-8859-1"])
def test_arabic_decodes_exactly_whatever_the_declaration_says(codec: str, declared: str | None) -> None:
    # A wrong declaration (a UTF-8 page served as windows-1256, a Latin-1 header) must not win.
    assert decode_bytes(SENTENCE.encode(codec), declared) == SENTENCE


def test_utf8_byte_order_mark_is_dropped() -> None:
    assert decode_bytes(b"\xef\xbb\xbf" + SENTENCE.encode("utf-8")) == SENTENCE


def test_the_two_single_byte_charsets_really_differ_on_this_sentence() -> None:
    # Otherwise the tests above could pass by luck.
    assert SENTENCE.encode("cp1256") != SENTENCE.encode("iso8859-6")
    assert SENTENCE.encode("iso8859-6").decode("cp1256") != SENTENCE


def test_a_declared_charset_breaks_a_tie_and_windows_1256_wins_without_one() -> None:
    # Bytes both charsets read as Arabic letters, different ones: "عرض" in ISO-8859-6 is "ظرض" in Windows-1256.
    data = "عرض".encode("iso8859-6")
    assert data.decode("cp1256") == "ظرض"
    assert decode_bytes(data, "iso-8859-6") == "عرض"
    assert decode_bytes(data) == "ظرض"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b" \r\n\t ", "empty file"),
        (b"\xef\xbb\xbf  \n", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file (contains NUL bytes)"),
        ("café crème brûlée à la française".encode("latin-1"), UNDECODABLE),
        (bytes(range(1, 32)) + "خبر".encode("cp1256"), UNDECODABLE),
    ],
)
def test_unreadable_input_is_refused_with_the_reason(data: bytes, reason: str) -> None:
    with pytest.raises(IngestError) as caught:
        decode_bytes(data)
    assert str(caught.value) == reason


def test_a_byte_order_mark_before_bytes_that_are_not_utf8_is_refused() -> None:
    with pytest.raises(IngestError, match="^not UTF-8 text despite its byte-order mark"):
        decode_bytes(b"\xef\xbb\xbf" + SENTENCE.encode("cp1256"))


@pytest.mark.parametrize(
    ("head", "charset"),
    [
        (b'<html><head><meta charset="windows-1256"><title>', "windows-1256"),
        (b"<meta charset=UTF-8>", "utf-8"),
        (b'<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=ISO-8859-6">', "iso-8859-6"),
        (b'<?xml version="1.0" encoding="windows-1256"?><rss>', "windows-1256"),
        (b"<html><head><title>no declaration</title></head>", None),
    ],
)
def test_charset_from_html(head: bytes, charset: str | None) -> None:
    assert charset_from_html(head) == charset


def test_charset_from_html_looks_only_at_the_start() -> None:
    assert charset_from_html(b"<!-- " + b"x" * 5000 + b' --><meta charset="windows-1256">') is None


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("Windows-1256", "cp1256"),
        ("x-cp1256", "cp1256"),
        ("arabic", "iso8859-6"),
        ('"utf8"', "utf-8"),
        ("latin1", None),
    ],
)
def test_known_charset(label: str, codec: str | None) -> None:
    assert known_charset(label) == codec
