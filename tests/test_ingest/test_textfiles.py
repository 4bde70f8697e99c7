from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest

from briefing.errors import IngestError
from briefing.ingest import read_text_folder
from briefing.ingest.textfiles import MAX_FILE_BYTES, read_folder
from tests.conftest import SEEDS

SEED_000 = "000_95590521fceed790.txt"
SEED_001 = "001_067d577040979a17.txt"


def by_name(folder: Path) -> dict[str, object]:
    articles, _ = read_text_folder(folder)
    return {Path(a.source).name: a for a in articles}


def test_title_line_is_found_and_its_repeat_dropped() -> None:
    article = by_name(SEEDS)[SEED_000]
    assert article.title == "سباق تركي روسي لتحديد مصير عين عيسى وقسد أمام خيار وحيد"
    assert article.title_derived is False
    assert article.title not in article.body
    assert article.body.startswith("حملت الساعات الـ24 الماضية تطورات جديدة وكبيرة")


def test_page_furniture_is_dropped() -> None:
    body = by_name(SEEDS)[SEED_000].body
    assert body.endswith("بمناطق سيطرتها شرق الفرات (الحسكة والرقة).")
    for furniture in ("التعليقات (0)", "الأكثر قراءة", "أهم المواضيع", "أهم التصنيفات", "💡", "✨"):
        assert furniture not in body


def test_article_without_title_line_gets_one_from_its_first_sentence() -> None:
    article = by_name(SEEDS)[SEED_001]
    assert article.title_derived is True
    assert article.title == 'كشفت مصادر خاصة لـ "سبوتنيك"، أن اجتماعا عقد بين ضباط في الجيش الروسي والقوات التركية…'
    # The first sentence itself stays in the body, whole.
    assert article.body.startswith('كشفت مصادر خاصة لـ "سبوتنيك"، أن اجتماعا عقد بين ضباط في الجيش الروسي')


def test_original_text_is_kept_line_for_line() -> None:
    article = by_name(SEEDS)[SEED_001]
    original = (SEEDS / SEED_001).read_text(encoding="utf-8").splitlines()
    assert article.body.splitlines() == [line.strip() for line in original]


