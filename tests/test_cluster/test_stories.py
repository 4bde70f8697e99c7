"""Copies, reprints and stories, on the seeds and on small real-looking cases."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import zipfile
from pathlib import Path

import pytest

from briefing.cluster import find_stories
from briefing.ingest.records import articles_from_json
from briefing.ingest.textfiles import article_from_text, read_folder
from briefing.summarize import get_selector
from briefing.summarize.story import StorySentences, select_story_sentences
from briefing.types import Article, Story

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "seeds"
DAY = REPO.parent / "shared" / "data" / "saudinewsnet" / "2015-07-21.zip"


def seeds() -> list[Article]:
    return read_folder(SEEDS).articles


def make(source: str, outlet: str, text: str) -> Article:
    return dataclasses.replace(article_from_text(source, text), outlet=outlet)


FOOTBALL = (
    "الهلال يفوز على النصر في الديربي\n\n"
    "فاز فريق الهلال على منافسه النصر بهدفين مقابل هدف في مباراة الديربي التي أقيمت مساء أمس على ملعب "
    "الملك فهد الدولي في الرياض ضمن الجولة الخامسة من الدوري السعودي للمحترفين.\n\n"
    "وسجل هدفي الهلال المهاجم سالم الدوسري في الشوط الأول ثم أضاف زميله الهدف الثاني في الدقيقة السبعين، "
    "فيما سجل النصر هدفه الوحيد من ركلة جزاء في الدقائق الأخيرة من المباراة."
)
WEATHER = (
    "أمطار غزيرة على جازان وعسير\n\n"
    "توقعت الرئاسة العامة للأرصاد وحماية البيئة هطول أمطار رعدية غزيرة على مناطق جازان وعسير والباحة "
    "مصحوبة برياح نشطة تثير الأتربة والغبار وتحد من مدى الرؤية الأفقية خلال الأيام الثلاثة المقبلة.\n\n"
    "ودعت المديرية العامة للدفاع المدني السكان إلى الابتعاد عن مجاري السيول والأودية وعدم المجازفة بعبورها."
)


def test_the_seeds_are_one_story_carried_by_two_outlets_sharing_two_paragraphs() -> None:
    [story] = find_stories(seeds())
    assert story.outlets == ("Orient News", "Sputnik Arabic")
    assert (story.outlet_count, story.article_count) == (2, 2)
    shares = {m.article.outlet: m.shares for m in story.members}
    assert shares == {"Orient News": (("Sputnik Arabic", 2),), "Sputnik Arabic": (("Orient News", 2),)}


def test_an_exact_copy_is_kept_once_with_both_outlets() -> None:
    first = make("a.txt", "Okaz", FOOTBALL)
    copy = make("b.txt", "Al Riyadh", FOOTBALL)
    assert first.id == copy.id
    [story] = find_stories([first, copy])
    [member] = story.members
    assert member.article is first and member.copies == (copy,)
    assert story.outlets == ("Okaz", "Al Riyadh") and story.article_count == 2
    assert story.articles == (first,)  # one id: published once


def test_a_lightly_edited_reprint_is_collapsed_into_the_original() -> None:
    edited = FOOTBALL.replace("مساء أمس", "مساء يوم أمس").replace("فاز فريق الهلال", "فاز الهلال")
    original = make("a.txt", "Okaz", FOOTBALL)
    reprint = make("b.txt", "Sabq", edited)
    assert original.id != reprint.id
    [story] = find_stories([original, reprint])
    [member] = story.members
    assert {member.article.outlet, *(c.outlet for c in member.copies)} == {"Okaz", "Sabq"}
    assert {a.id for a in story.articles} == {original.id, reprint.id}


def test_different_events_stay_apart_and_every_article_is_in_one_story() -> None:
    articles = [*seeds(), make("f.txt", "Okaz", FOOTBALL), make("w.txt", "Sabq", WEATHER)]
    stories = find_stories(articles)
    assert [s.article_count for s in stories] == [2, 1, 1]  # the two-outlet story first
    assert sorted(a.id for s in stories for a in s.articles) == sorted(a.id for a in articles)


def test_stories_are_the_same_whatever_the_run() -> None:
    articles = [*seeds(), make("f.txt", "Okaz", FOOTBALL), make("w.txt", "Sabq", WEATHER)]
    first = find_stories(articles)
    again = find_stories(list(articles))
    assert [[m.article.id for m in s.members] for s in first] == [[m.article.id for m in s.members] for s in again]


def test_story_sentences_come_from_both_outlets_verbatim_and_never_twice() -> None:
    [story] = find_stories(seeds())
    seen = StorySentences()
    points = select_story_sentences(get_selector("salience"), story, 5, seen)
    assert len(points) == 5
    assert {article.outlet for _, article in points} == {"Orient News", "Sputnik Arabic"}
    for sentence, article in points:
        assert sentence.text in article.body
    # Sputnik's "the sources added that the Turkish side demanded..." is Orient's "the agency
    # added that ..." with two words changed: only one of them may be in the briefing.
    demanded = [s for s, _ in points if "طالب الجانب الروسي بانسحاب كامل" in s.text]
    assert len(demanded) <= 1
    # A second story drawing on the same articles gets nothing already said.
    assert select_story_sentences(get_selector("salience"), story, 5, seen) == [] or all(
        s.text not in {p.text for p, _ in points} for s, _ in select_story_sentences(get_selector("salience"), story, 5, seen)
    )


@pytest.mark.skipif(not DAY.is_file(), reason="needs ../shared/data (SaudiNewsNet)")
def test_a_real_day_groups_an_event_across_outlets() -> None:
    with zipfile.ZipFile(DAY) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".json")]
        text = archive.read(name).decode("utf-8")
    articles = [a for a in articles_from_json(Path(name), text) if isinstance(a, Article)]
    stories = find_stories(articles)
    assert sorted(a.id for s in stories for a in s.articles) == sorted({a.id for a in articles})
    # 2015-07-21: ranked by independent coverage (an outlet once, reprints not counted), the
    # Suruç bombing (30 dead, 6 outlets reporting it themselves) is among the first three
    # (with the fall of Aden's last Houthi stronghold, and the UN Security Council's
    # endorsement of the Iran agreement with the reactions to it: in 10 outlets, of which
    # okaz, almadina and alyaum only ran another's wire copy, so 7 count); the teacher
    # interviews of several regional offices come after it.
    top = stories[:3]
    assert all(story.independent_outlet_count >= 5 for story in top)

    def about(story: Story, word: str) -> bool:
        titles = [m.article.title for m in story.members]
        return sum(word in t for t in titles) > len(titles) // 2

    listing = json.dumps([[m.article.title for m in s.members] for s in top], ensure_ascii=False)
    assert any(sum("سوروتش" in m.article.title for m in story.members) >= 3 for story in top), listing
    nuclear = next(n for n, s in enumerate(stories) if about(s, "مجلس الأمن"))
    assert stories[nuclear].outlet_count > stories[nuclear].independent_outlet_count >= 5
    teachers = [n for n, s in enumerate(stories) if any("المقابلات الشخصية للمعلمين" in m.article.title for m in s.members)]
    assert teachers and min(teachers) > 0

    # The Chechen president's visit and Samir Geagea's audience, received by the same princes
    # the same day (and reported together by some outlets), are two stories: with the cross
    # pairs of two stories scored, a merge bar under 0.3 chained them into one of 22.
    def story_with(words: str) -> int:
        return next(n for n, s in enumerate(stories) if any(words in a.title for a in s.articles))

    assert story_with("رئيس جمهورية الشيشان يصل إلى جدة لأداء مناسك العمرة") != story_with("جعجع: إيران تستخدم «حزب الله»")


def test_reprints_published_weeks_apart_are_different_stories() -> None:
    """Shared paragraphs join two articles into one story only within the date window."""
    orient, sputnik = seeds()
    apart = [
        dataclasses.replace(orient, published=dt.date(2020, 12, 1)),
        dataclasses.replace(sputnik, published=dt.date(2020, 12, 22)),
    ]
    assert len(find_stories(apart)) == 2
    close = [dataclasses.replace(a, published=dt.date(2020, 12, 21 + i)) for i, a in enumerate(apart)]
    assert len(find_stories(close)) == 1
