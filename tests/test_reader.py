"""What the reader gets on a real day: their topics first, stories ranked by independent
coverage, stories followed across days (only what is new), a compact rest, outlet names.

Everything runs for real: the folder ingest, the clustering, the record (SQLite), the
test Argos package (its English is nonsense outside its phrasebook; the tests look at the
Arabic, the structure and the record), WeasyPrint."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import sqlite3
import subprocess
import zipfile
from pathlib import Path
from urllib.parse import unquote

import pytest

from briefing.arabic.terms import TermMatcher
from briefing.arabic.tokenize import word_tokens
from briefing.config import Config, load_config
from briefing.ingest.outlets import OutletNames
from briefing.pipeline import run_briefing
from briefing.rank import rank_for_reader
from briefing.rank.topics import TopicMatcher
from briefing.summarize.story import REPEAT_OVERLAP
from briefing.types import Story, StoryArticle, Topic
from tests.builders import article, assert_config_error

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data" / "saudinewsnet"
YEMEN = Topic("Yemen", ("اليمن", "عدن", "صنعاء", "الحوثي", "هادي"))


# --- Topic terms ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("وصلت المساعدات إلى اليمن", ["اليمن"]),
        ("واليمن وباليمن ولليمن", ["اليمن", "اليمن", "اليمن"]),
        ("قال مسؤول يمني إن الحكومة اليمنية", ["اليمن"]),  # written with the article: found with it
        ("التحقيق فيمن أطلق النار", []),  # "among those who", not Yemen
        ("اشتباكات مع الحوثيين والحوثيون يتراجعون", ["الحوثي", "الحوثي"]),
        ("هبطت الطائرة في مطار عدن", ["عدن"]),
        ("التقى الأمير عدنان بالوفد", []),  # a name, not Aden
        ("أعلن الرئيس عبد ربه منصور هادي", ["هادي"]),
        ("الجو هادئ في الرياض", []),
        ("وصل إلى صنعاء وفد أممي", ["صنعاء"]),
        ("وصل إلى صَنْعَاء وفد", ["صنعاء"]),  # diacritics folded
    ],
)
def test_topic_terms_match_with_proclitics_and_endings_only(text: str, found: list[str]) -> None:
    assert TermMatcher(YEMEN.terms).occurrences(text) == found


def test_a_term_with_the_article_needs_it_one_without_does_not() -> None:
    assert TermMatcher(["الرياض"]).occurrences("مدارس رياض الأطفال وبالرياض") == ["الرياض"]
    assert TermMatcher(["حوثي"]).occurrences("قصف حوثي والحوثيين") == ["حوثي", "حوثي"]


def test_a_phrase_matches_across_its_words_and_spellings() -> None:
    matcher = TermMatcher(["الاتفاق النووي"])
    assert matcher.occurrences("رحب المجلس بالاتفاق النووي مع إيران") == ["الاتفاق النووي"]
    assert matcher.occurrences("الاتفاق مع إيران النووي") == []


def test_a_term_matcher_found_from_a_place_on_is_what_it_finds_after_a_match_ending_there() -> None:
    matcher = TermMatcher(["قسد", "الجيش السوري"], endings=False)
    text = "قسد والجيش السوري وقسد"
    spans = matcher.spans(text)
    assert [matcher.first_span(text, start) for start in (0, spans[0][1], spans[1][1])] == spans
    assert matcher.first_span(text, spans[2][1]) is None
    assert matcher.first_span("قسدقسد", 3) is None  # a word goes on before the start: no match inside it


def story_of(*articles: object) -> Story:
    return Story(tuple(StoryArticle(a) for a in articles))  # type: ignore[arg-type]


LONG_OTHER = " ".join(["وقال المسؤول إن الفريق يستعد للموسم الجديد بمعسكر خارجي في النمسا."] * 12)


def test_a_story_is_in_a_topic_by_its_headline_or_two_mentions_in_its_lead() -> None:
    matcher = TopicMatcher([YEMEN])
    in_headline = story_of(article("المقاومة تتقدم في عدن", LONG_OTHER))
    once_in_lead = story_of(article("وفد يصل إلى الرياض", "وصل وفد من اليمن إلى الرياض. " + LONG_OTHER))
    twice_in_lead = story_of(article("وفد يصل إلى الرياض", "وصل وفد من اليمن إلى الرياض قادما من عدن. " + LONG_OTHER))
    twice_deep = story_of(article("الهلال يبدأ معسكره", LONG_OTHER + " وزار اليمن. ثم عاد إلى اليمن."))
    assert matcher.topics_of(in_headline) == ("Yemen",)
    assert matcher.topics_of(once_in_lead) == ()
    assert matcher.topics_of(twice_in_lead) == ("Yemen",)
    assert matcher.topics_of(twice_deep) == ()


def test_one_article_of_five_does_not_make_a_story_a_topic_story() -> None:
    yemen = article("المقاومة تتقدم في عدن", LONG_OTHER, id="1" * 16)
    others = [article(f"الهلال يبدأ معسكره {n}", LONG_OTHER, id=str(n) * 16) for n in range(2, 6)]
    assert TopicMatcher([YEMEN]).topics_of(story_of(yemen, *others)) == ()
    assert TopicMatcher([YEMEN]).topics_of(story_of(yemen, *others[:2])) == ("Yemen",)


def test_an_excluded_phrase_does_not_count_as_the_term_it_holds() -> None:
    pacific = story_of(article("ظاهرة النينيو تستمر في المحيط الهادي", "ترتفع حرارة المياه. ويتوقع أن تبقى دافئة."))
    assert TopicMatcher([YEMEN]).topics_of(pacific) == ("Yemen",)
    assert TopicMatcher([dataclasses.replace(YEMEN, exclude=("المحيط الهادي",))]).topics_of(pacific) == ()


# --- Ranking ----------------------------------------------------------------------------

PARAGRAPHS = [
    "أعلنت وزارة الصحة اليوم عن افتتاح مستشفى جديد في مدينة تبوك يضم ثلاثمائة سرير وعددا من العيادات التخصصية الحديثة.",
    "وقال وكيل الوزارة إن المستشفى سيخدم سكان المنطقة والمحافظات المجاورة ويخفف الضغط على المستشفيات القائمة حاليا.",
    "وأضاف أن العمل في المشروع استمر ثلاث سنوات بتكلفة بلغت أربعمائة مليون ريال بتمويل كامل من ميزانية الدولة.",
]


def test_reprints_do_not_count_as_independent_coverage() -> None:
    from briefing.cluster import find_stories

    original = article("افتتاح مستشفى تبوك الجديد", "\n\n".join(PARAGRAPHS), outlet="Alpha", id="a" * 16)
    reprint = article("مستشفى جديد في تبوك", "\n\n".join(PARAGRAPHS[:2]), outlet="Beta", id="b" * 16)
    own = article(
        "تبوك تستقبل مستشفاها الجديد",
        "زار مراسلنا المستشفى الجديد في تبوك قبل افتتاحه، وتحدث إلى الأطباء والممرضين عن التجهيزات الحديثة.\n\n"
        "وأكد مدير المستشفى أن أقسام الطوارئ والولادة ستعمل من الأسبوع الأول بكامل طاقتها مع ثلاثمائة سرير.",
        outlet="Gamma", id="c" * 16,
    )
    (story,) = find_stories([original, reprint, own])
    assert {m.article.outlet for m in story.members if not m.independent} == {"Beta"}
    assert story.outlet_count == 3 and story.independent_outlet_count == 2


def test_a_paragraph_shared_with_another_story_does_not_make_a_reprint() -> None:
    from briefing.cluster import find_stories

    # A week apart, so two stories whatever their words; one paragraph of the later one is
    # the earlier one's (half of its paragraphs): a reprint only within one story.
    hospital = article("افتتاح مستشفى تبوك الجديد", "\n\n".join(PARAGRAPHS), outlet="Alpha", id="a" * 16,
                       published=dt.date(2015, 7, 14))
    later = article("مستشفى تبوك يستقبل أول المرضى", f"{PARAGRAPHS[0]}\n\n{FOOTBALL.split(chr(10))[0]}", outlet="Beta",
                    id="b" * 16, published=dt.date(2015, 7, 21))
    stories = find_stories([hospital, later])
    assert len(stories) == 2
    assert [m.shares for s in stories for m in s.members if m.article.outlet == "Beta"] == [(("Alpha", 1),)]
    assert all(m.independent for s in stories for m in s.members)


def test_topics_first_then_independent_outlets_then_articles() -> None:
    def story(title: str, outlets: list[str], independent: list[bool] | None = None) -> Story:
        members = tuple(
            StoryArticle(article(title, LONG_OTHER, outlet=o, id=f"{title}{o}".encode().hex()[:16]), independent=ind)
            for o, ind in zip(outlets, independent or [True] * len(outlets), strict=True)
        )
        return Story(members)

    wire = story("الذهب يهوي لأدنى مستوى", ["A", "B", "C", "D"], [True, False, False, False])  # 4 outlets, 1 voice
    reported = story("حريق في مصنع بالدمام", ["A", "B", "C"])  # 3 outlets, 3 voices
    yemen = story("المقاومة تتقدم في عدن", ["A"])
    bigger = story("حريق في مصنع بجدة", ["A", "B", "C", "C"])
    ranked = rank_for_reader([wire, reported, yemen, bigger], [YEMEN], [], dt.date(2015, 7, 21))
    assert [r.story for r in ranked] == [yemen, bigger, reported, wire]
    assert ranked[0].topics == ("Yemen",)


# --- Outlets ----------------------------------------------------------------------------


def test_outlets_are_shown_by_name_and_feeds_keep_their_titles() -> None:
    names = OutletNames([("example.com", "Example News"), ("okaz", "Okaz Daily")])
    assert names.name(article(outlet="aawsat")).outlet == "Asharq Al-Awsat"
    assert names.name(article(url="http://www.al-madina.com/node/1")).outlet == "Al Madina"
    assert names.name(article(url="https://news.example.com/a")).outlet == "Example News"
    assert names.name(article(outlet="okaz")).outlet == "Okaz Daily"  # the configuration's own wins
    assert names.name(article(outlet="Sputnik Arabic")).outlet == "Sputnik Arabic"
    assert names.name(article(url="https://unknown.example.org/a")).outlet == ""


def test_every_saudinewsnet_outlet_has_a_name() -> None:
    slugs = ["3alyoum", "aawsat", "aleqtisadiya", "aljazirah", "almadina", "almarsd", "alriyadh", "alsharq",
             "alwatan", "alweeam", "alyaum", "arreyadi", "arriyadiyah", "okaz", "sabq", "was"]
    names = OutletNames()
    for slug in slugs:
        assert names.name(article(outlet=slug)).outlet not in ("", slug)


# --- Configuration ----------------------------------------------------------------------


def test_topics_outlets_and_tracking_are_read_from_the_config(tmp_path: Path) -> None:
    path = tmp_path / "briefing.toml"
    path.write_text(
        '[stories]\ntrack_days = 3\nindex_english = true\n'
        '[[topics]]\nname = "Yemen"\nterms = ["اليمن", "عدن"]\nexclude = ["المحيط الهادي"]\n'
        '[[topics]]\nname = "Gold"\nterms = ["الذهب"]\n'
        '[outlets]\n"example.com" = "Example News"\n',
        encoding="utf-8",
    )
    config = load_config(path)
    assert config.topics == (Topic("Yemen", ("اليمن", "عدن"), ("المحيط الهادي",)), Topic("Gold", ("الذهب",)))
    assert config.outlets == (("example.com", "Example News"),)
    assert (config.track_days, config.index_english) == (3, True)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[topics]]\nname = "Yemen"\nterms = []\n', "give at least one Arabic word"),
        ('[[topics]]\nname = "Yemen"\n', "give a name and its terms"),
        ('[[topics]]\nname = "Y"\nterms = ["اليمن"]\n[[topics]]\nname = "Y"\nterms = ["عدن"]\n', "given twice"),
        ('[[topics]]\nname = "Y"\nterms = "اليمن"\n', "expected a list of strings"),
        ('[[topics]]\nname = "Y"\nterms = ["  "]\n', "is not a word or phrase"),
        ('[[topics]]\nname = "Y"\nterms = ["اليمن"]\ncolour = "red"\n', "unknown key 'colour'"),
        ("[stories]\ntrack_days = -1\n", "stories.track_days"),
        ('[outlets]\n"example.com" = 3\n', "expected a name"),
    ],
)
def test_bad_topics_and_outlets_are_clear_errors(tmp_path: Path, text: str, message: str) -> None:
    assert_config_error(tmp_path, text, message)


def test_the_shipped_example_config_loads() -> None:
    config = load_config(REPO / "contrib" / "briefing.toml")
    assert config.topics[0].name == "Yemen"
    assert set(YEMEN.terms) <= set(config.topics[0].terms)


# --- Tracking, on constructed days --------------------------------------------------------

OLD_1 = "أعلنت الحكومة اليمنية اليوم إعادة فتح مطار عدن الدولي أمام الرحلات المدنية بعد أشهر طويلة من الإغلاق التام."
OLD_2 = "وقال وزير النقل اليمني إن أول طائرة سعودية هبطت في مطار عدن محملة بالمساعدات الطبية والغذائية للسكان."
OLD_3 = "وأوضح مسؤول في المطار أن فرق الصيانة أصلحت المدرج وبرج المراقبة خلال الأسابيع الماضية بدعم من التحالف."
NEW_1 = "وأكدت إدارة مطار عدن أن ثلاث رحلات تجارية ستصل يوم الخميس المقبل من جدة والقاهرة وعمّان لأول مرة منذ مارس."
NEW_2 = "وذكر مسافرون يمنيون في جدة أنهم حجزوا مقاعدهم على الرحلة الأولى للعودة إلى عدن ولقاء عائلاتهم بعد غياب طويل."
FOOTBALL = (
    "فاز فريق الهلال على ضيفه النصر بهدفين مقابل هدف في المباراة الودية التي أقيمت مساء أمس في الرياض.\n\n"
    "وسجل هدفي الهلال المهاجم ناصر الشمراني في الشوط الأول، فيما سجل هدف النصر محمد السهلاوي من ركلة جزاء."
)


def write_day(inbox: Path, day: dt.date, files: dict[str, tuple[str, str, str]]) -> None:
    """``files``: name -> (outlet, title, body), published on ``day``."""
    metadata = inbox / "metadata.toml"
    lines = [metadata.read_text(encoding="utf-8")] if metadata.exists() else []
    for name, (outlet, title, body) in files.items():
        (inbox / name).write_text(f"{title}\n\n{body}\n", encoding="utf-8")
        lines.append(f'["{name}"]\noutlet = "{outlet}"\npublished = {day.isoformat()}\n')
    metadata.write_text("\n".join(lines), encoding="utf-8")


def test_a_continuing_story_shows_only_what_is_new_then_no_new_developments(
    config: Config, model: object, tmp_path: Path
) -> None:
    inbox = tmp_path / "days"
    inbox.mkdir()
    config = config.replace(input_dir=inbox, topics=(YEMEN,), featured_stories=5)
    day1, day2, day3 = dt.date(2015, 7, 21), dt.date(2015, 7, 22), dt.date(2015, 7, 23)
    write_day(inbox, day1, {
        "a1.txt": ("Alpha", "إعادة فتح مطار عدن الدولي أمام الرحلات المدنية", f"{OLD_1}\n\n{OLD_2}"),
        "b1.txt": ("Beta", "هبوط أول طائرة سعودية في مطار عدن الدولي", f"{OLD_2}\n\n{OLD_3}"),
        "f1.txt": ("Beta", "الهلال يفوز على النصر وديا", FOOTBALL),
    })
    first = run_briefing(config, date=day1, decoder=model)  # type: ignore[arg-type]
    (aden,) = [s for s in first.stories if "عدن" in s["title_ar"]]
    assert aden["topics"] == ["Yemen"] and aden["continues"] is None and first.stories[0] is aden

    write_day(inbox, day2, {
        "a2.txt": ("Alpha", "رحلات تجارية تعود إلى مطار عدن الدولي الخميس", f"{OLD_2}\n\n{NEW_1}"),
        "b2.txt": ("Beta", "يمنيون في جدة يستعدون للعودة عبر مطار عدن الدولي", f"{NEW_2}\n\n{OLD_1}"),
    })
    second = run_briefing(config, date=day2, decoder=model)  # type: ignore[arg-type]
    (story,) = second.stories
    assert story["continues"] == {"date": "2015-07-21", "title_en": aden["title_en"], "days": 2}
    markdown = second.markdown.read_text(encoding="utf-8")  # type: ignore[union-attr]
    key_sentences = re.findall(r'<p class="ar" dir="rtl" lang="ar">(.*?)</p>', markdown)
    assert set(key_sentences) <= {NEW_1, NEW_2} and key_sentences  # the old ones were published on day 1
    assert "*Continuing since 21 July (day 2)*" in markdown
    html = second.html.read_text(encoding="utf-8")  # type: ignore[union-attr]
    assert '<p class="continuing">Continuing since 21 July (day 2)</p>' in html

    write_day(inbox, day3, {
        "a3.txt": ("Alpha", "مطار عدن الدولي يستقبل الرحلات", f"{NEW_1}\n\n{OLD_3}"),
        "b3.txt": ("Beta", "عودة الرحلات إلى مطار عدن الدولي", f"{OLD_1}\n\n{NEW_2}"),
    })
    third = run_briefing(config, date=day3, decoder=model)  # type: ignore[arg-type]
    (story,) = third.stories
    assert story["continues"]["date"] == "2015-07-21" and story["continues"]["days"] == 3
    markdown = third.markdown.read_text(encoding="utf-8")  # type: ignore[union-attr]
    assert '<p class="ar"' not in markdown  # nothing featured: nothing new to say
    assert re.search(r"^- \*\*.*Continuing since 21 July \(day 3\): no new developments\*", markdown, re.MULTILINE)
    # The record keeps each briefed story for the days after.
    rows = sqlite3.connect(config.database).execute(  # type: ignore[arg-type]
        "SELECT date, since, sentences FROM briefing_stories WHERE title_ar LIKE '%عدن%' ORDER BY date"
    ).fetchall()
    assert [(d, s) for d, s, _ in rows] == [("2015-07-21", "2015-07-21"), ("2015-07-22", "2015-07-21"), ("2015-07-23", "2015-07-21")]
    assert set(json.loads(rows[1][2])) == set(key_sentences) and json.loads(rows[2][2]) == []


def test_tracking_is_off_with_track_days_zero(config: Config, model: object, tmp_path: Path) -> None:
    inbox = tmp_path / "days"
    inbox.mkdir()
    config = config.replace(input_dir=inbox, track_days=0)
    write_day(inbox, dt.date(2015, 7, 21), {"a1.txt": ("Alpha", "إعادة فتح مطار عدن", f"{OLD_1}\n\n{OLD_2}")})
    run_briefing(config, date=dt.date(2015, 7, 21), decoder=model)  # type: ignore[arg-type]
    write_day(inbox, dt.date(2015, 7, 22), {"a2.txt": ("Alpha", "رحلات تعود إلى مطار عدن", f"{OLD_2}\n\n{NEW_1}")})
    report = run_briefing(config, date=dt.date(2015, 7, 22), decoder=model)  # type: ignore[arg-type]
    assert report.stories[0]["continues"] is None
    # What a briefing of the last 30 days said is still not said again.
    markdown = report.markdown.read_text(encoding="utf-8")  # type: ignore[union-attr]
    assert re.findall(r'<p class="ar" dir="rtl" lang="ar">(.*?)</p>', markdown) == [NEW_1]


# --- The compact rest -----------------------------------------------------------------------


def test_the_rest_is_one_line_per_story_and_every_article_once(config: Config, model: object, tmp_path: Path) -> None:
    inbox = tmp_path / "day"
    inbox.mkdir()
    day = dt.date(2015, 7, 21)
    write_day(inbox, day, {
        "a1.txt": ("Alpha", "إعادة فتح مطار عدن الدولي أمام الرحلات المدنية", f"{OLD_1}\n\n{OLD_2}"),
        "b1.txt": ("Beta", "هبوط أول طائرة سعودية في مطار عدن الدولي", f"{OLD_2}\n\n{OLD_3}"),
        "f1.txt": ("Beta", "الهلال يفوز على النصر وديا", FOOTBALL),
        "f2.txt": ("Gamma", "الهلال يتغلب على النصر بهدفين في الرياض", FOOTBALL.replace("مساء أمس", "ليلة أمس")),
        "g1.txt": ("Gamma", "افتتاح مستشفى تبوك الجديد", "\n\n".join(PARAGRAPHS)),
    })
    report = run_briefing(config.replace(input_dir=inbox, featured_stories=1, index_english=False), date=day, decoder=model)  # type: ignore[arg-type]
    markdown = report.markdown.read_text(encoding="utf-8")  # type: ignore[union-attr]
    featured = re.findall(r"^## 1\. ", markdown, re.MULTILINE)
    assert len(featured) == 1
    listed = markdown.split("## Other stories\n", 1)[1].split("## Single-outlet articles", 1)[0]
    lines = [line for line in listed.splitlines() if line.startswith("- **")]
    # The second football report is the first with two words changed: a copy, not a report of its own.
    assert len(lines) == 1 and lines[0].endswith(" · 2 outlets (1 independent), 2 articles · Beta, Gamma")
    single = markdown.split("## Single-outlet articles\n", 1)[1]
    assert [line for line in single.splitlines() if line.startswith("- **")] == [
        "- **Gamma** · <span dir=\"rtl\" lang=\"ar\">افتتاح مستشفى تبوك الجديد</span>"
    ]
    # One headline translated per story shown, none for the single-outlet index.
    titles = {s["title_ar"]: s["title_en"] for s in report.stories}
    assert titles["افتتاح مستشفى تبوك الجديد"] is None
    assert sum(1 for t in titles.values() if t is not None) == 2


def test_urls_list_every_article_of_a_story_copies_included(config: Config, model: object, tmp_path: Path) -> None:
    inbox = tmp_path / "day"
    inbox.mkdir()
    write_day(inbox, dt.date(2015, 7, 21), {
        "a1.txt": ("Alpha", "إعادة فتح مطار عدن الدولي", f"{OLD_1}\n\n{OLD_2}"),
        "b1.txt": ("Beta", "إعادة فتح مطار عدن الدولي", f"{OLD_1}\n\n{OLD_2}"),  # the same text: a copy
    })
    report = run_briefing(config.replace(input_dir=inbox), date=dt.date(2015, 7, 21), decoder=model)  # type: ignore[arg-type]
    (story,) = report.stories
    assert sorted(story["urls"]) == sorted([str(inbox / "a1.txt"), str(inbox / "b1.txt")])
    assert story["independent_outlets"] == 1 and story["outlets"] == ["Alpha", "Beta"]


# --- Two real days ------------------------------------------------------------------------------


def _near_repeat(sentence: str, earlier: list[frozenset[str]]) -> bool:
    """Most of the sentence's own words already in one earlier key sentence."""
    words = frozenset(word_tokens(sentence))
    return any(len(words & other) >= REPEAT_OVERLAP * len(words) for other in earlier)


