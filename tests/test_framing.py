"""Who said what, in whose words: the reprint's changes, the outlets' labels for the actors,
their distinctive words, on the seeds (Sputnik Arabic's report, Orient News' reprint of it)
and on small texts built to break the rules."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest

from briefing.cluster import find_stories
from briefing.config import load_config
from briefing.framing import frame_stories, is_respelling, shown_changes, shown_phrases, starter_actors
from briefing.framing.actors import actor_labels
from briefing.framing.reprints import reprint_diffs, word_changes
from briefing.framing.wording import DayWords, distinctive_words
from briefing.ingest.textfiles import read_folder
from briefing.pipeline import run_briefing
from briefing.types import Framing, Story, StoryArticle, WordChange
from tests.builders import article, assert_config_error
from tests.pdftools import pdftotext, without_space

SEEDS = Path(__file__).resolve().parents[1] / "seeds"

# Every change Orient News made to the two paragraphs it took from Sputnik Arabic, in the
# order of Sputnik's paragraphs: the attribution rewritten ("the private sources confirmed"
# became "the message came in a report by the official Sputnik agency in Arabic, which
# said"), "in the agency's words" added, "the sources" became "the agency", and the SDF
# "organisation" a "militia" (its quotation marks dropped with it).
SEED_CHANGES = [
    WordChange("وأكدت المصادر الخاصة، أن", "الرسالة جاءت عبر خبر نشرته وكالة سبوتنيك الرسمية باللغة العربية، قالت فيه إن"),
    WordChange("", "وفق تعبير الوكالة"),
    WordChange("المصادر", "الوكالة"),
    WordChange('تنظيم "قسد"', "ميليشيا قسد"),
]


@pytest.fixture(scope="module")
def seed_story() -> Story:
    read = read_folder(SEEDS)
    (story,) = find_stories([*read.articles, *read.copies])
    return story


def test_the_seeds_reprint_original_copy_rule_and_every_change(seed_story: Story) -> None:
    (diff,) = reprint_diffs(seed_story)
    assert (diff.original.outlet_name, diff.copy.outlet_name, diff.paragraphs) == ("Sputnik Arabic", "Orient News", 2)
    assert diff.rule == "containment"  # the seeds carry no dates
    assert list(diff.changes) == SEED_CHANGES
    assert [c.kind for c in diff.changes] == ["replaced", "inserted", "replaced", "replaced"]


def test_the_later_article_is_the_copy_whatever_the_text_says(seed_story: Story) -> None:
    def dated(member: StoryArticle) -> StoryArticle:
        day = dt.date(2020, 12, 22) if member.article.outlet_name == "Orient News" else dt.date(2020, 12, 23)
        return dataclasses.replace(member, article=dataclasses.replace(member.article, published=day))

    dated_story = Story(tuple(dated(m) for m in seed_story.members))
    (diff,) = reprint_diffs(dated_story)
    # Dated the other way round, Sputnik is the later one: its text is the copy, and the
    # changes are read in that direction ("the agency" became "the sources").
    assert (diff.original.outlet_name, diff.copy.outlet_name, diff.rule) == ("Orient News", "Sputnik Arabic", "date")
    assert WordChange("الوكالة", "المصادر") in diff.changes
    assert WordChange("ميليشيا قسد", 'تنظيم "قسد"') in diff.changes


def test_without_dates_or_containment_the_first_read_is_the_original() -> None:
    text = "قال المتحدث باسم الوزارة إن الاجتماع الذي عقد اليوم في العاصمة ناقش ملفات الطاقة والمياه والحدود المشتركة بين البلدين"
    a = article(body=text.replace("قال", "أكد"), outlet="A", id="a" * 16)
    b = article(body=text.replace("قال", "ذكر"), outlet="B", id="b" * 16)
    story = Story((StoryArticle(a, shares=(("B", 1),)), StoryArticle(b, shares=(("A", 1),))))
    (diff,) = reprint_diffs(story)
    assert (diff.original.outlet, diff.copy.outlet, diff.rule) == ("A", "B", "order")
    assert diff.changes == (WordChange("أكد", "ذكر"),)


@pytest.mark.parametrize(
    ("original", "copy", "changes"),
    [
        # Punctuation only, and spelling the normalisation folds (hamza, diacritics): no change.
        ("قال الوزير، إن الأمر انتهى.", "قال الوزير إن الامر انتهى", []),
        ("وصل الرئيسُ إلى بغداد", "وصل الرئيس إلى بغداد", []),
        # A deletion, an insertion and a replacement next to a re-quoted word.
        ("أعلن الجيش اليوم سيطرته على المدينة", "أعلن الجيش سيطرته على المدينة", [WordChange("اليوم", "")]),
        ("أعلن الجيش سيطرته على المدينة", "أعلن الجيش الوطني سيطرته على المدينة", [WordChange("", "الوطني")]),
        ('هاجم مسلحو تنظيم "داعش" القرية', "هاجم مسلحو عصابات داعش القرية", [WordChange('تنظيم "داعش"', "عصابات داعش")]),
    ],
)
def test_word_changes(original: str, copy: str, changes: list[WordChange]) -> None:
    assert word_changes(original, copy) == changes


def test_a_rewritten_paragraph_is_shown_cut_and_the_framing_edits_first() -> None:
    from briefing.types import ReprintDiff

    long_before = " ".join(["كلمة"] * 30)
    diff = ReprintDiff(article(), article(), 1, "order", (
        WordChange(long_before, "نص"), WordChange("", "أضيفت"), WordChange("تنظيم", "ميليشيا"),
        WordChange("المصادر الخاصة", "الوكالة"), WordChange("أ", "ب"),
    ))
    shown = shown_changes(diff)
    assert shown[:3] == [WordChange("تنظيم", "ميليشيا"), WordChange("أ", "ب"), WordChange("المصادر الخاصة", "الوكالة")]
    assert shown[3].before.endswith(" …") and len(shown[3].before.split()) == 11  # ten words and the mark


def test_how_each_seed_outlet_names_the_sdf_and_the_government_side(seed_story: Story) -> None:
    labels = actor_labels(seed_story.articles, starter_actors())
    found: dict[tuple[str, str], list[tuple[str, str, int]]] = {}
    for label in labels:
        found.setdefault((label.actor, label.outlet), []).append((label.ar, label.en, label.count))
    assert found[("SDF", "Orient News")] == [
        ("قسد", "SDF", 10), ("ميليشيا قسد", "SDF militia", 5), ("وحدات حماية الشعب", "People's Protection Units (YPG)", 1),
    ]
    assert found[("SDF", "Sputnik Arabic")] == [("تنظيم قسد", "SDF organisation", 3), ("قسد", "SDF", 1), ("مسلحو قسد", "SDF fighters", 1)]
    assert found[("Syrian government forces", "Orient News")] == [
        ("الجيش السوري", "Syrian army", 3), ("ميليشيات أسد الطائفية", "sectarian Assad militias", 2),
        ("الدولة السورية", "Syrian state", 1), ("ميليشيا أسد", "Assad militia", 1),
    ]
    assert found[("Syrian government forces", "Sputnik Arabic")] == [("وحدات الجيش السوري", "Syrian army units", 2), ("الجيش السوري", "Syrian army", 1)]
    # "الجيش الوطني السوري" is the SNA, never the Syrian army; "الجيش السوري الحر" the FSA.
    assert ("الجيش الوطني السوري", "Syrian National Army", 2) in found[("Syrian National Army", "Orient News")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The head noun just before, with a proclitic; up to two adjectives after.
        ("وسلمت المدينة لميليشيات أسد الطائفية الإرهابية المجرم أمس", [("ميليشيات أسد الطائفية الإرهابية", "sectarian terrorist Assad militias")]),
        # One head noun: the nearest ("مسلحي" before "تنظيم" is not taken).
        ('انسحاب مسلحي تنظيم "قسد" من المدينة', [("تنظيم قسد", "SDF organisation")]),
        # Never across punctuation that ends a phrase.
        ("قالت الميليشيا، قسد ترفض", [("قسد", "SDF")]),
        ("رفضت قسد. الطائفية مرفوضة", [("قسد", "SDF")]),
        ("قالت ميليشيا .قسد ترفض", [("قسد", "SDF")]),
        ("رفضت قسد۔ الطائفية مرفوضة", [("قسد", "SDF")]),
        # A ligature that NFKC folds into four words does not shift the window.
        ("\ufdfa ميليشيا قسد ـ ـ ـ", [("ميليشيا قسد", "SDF militia")]),
        # The longest alias wins (listed by actor: the government side, then the SNA's FSA);
        # a word that merely contains one is not it, nor a surname made of one.
        ("أعلن الجيش السوري الحر وقوات النظام", [("قوات النظام", "regime forces"), ("الجيش السوري الحر", "Free Syrian Army")]),
        ("التقى عدنان بالأسدي وقسداوي", []),
    ],
)
def test_the_label_window(text: str, expected: list[tuple[str, str]]) -> None:
    labels = actor_labels([article(title="خبر", body=text, outlet="X")], starter_actors())
    assert [(l.ar, l.en) for l in labels] == expected


def test_distinctive_words_of_each_seed_outlet(seed_story: Story) -> None:
    words = distinctive_words(seed_story, DayWords.of(seed_story.articles))
    assert [(w.outlet, w.ar) for w in words] == [("Orient News", "الوطني"), ("Sputnik Arabic", "تنظيم")]
    assert all(w.z >= 1.96 for w in words)


def test_a_word_one_outlet_repeats_is_distinctive_and_stop_words_never_are() -> None:
    shared = "عقد المجلس اجتماعا في العاصمة لبحث الأوضاع الاقتصادية والسياسية في البلاد "
    a = article(body=(shared + "وندد المجلس بالإرهابيين الذين هاجموا و من في على ") * 15, outlet="A", id="a" * 16)
    b = article(body=(shared + "وقال المجلس إن المسلحين الذين هاجموا و من في على ") * 15, outlet="B", id="b" * 16)
    story = Story((StoryArticle(a), StoryArticle(b)))
    words = distinctive_words(story, DayWords.of([a, b]))
    assert {(w.outlet, w.ar) for w in words} >= {("A", "بالإرهابيين"), ("B", "المسلحين")}
    assert not {w.ar for w in words} & {"و", "من", "في", "على", "الذين"}
    assert len([w for w in words if w.outlet == "A"]) <= 5


def test_every_story_of_two_outlets_is_framed_one_outlet_is_not(seed_story: Story) -> None:
    # A listed story (not featured) has its labels and words too: --json gives every story's.
    other = Story((
        StoryArticle(article(outlet="A", id="c" * 16, body="هاجمت ميليشيا قسد القرية.")),
        StoryArticle(article(outlet="B", id="d" * 16, body="انسحبت قوات قسد من القرية.")),
    ))
    alone = Story((StoryArticle(article(outlet="A", id="e" * 16, body="هاجمت ميليشيا قسد البلدة.")),))
    full, listed, single = frame_stories([seed_story, other, alone], starter_actors())
    assert full.reprints and full.labels and full.distinctive
    assert [(label.outlet, label.ar, label.en) for label in listed.labels] == [
        ("A", "ميليشيا قسد", "SDF militia"), ("B", "قوات قسد", "SDF forces"),
    ]
    assert single == Framing()
    # What the page shows, and so what is translated: the changes (the shortest replacements
    # first, a long phrase cut at ten words) and the distinctive words.
    assert shown_phrases(full) == [
        "المصادر", "الوكالة", 'تنظيم "قسد"', "ميليشيا قسد", "وأكدت المصادر الخاصة، أن",
        "الرسالة جاءت عبر خبر نشرته وكالة سبوتنيك الرسمية باللغة العربية، …", "وفق تعبير الوكالة",
        "الوطني", "تنظيم",
    ]


def test_a_story_the_pages_do_not_show_is_framed_only_when_asked(seed_story: Story) -> None:
    other = Story((
        StoryArticle(article(outlet="A", id="c" * 16, body="هاجمت ميليشيا قسد القرية. وقالت المصادر إن الهجوم وقع ليلا.")),
        StoryArticle(article(outlet="B", id="d" * 16, body="انسحبت قوات قسد من القرية. وقال الجيش إن الانسحاب تم فجرا.")),
    ))
    alone = Story((StoryArticle(article(outlet="A", id="e" * 16, body="هاجمت ميليشيا قسد البلدة.")),))
    every = frame_stories([seed_story, other, alone], starter_actors())
    some = frame_stories([seed_story, other, alone], starter_actors(), wanted=[False, True, True])
    # The one not wanted has nothing; the one wanted has what it has among all (the
    # distinctive words' prior is still the whole day's, the seeds' story included).
    assert some == [Framing(), every[1], Framing()]
    assert every[0].reprints and every[1].labels
    assert frame_stories([seed_story, other], starter_actors(), wanted=[False, False]) == [Framing(), Framing()]


def test_generate_frames_the_stories_it_does_not_feature_for_json_alone(  # type: ignore[no-untyped-def]
    config, model, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # With no story featured, the seeds' story is listed in one line: its framing is
    # shown nowhere on the pages, so the run without --json leaves it out, ...
    listed = config.replace(featured_stories=0)
    report = run_briefing(listed, date=dt.date(2026, 12, 2), decoder=model, frame_every_story=False)
    (story,) = report.stories
    assert (story["reprints"], story["labels"], story["distinctive"]) == ([], {}, {})
    assert "What the reprint changed" not in dict(report.outputs)["html"].read_text(encoding="utf-8")
    # ... and `generate --json` has it, from the command line as scripts call it.
    from briefing import cli

    (tmp_path / "briefing.toml").write_text(
        f'[stories]\nfeatured = 0\n[translate]\npackages_dir = "{config.argos_packages_dir}"\n'
        f'[store]\npath = "{tmp_path / "cli.sqlite3"}"\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exited:
        cli.main(["generate", "--input", str(config.input_dir), "--out", str(tmp_path / "cli-out"),
                  "--date", "2026-12-02", "--json"])
    assert exited.value.code == 0
    (story,) = json.loads(capsys.readouterr().out)["stories"]
    (pair,) = story["reprints"]
    assert (pair["original"], pair["copy"], pair["paragraphs"]) == ("Sputnik Arabic", "Orient News", 2)
    assert [(c["from"], c["to"]) for c in pair["changes"]] == [(c.before, c.after) for c in SEED_CHANGES]
    assert {outlet for outlet in story["labels"]["SDF"]} == {"Sputnik Arabic", "Orient News"}


def test_actors_from_the_configuration(tmp_path: Path) -> None:
    path = tmp_path / "briefing.toml"
    path.write_text(
        '[[actors]]\nname = "Hezbollah"\naliases = { "حزب الله" = "Hezbollah" }\n'
        '[[actors]]\nname = "SDF"\naliases = ["الإدارة الذاتية"]\n',
        encoding="utf-8",
    )
    config = load_config(path)
    table = starter_actors().extended([(name, dict(aliases)) for name, aliases in config.actors])
    labels = actor_labels([article(body="قال عناصر حزب الله إن الإدارة الذاتية رفضت", outlet="X")], table)
    assert [(l.actor, l.ar, l.en) for l in labels] == [("SDF", "الإدارة الذاتية", "SDF"), ("Hezbollah", "عناصر حزب الله", "Hezbollah members")]


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[[actors]]\nname = "X"\n', "give a name and its aliases"),
        ('[[actors]]\nname = "X"\naliases = []\n', "at least one Arabic alias"),
        ('[[actors]]\nname = "X"\naliases = ["..."]\n', "is not a word or phrase"),
        ('[[actors]]\nname = "X"\naliases = { "حزب" = 3 }\n', "each alias = its English"),
        ('[[actors]]\nname = "X"\nalias = ["حزب"]\n', "unknown key 'alias'"),
        ('[actors]\nname = "X"\n', "write each actor as an [[actors]] table"),
    ],
)
def test_wrong_actors_name_their_key(tmp_path: Path, toml: str, message: str) -> None:
    assert_config_error(tmp_path, toml, message)


def test_the_seeds_pdf_html_and_markdown_show_the_three(config, model) -> None:  # type: ignore[no-untyped-def]
    report = run_briefing(config, date=dt.date(2026, 12, 2), decoder=model)
    paths = dict(report.outputs)
    text = " ".join(pdftotext(paths["pdf"]).split())
    for heading in ("What the reprint changed", "Orient News reprints 2 paragraphs of Sputnik Arabic's",
                    "How each outlet names them", "Each outlet's own words", "machine translation"):
        assert heading in text
    for english in ("SDF militia ×5", "SDF organisation ×3", "sectarian Assad militias ×2", "Syrian army ×1"):
        assert english in text
    # Arabic compared without spaces: pdftotext splits words where the font joins ر and ي
    # (the open issue on searchable Arabic).
    flat = without_space(text)
    for arabic in ("ميليشياقسد", "تنظيمقسد", "ميليشياتأسدالطائفية", "وفقتعبيرالوكالة"):
        assert arabic in flat
    html = paths["html"].read_text(encoding="utf-8")
    assert "<del>المصادر</del> <ins>الوكالة</ins>" in html
    assert "<del>تنظيم &#34;قسد&#34;</del> <ins>ميليشيا قسد</ins>" in html
    markdown = paths["markdown"].read_text(encoding="utf-8")
    assert "<del>المصادر</del> <ins>الوكالة</ins>" in markdown and "*How each outlet names them:*" in markdown
    summary = json.loads(json.dumps(report.stories[0]))
    assert [(c["from"], c["to"]) for c in summary["reprints"][0]["changes"]] == [(c.before, c.after) for c in SEED_CHANGES]


def test_break_a_reprint_of_thousands_of_paragraphs_is_compared_on_its_first_ones() -> None:
    from briefing.framing.reprints import MAX_PARAGRAPHS

    # Every paragraph of one the same as every paragraph of the other: without bounds,
    # 5,000 x 5,000 comparisons and a diff of each pair.
    paragraph = "قال المتحدث باسم الوزارة إن الاجتماع الذي عقد اليوم في العاصمة ناقش ملفات الطاقة والمياه"
    a = article(body="\n\n".join([paragraph] * 5000), outlet="A", id="a" * 16)
    b = article(body="\n\n".join([paragraph.replace("قال", "أكد")] * 5000), outlet="B", id="b" * 16)
    story = Story((StoryArticle(a, shares=(("B", 5000),)), StoryArticle(b, shares=(("A", 5000),))))
    (diff,) = reprint_diffs(story)
    assert diff.paragraphs == MAX_PARAGRAPHS
    assert diff.changes == (WordChange("قال", "أكد"),)  # each change once, however often made


def test_break_an_outlet_of_one_word_and_words_glued_to_numbers() -> None:
    # Every counted word of each side one stem: the odds' denominators would be 0.
    a = article(title="", body="عاجل " * 400, outlet="A", id="a" * 16)
    b = article(title="", body="قسد", outlet="B", id="b" * 16)
    other = article(title="خبر", body="نص آخر تماما " * 50, outlet="C", id="c" * 16)
    story = Story((StoryArticle(a), StoryArticle(b)))
    words = distinctive_words(story, DayWords.of([a, b, other]))
    assert all(w.z == w.z and abs(w.z) != float("inf") for w in words)  # finite, no crash
    glued = article(body="مضى 3أيام على عام2015 " * 20, outlet="A", id="d" * 16)
    plain = article(body="خبر عادي " * 20, outlet="B", id="e" * 16)
    assert not [w for w in distinctive_words(Story((StoryArticle(glued), StoryArticle(plain))), DayWords.of([glued, plain]))
                if any(c.isdigit() for c in w.ar)]


def test_a_configured_alias_wins_over_a_shipped_one_spelt_alike() -> None:
    table = starter_actors().extended([("Hafez al-Assad", {"الاسد": "Hafez al-Assad"})])
    labels = actor_labels([article(body="قال الأسد إن", outlet="X")], table)
    assert [(l.actor, l.en) for l in labels] == [("Hafez al-Assad", "Hafez al-Assad")]


def test_a_change_with_markdown_in_it_stays_text_in_the_markdown() -> None:
    from markdown_it import MarkdownIt

    from briefing.render import find_templates_dir, render_markdown
    from briefing.types import Framing, ReprintDiff
    from tests.builders import briefing, translation

    phrase = "قال [انقر هنا](https://evil.example/x) ![i](https://evil.example/p.png) *x*"
    a, b = article(outlet="A", id="a" * 16), article(outlet="B", id="b" * 16)
    made = briefing([(a, "Headline", [("جملة.", "A sentence.")])])
    framing = Framing(reprints=(ReprintDiff(a, b, 1, "order", (WordChange(phrase, "نص"),)),))
    featured = dataclasses.replace(made.stories[0], framing=framing,
                                   english=((phrase, translation(phrase, "[x](https://evil.example/e)")), ("نص", translation("نص", "text"))))
    page = render_markdown(dataclasses.replace(made, stories=(featured,)), find_templates_dir(None), summarizer="textrank")
    assert "انقر هنا" in page
    rendered = MarkdownIt("commonmark").render(page)
    assert "<img" not in rendered and 'href="https://evil.example' not in rendered and "<em>x</em>" not in rendered


def test_a_reprint_with_no_change_to_show_says_why_instead_of_an_empty_list() -> None:
    from briefing.render import find_templates_dir, render_markdown
    from briefing.render.pdf import briefing_html
    from briefing.types import ReprintDiff
    from tests.builders import briefing

    a, b, c = (article(outlet=name, id=name.lower() * 16) for name in ("A", "B", "C"))
    made = briefing([(a, "Headline", [("جملة.", "A sentence.")])])
    respelt = (WordChange("الكونجرس", "الكونغرس"), WordChange("التي", "والتي"))
    framing = Framing(reprints=(ReprintDiff(a, b, 2, "date", respelt), ReprintDiff(a, c, 1, "date", ())))
    page = dataclasses.replace(made, stories=(dataclasses.replace(made.stories[0], framing=framing),))
    html = briefing_html(page, find_templates_dir(None), summarizer="textrank")
    assert "<ul class=\"changes\">" not in html
    assert "Only the same words respelt or re-inflected (2 changes, in the --json report)." in html
    assert "Word for word: no change." in html
    markdown = render_markdown(page, find_templates_dir(None), summarizer="textrank")
    assert "B reprints 2 paragraphs of A's (the later by date):*\n\nOnly the same words respelt" in markdown
    assert "Word for word: no change." in markdown


def test_the_reprints_compare_the_paragraphs_as_the_grouping_hashed_them(seed_story: Story) -> None:
    from briefing.arabic.tokenize import word_tokens
    from briefing.cluster.reprints import MIN_PARAGRAPH_WORDS, SHINGLE_WORDS, paragraphs_of
    from briefing.cluster.shingles import shingle_hashes

    # Short paragraphs (a dateline, a caption) between the shared ones: each carried set of
    # shingles must stay with its own paragraph.
    first = "قال المتحدث باسم الوزارة إن الاجتماع الذي عقد اليوم في العاصمة ناقش ملفات الطاقة والمياه والحدود"
    second = "وأضاف المتحدث أن الوفدين اتفقا على تشكيل لجنة مشتركة تجتمع كل شهر لمتابعة تنفيذ ما تم الاتفاق عليه"
    own = "وكانت العلاقات بين البلدين قد شهدت توترا في الأعوام الماضية بسبب الخلاف على تقاسم مياه النهر المشترك"
    a = article(title="اجتماع الطاقة والمياه", body=f"دمشق - خاص\n\n{first}\n\n{second}\n\n{own}", outlet="A", id="a" * 16)
    edited = first.replace("قال", "أكد")
    b = article(title="اجتماع الطاقة", body=f"{edited}\n\nصورة من الاجتماع\n\n{second}", outlet="B", id="b" * 16)
    (story,) = find_stories([a, b])
    assert {m.article.outlet: [n for n, _ in m.paragraph_shingles] for m in story.members} == {"A": [1, 2, 3], "B": [0, 2]}
    for member in story.members:
        paragraphs = paragraphs_of(member.article.body)
        counted = [n for n, p in enumerate(paragraphs) if len(word_tokens(p)) >= MIN_PARAGRAPH_WORDS]
        assert [n for n, _ in member.paragraph_shingles] == counted
        assert [hashes for _, hashes in member.paragraph_shingles] == [
            shingle_hashes(word_tokens(paragraphs[n]), SHINGLE_WORDS).tobytes() for n in counted
        ]
    # The same pairs and changes as from the paragraphs hashed again (a story made by hand).
    (diff,) = reprint_diffs(story)
    assert (diff.original.outlet, diff.copy.outlet, diff.paragraphs, diff.changes) == ("B", "A", 2, (WordChange("أكد", "قال"),))
    for carried in (story, seed_story):
        hashed_here = Story(tuple(dataclasses.replace(m, paragraph_shingles=()) for m in carried.members))
        assert reprint_diffs(hashed_here) == reprint_diffs(carried)


@pytest.mark.parametrize(
    "text",
    [
        # Aliases of different cores overlapping: "نظام الأسد" (core الاسد) holds "الأسد" (core
        # اسد); "الجيش الوطني السوري" (core الوطني) holds "الجيش السوري" (core السوري).
        "قال نظام الأسد إن الأسد والجيش الوطني السوري والجيش السوري الحر وقوات النظام السوري",
        "الجيش الوطني السوري الجيش السوري نظام الأسد الأسد وأسد لأسد",
        "نظام الأسد الأسد نظام الأسد",
        "قوات سوريا الديمقراطية قسد وحدات حماية الشعب الوحدات الكردية تنظيم الدولة الإسلامية داعش",
        # A core's places that are no alias before the alias; the longest proclitics (و ب ال).
        "قالت الدولة إن الدولة ودولة تنظيم الدولة وبالجيش السوري ولقسد وللجيش الوطني السوري فبالأسد",
        "لا أحد هنا",
    ],
)
def test_the_aliases_searched_core_by_core_are_those_one_regex_of_them_all_finds(text: str) -> None:
    from briefing.arabic.normalize import normalize_for_matching
    from briefing.arabic.terms import TermMatcher
    from briefing.framing.actors import _cores, _found

    aliases = tuple(sorted(starter_actors().aliases))
    folded = normalize_for_matching(text)
    assert _found(folded, _cores(aliases)) == TermMatcher(aliases, endings=False).spans(folded)


@pytest.mark.parametrize(
    ("before", "after", "respelt"),
    [
        ("التي", "والتي", True),  # a proclitic more
        ("الكونجرس", "الكونغرس", True),  # a foreign name spelt two ways
        ("الحوثيين", "الحوثيون", True),  # the case ending
        ("في منطقة", "بمنطقة", True),
        ('تنظيم "قسد"', "ميليشيا قسد", False),  # the framing edits
        ("المصادر", "الوكالة", False),
        ("الرئيس الأسد", "بشار الأسد", False),
        ("المعارضة", "المعارضة المسلحة", False),
        ("لإيران", "للجمهورية الإسلامية", False),
        ("30", "31", False),
        ("", "والتي", False),  # an insertion is never a respelling
    ],
)
def test_a_respelling_is_told_from_a_rewording(before: str, after: str, respelt: bool) -> None:
    assert is_respelling(WordChange(before, after)) is respelt


def test_a_page_leaves_respellings_to_the_report_and_counts_them() -> None:
    from briefing.types import ReprintDiff

    changes = (WordChange("التي", "والتي"), WordChange("الكونجرس", "الكونغرس"), WordChange("تنظيم", "ميليشيا"))
    diff = ReprintDiff(article(), article(), 1, "order", changes)
    assert shown_changes(diff) == [WordChange("تنظيم", "ميليشيا")]