def test_short_first_sentence_becomes_the_whole_title(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("انتهى الاجتماع دون اتفاق.\nوقال المتحدث إن المحادثات ستستأنف غدا.", encoding="utf-8")
    (article,) = read_text_folder(tmp_path)[0]
    assert article.title == "انتهى الاجتماع دون اتفاق"
    assert article.title_derived is True


@pytest.mark.parametrize(
    "last",
    ["شارك في الاجتماع ممثلون عن الجانبين.", 'وختم قائلا: "لن نتراجع"', "وأضاف: المعركة مستمرة"],
)
def test_a_short_last_paragraph_of_the_article_is_not_taken_for_furniture(tmp_path: Path, last: str) -> None:
    (tmp_path / "a.txt").write_text(f"عنوان الخبر\n\nجرى الاجتماع في المدينة.\n\n{last}", encoding="utf-8")
    (article,) = read_text_folder(tmp_path)[0]
    assert article.body.endswith(last)


def test_short_lines_among_furniture_go_with_it(tmp_path: Path) -> None:
    text = "عنوان الخبر\n\nجرى الاجتماع في المدينة.\n\nمواضيع ذات صلة\n\nالتعليقات (3)\n\n🔔 تابعنا"
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    (article,) = read_text_folder(tmp_path)[0]
    assert article.body == "جرى الاجتماع في المدينة."


def test_a_repeated_headline_is_the_title_even_as_a_question(tmp_path: Path) -> None:
    text = "هل تنسحب قسد من عين عيسى؟\n\nهل تنسحب  قسد من عين عيسى؟\nقالت مصادر إن الاجتماع فشل."
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    (article,) = read_text_folder(tmp_path)[0]
    assert (article.title, article.title_derived) == ("هل تنسحب قسد من عين عيسى؟", False)
    assert article.body == "قالت مصادر إن الاجتماع فشل."


def test_hard_wrapped_lines_stay_as_written_and_split_as_sentences(tmp_path: Path) -> None:
    text = "افتتح الوزير معرض الكتاب في\nالعاصمة صباح اليوم. وقال إن\nالمعرض يضم ألف دار نشر."
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    (article,) = read_text_folder(tmp_path)[0]
    assert article.body == text
    assert article.title == "افتتح الوزير معرض الكتاب في العاصمة صباح اليوم"


@pytest.mark.parametrize("codec", ["cp1256", "iso-8859-6"])
def test_windows_1256_and_iso_8859_6_files_are_read(tmp_path: Path, codec: str) -> None:
    text = "أعلنت الوزارة اليوم عن افتتاح مدرسة جديدة في مدينة الرياض، وقال المدير إن الدراسة تبدأ غدا."
    (tmp_path / "a.txt").write_bytes(text.encode(codec))
    (article,) = read_text_folder(tmp_path)[0]
    assert article.body == text


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"  \n\n ", "empty file"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file (contains NUL bytes)"),
        ("latin1.txt", "Café crème à la française, très élégant.".encode("latin-1"),
         "not Arabic (22% Arabic letters)"),  # read as ISO-8859-6, the only code page that fits
        ("furniture.txt", "التعليقات (0)\n\n0\n\nالأكثر قراءة".encode(), "no article text (only page furniture)"),
        ("english.txt", b"Breaking news from the city.\n\nMore text here.", "no Arabic text"),
        ("mostly-english.txt", "Breaking news from the city of Riyadh today, reported by our correspondent.\n\n"
         "The minister said: خبر عاجل.".encode(), "not Arabic (8% Arabic letters)"),
    ],
)
def test_bad_files_are_reported_and_the_rest_still_read(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    shutil.copy(SEEDS / SEED_001, tmp_path / SEED_001)
    (tmp_path / name).write_bytes(content)
    articles, skipped = read_text_folder(tmp_path)
    assert [Path(a.source).name for a in articles] == [SEED_001]
    assert [(Path(s.source).name, s.reason) for s in skipped] == [(name, reason)]


def test_huge_file_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    (tmp_path / "huge.txt").write_bytes("خبر. ".encode() * (MAX_FILE_BYTES // 4))
    articles, skipped = read_text_folder(tmp_path)
    assert articles == []
    assert skipped[0].reason == "file larger than 2 MB; too big for one article"


def test_utf8_with_bom_is_read(tmp_path: Path) -> None:
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbf" + (SEEDS / SEED_001).read_bytes())
    (article,) = read_text_folder(tmp_path)[0]
    assert article.body.startswith("كشفت")


def test_same_text_twice_is_kept_once(tmp_path: Path) -> None:
    shutil.copy(SEEDS / SEED_001, tmp_path / "a.txt")
    # Same article with a diacritic and a different alef: same normalised text, same id.
    text = (SEEDS / SEED_001).read_text(encoding="utf-8").replace("كشفت", "كَشفت", 1).replace("أن", "ان", 1)
    (tmp_path / "b.txt").write_text(text, encoding="utf-8")
    articles, skipped = read_text_folder(tmp_path)
    assert [Path(a.source).name for a in articles] == ["a.txt"]
    assert (skipped[0].reason, skipped[0].kind) == (f"same text as {tmp_path / 'a.txt'}", "duplicate")


def test_other_files_and_hidden_files_are_ignored(tmp_path: Path) -> None:
    shutil.copy(SEEDS / SEED_001, tmp_path / "a.txt")
    (tmp_path / "page.pdf").write_bytes(b"%PDF-1.7")
    (tmp_path / "README.md").write_text("notes")
    (tmp_path / ".DS_Store").write_bytes(b"\x00\x01")
    (tmp_path / "sub").mkdir()
    articles, skipped = read_text_folder(tmp_path)
    assert [Path(a.source).name for a in articles] == ["a.txt"]
    assert skipped == []


def test_missing_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="input folder not found"):
        read_text_folder(tmp_path / "nowhere")


def test_json_records_are_articles_each(tmp_path: Path) -> None:
    import json

    seed = (SEEDS / SEED_001).read_text(encoding="utf-8")
    records = [
        {"source": "sabq", "url": "http://sabq.org/a1", "title": "عنوان الخبر الأول", "content": seed},
        {"source": "okaz", "url": "http://okaz.com.sa/a2", "title": "", "content": "   "},
        {"source": "okaz", "url": "http://okaz.com.sa/a3", "title": "نسخة", "content": seed},
        "not an object",
    ]
    (tmp_path / "2015-07-21.json").write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "more.jsonl").write_text(
        json.dumps({"url": "http://x/4", "title": "خبر رابع", "content": "انسحبت القوات من المدينة."}, ensure_ascii=False)
        + "\n{broken\n",
        encoding="utf-8",
    )
    articles, skipped = read_text_folder(tmp_path)
    assert [(a.source, a.title, a.title_derived) for a in articles] == [
        ("http://sabq.org/a1", "عنوان الخبر الأول", False),
        ("http://x/4", "خبر رابع", False),
    ]
    assert articles[0].body.splitlines()[0].startswith("كشفت مصادر خاصة")
    assert [(s.source, s.reason.split(":")[0], s.kind) for s in skipped] == [
        ("http://okaz.com.sa/a2", "empty content", "empty"),
        ("http://okaz.com.sa/a3", "same text as http", "duplicate"),
        (f"{tmp_path / '2015-07-21.json'}#4", "not a JSON object", "unreadable"),
        (f"{tmp_path / 'more.jsonl'}#2", "not valid JSON", "unreadable"),
    ]


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("url = 7", "url: a string, not 7"),
        ("outlet = 42", "outlet: a string, not 42"),
        ('published = "yesterday"', "published: a date like 2020-12-22"),
        ('author = "x"', "give a table with outlet, url and published only"),
    ],
)
def test_a_wrong_metadata_file_is_one_clear_error(tmp_path: Path, entry: str, message: str) -> None:
    shutil.copy(SEEDS / SEED_001, tmp_path / SEED_001)
    (tmp_path / "metadata.toml").write_text(f'["{SEED_001}"]\n{entry}\n', encoding="utf-8")
    with pytest.raises(IngestError, match=re.escape(message)):
        read_folder(tmp_path)


def test_metadata_gives_outlet_url_and_day(tmp_path: Path) -> None:
    shutil.copy(SEEDS / SEED_001, tmp_path / SEED_001)
    (tmp_path / "metadata.toml").write_text(
        f'["{SEED_001}"]\noutlet = "Sputnik Arabic"\nurl = "https://sputnik.example/1"\npublished = 2020-12-22T09:30:00\n',
        encoding="utf-8",
    )
    [article] = read_folder(tmp_path).articles
    assert (article.outlet, article.url, article.published) == ("Sputnik Arabic", "https://sputnik.example/1", dt.date(2020, 12, 22))