@pytest.mark.skipif(not (DATA / "2015-07-22.zip").is_file(), reason="needs ../shared/data (SaudiNewsNet)")
def test_two_real_days_topics_first_tracked_compact_every_article_once(config: Config, model: object, tmp_path: Path) -> None:
    inbox = tmp_path / "saudinewsnet"
    inbox.mkdir()
    config = config.replace(input_dir=inbox, topics=(YEMEN,))
    reports = {}
    for day in ("2015-07-21", "2015-07-22"):
        with zipfile.ZipFile(DATA / f"{day}.zip") as archive:
            archive.extractall(inbox)
        reports[day] = run_briefing(config, date=dt.date.fromisoformat(day), decoder=model)  # type: ignore[arg-type]
    first, second = reports["2015-07-21"], reports["2015-07-22"]
    # Yemen first, under "Yemen".
    markdown = first.markdown.read_text(encoding="utf-8")  # type: ignore[union-attr]
    assert first.stories[0]["topics"] == ["Yemen"]
    assert markdown.index("# Yemen\n") < markdown.index("## 1. ")
    # At most 30 pages.
    pages = subprocess.run(["pdfinfo", str(first.pdf)], capture_output=True, text=True, check=True).stdout
    assert int(re.search(r"Pages:\s+(\d+)", pages)[1]) <= 30  # type: ignore[index]
    # Every article once across the index: featured stories' lists, listed stories, single-outlet articles.
    links: list[str] = []
    for line in markdown.splitlines():
        if line.startswith("- **"):
            links += [unquote(u) for u in re.findall(r"\]\((https?://[^)\s]+)\)", line)]
    every = {unquote(url) for story in first.stories for url in story["urls"]}  # copies included
    assert len(links) == len(set(links)) and set(links) == every and len(every) >= first.articles_published
    # The next day: some story continues one of the 21st, and says nothing the 21st said.
    assert any(s["continues"] and s["continues"]["date"] == "2015-07-21" for s in second.stories)
    said = [
        frozenset(word_tokens(s))
        for (sentences,) in sqlite3.connect(config.database).execute(  # type: ignore[arg-type]
            "SELECT sentences FROM briefing_stories WHERE date = '2015-07-21'"
        )
        for s in json.loads(sentences)
    ]
    shown = re.findall(r'<p class="ar" dir="rtl" lang="ar">(.*?)</p>', second.markdown.read_text(encoding="utf-8"))  # type: ignore[union-attr]
    assert said and shown and not any(_near_repeat(s, said) for s in shown)


