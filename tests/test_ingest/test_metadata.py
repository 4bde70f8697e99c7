from __future__ import annotations

import datetime as dt

import pytest

from briefing.ingest.metadata import MIN_ARABIC_SHARE, arabic_share, date_in_text, is_arabic


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("دمشق - 20/12/2020: عقد الاجتماع", dt.date(2020, 12, 20)),
        ("نشر بتاريخ 2020-12-20T09:30", dt.date(2020, 12, 20)),
        ("آخر تحديث 20-12-2020", dt.date(2020, 12, 20)),
        ("الأحد ٢٠/١٢/٢٠٢٠ الساعة ١٠", dt.date(2020, 12, 20)),  # Arabic-Indic digits
        ("5/3/2021 ثم 20/12/2020", dt.date(2021, 3, 5)),  # day first, and the first date wins
        ("الأحد 20 ديسمبر 2020", dt.date(2020, 12, 20)),
        ("في ٣ تشرين الأول ٢٠١٩", dt.date(2019, 10, 3)),
        ("القانون رقم 15/3/1185 ثم 31/02/2020 ثم 1-3-2021", dt.date(2021, 3, 1)),  # implausible ones passed over
        ("رقم الهاتف 2020-12-201 فقط", None),
        ("لا تاريخ هنا", None),
    ],
)
def test_date_in_text(text: str, date: dt.date | None) -> None:
    assert date_in_text(text) == date


def test_arabic_share_counts_letters_only() -> None:
    assert arabic_share("قالت شبكة CNN إن 25 شخصا قتلوا.") == pytest.approx(19 / 22)  # 19 Arabic letters, 3 Latin
    assert arabic_share("2020 - 123 ...") == 0.0
    assert arabic_share("مَدْرَسَةٌ") == 1.0  # harakat are not letters


def test_is_arabic() -> None:
    assert is_arabic("قالت شبكة CNN إن الاجتماع انتهى دون اتفاق")
    assert not is_arabic("The meeting ended without agreement, said the spokesman (المتحدث).")
    assert MIN_ARABIC_SHARE == 0.5
