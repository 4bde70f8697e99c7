from __future__ import annotations

from pathlib import Path

import pytest

from briefing.arabic import normalize_for_matching, split_sentences, split_words
from briefing.ingest import read_text_folder
from tests.conftest import SEEDS


def seed_sentences() -> dict[str, list[str]]:
    articles, _ = read_text_folder(SEEDS)
    return {Path(a.source).name[:3]: split_sentences(a.body) for a in articles}


def test_seed_articles_split_into_their_sentences() -> None:
    sentences = seed_sentences()
    assert len(sentences["000"]) == 15
    assert len(sentences["001"]) == 8
    assert sentences["000"][0].startswith("حملت الساعات الـ24 الماضية")
    assert sentences["000"][-1].endswith("شرق الفرات (الحسكة والرقة).")


def test_dates_numbers_and_road_names_stay_inside_their_sentence() -> None:
    sentences = seed_sentences()["000"]
    dated = [s for s in sentences if "20/12/2020" in s]
    assert dated == [
        (
            "وقبل يومين 20/12/2020 أعلن الفيلق الأول في الجيش الوطني بشكل رسمي إطلاق عملية عسكرية لتحرير مدينة "
            "عين عيسى من ميليشيا قسد، وذلك عبر بيان مصور بثه عبر المعرفات الوطنية للجيش على تويتر."
        )
    ]
    road = [s for s in sentences if "M4" in s]
    assert len(road) == 2
    assert road[0].endswith("ووصل إلى الطريق السريع M4\"، مشيرا إلى استمرار العملية دون إعطاء تفاصيل إضافية.")
    assert "M4 بـ2 كم فقط" in road[1]


def test_arabic_comma_and_semicolon_never_end_a_sentence() -> None:
    assert split_sentences("قال المصدر، إن الاجتماع انتهى؛ ثم غادر الوفد.") == [
        "قال المصدر، إن الاجتماع انتهى؛ ثم غادر الوفد."
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("هل انتهى الاجتماع؟ نعم! انتهى.", ["هل انتهى الاجتماع؟", "نعم!", "انتهى."]),
        ("Is it over? Yes.", ["Is it over?", "Yes."]),
        ("الفقرة الأولى\n\nالفقرة الثانية", ["الفقرة الأولى", "الفقرة الثانية"]),
        ("سطر أول.\nسطر ثان", ["سطر أول.", "سطر ثان"]),
        ("بلغ 3.5%.وارتفع", ["بلغ 3.5%.", "وارتفع"]),
        ("بلغ النمو 3.5 في المئة. وارتفع", ["بلغ النمو 3.5 في المئة.", "وارتفع"]),
        ("قال د. أحمد إن أ.د. سمير حضر. ثم", ["قال د. أحمد إن أ.د. سمير حضر.", "ثم"]),
        ('وقال "انتهى الأمر." ثم مضى', ['وقال "انتهى الأمر."', "ثم مضى"]),
        ('طلبا من "قسد" الانسحاب. ثم', ['طلبا من "قسد" الانسحاب.', "ثم"]),
        ("انظر www.example.com/a.html للمزيد.", ["انظر www.example.com/a.html للمزيد."]),
        ("وتوقف… ثم عاد", ["وتوقف…", "ثم عاد"]),
        ("المدينة.وقال المتحدث إن الوفد وصل.", ["المدينة.", "وقال المتحدث إن الوفد وصل."]),
        ("انتهى.\u200f وأضاف", ["انتهى.", "وأضاف"]),
        ("ولد عام 1950 م. وتوفي عام 2000 م.", ["ولد عام 1950 م.", "وتوفي عام 2000 م."]),
        ("فاز فريق A. ثم خسر", ["فاز فريق A.", "ثم خسر"]),
        ("عين عيسى.. سباق تركي روسي", ["عين عيسى.. سباق تركي روسي"]),
        ("انتظر... ثم عاد", ["انتظر...", "ثم عاد"]),
        ('قال "انتهى الأمر. لن نعود." ثم مضى', ['قال "انتهى الأمر. لن نعود."', "ثم مضى"]),
        ("قال «انتهى. لن نعود.» ثم مضى", ["قال «انتهى. لن نعود.»", "ثم مضى"]),
        ("غادرت قوات U.S. المنطقة. ثم", ["غادرت قوات U.S. المنطقة.", "ثم"]),
        ("ص.ب. 1234 الرياض. ثم", ["ص.ب. 1234 الرياض.", "ثم"]),
        ("سطر ملفوف\nيكمل الجملة. وسطر\nآخر.\n\nفقرة", ["سطر ملفوف يكمل الجملة.", "وسطر آخر.", "فقرة"]),
        ("عنوان:\nنص بعده.", ["عنوان:", "نص بعده."]),
        ("", []),
        ("  \n\n . ", []),
    ],
)
def test_sentence_boundaries(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_many_sentences_are_all_split() -> None:
    # pyarabic's sentence_tokenize stops after 32 sentences; we must not.
    text = " ".join(f"هذه الجملة رقم {i}." for i in range(100))
    assert len(split_sentences(text)) == 100


def test_words_are_letter_and_digit_runs() -> None:
    assert split_words('الـ24 "قسد"، M4 بـ2 كم') == ["الـ24", "قسد", "M4", "بـ2", "كم"]


def test_normalization_folds_spelling_variants_for_matching() -> None:
    assert normalize_for_matching("إِنَّ  أحمدَ ذهبَ إلى المدرسةِ ٢٠٢٠\u200f") == "ان احمد ذهب الي المدرسه 2020"