# --- The first page's coverage chart ------------------------------------------------------------


def test_the_coverage_chart_marks_reports_and_reprints() -> None:
    from briefing.render.view import coverage_chart
    from tests.builders import briefing as make_briefing

    made = make_briefing([(article("خبر أول", outlet="Alpha", id="1" * 16), "First", [("جملة.", "Sentence.")])])
    own, copied = article("خبر ثان", outlet="Beta", id="2" * 16), article("خبر ثان منقول", outlet="Gamma <b>", id="3" * 16)
    second = dataclasses.replace(
        made.stories[0], story=Story((StoryArticle(own), StoryArticle(copied, independent=False)))
    )
    chart = coverage_chart(dataclasses.replace(made, stories=(made.stories[0], second)))
    assert chart.startswith('<svg class="coverage-chart"') and chart.endswith("</svg>")
    assert chart.count('<circle') == 3 and chart.count('fill="#fff"') == 1  # Gamma only reprinted story 2
    assert "<title>2: Gamma &lt;b&gt; reprinted</title>" in chart and "<b>" not in chart
    assert coverage_chart(dataclasses.replace(made, stories=())) == ""


def test_a_sentence_that_reprints_a_long_run_of_an_earlier_one_is_not_new() -> None:
    from briefing.summarize.story import SentenceMarks, said_before

    earlier = " ".join(f"قديم{n}" for n in range(30))
    run = " ".join(f"قديم{n}" for n in range(5, 17))  # 12 words in a row of the earlier sentence
    reprinted = f"{run} " + " ".join(f"جديد{n}" for n in range(8))  # 20 words: 12 of them old
    fresh = " ".join(f"قديم{n}" for n in range(0, 30, 3)) + " " + " ".join(f"جديد{n}" for n in range(12))
    memory = said_before([earlier])
    marks = SentenceMarks(reprinted)
    assert len(marks.words & SentenceMarks(earlier).words) < REPEAT_OVERLAP * len(marks.words)  # not by its words...
    assert memory.is_repeat(marks)  # ... but by its runs of five
    assert not memory.is_repeat(SentenceMarks(fresh))  # the same old words, scattered, with new ones


def test_candidate_pairs_hold_past_46341_articles() -> None:
    """A month of backlog (--all) has more articles than an int32 pair key can hold (n * n)."""
    import numpy as np
    from scipy import sparse

    from briefing.cluster.events import candidate_pairs

    n = 50_000  # row i shares a term with row i + 1: the pairs are exactly (i, i + 1)
    rows = np.repeat(np.arange(n), 2)
    columns = np.stack([np.arange(n), np.arange(1, n + 1)], axis=1).ravel()
    matrix = sparse.csr_matrix((np.full(2 * n, 2 ** -0.5), (rows, columns)), shape=(n, n + 1))
    first, second, cosines = candidate_pairs(matrix)
    assert len(first) == n - 1 and (first >= 0).all()
    assert (second - first == 1).all() and np.allclose(cosines[:, 0], 0.5)


def test_topics_sharing_a_term_both_take_the_story() -> None:
    gulf = Topic("Gulf", ("الخليج", "اليمن"))
    matcher = TopicMatcher([YEMEN, gulf, Topic("Gold", ("الذهب",))])
    assert matcher.topics_of(story_of(article("المقاومة تتقدم في اليمن", LONG_OTHER))) == ("Yemen", "Gulf")
    assert matcher.topics_of(story_of(article("الذهب يهوي", LONG_OTHER))) == ("Gold",)
    excluded = TopicMatcher([dataclasses.replace(YEMEN, exclude=("الهلال",)), gulf])
    assert excluded.topics_of(story_of(article("الهلال يبدأ معسكره في اليمن", LONG_OTHER))) == ("Gulf",)
