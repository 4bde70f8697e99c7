"""The places table: names found in Arabic text, what lies in what, and a configuration's additions."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing.arabic.places import Gazetteer, Mention, Place, any_compatible, compatible, parse_places, starter_places
from briefing.config import load_config
from briefing.errors import ConfigError
from tests.builders import assert_config_error


def where(text: str) -> list[str]:
    return [m.path for m in starter_places().find(text) if not m.people]


def named(text: str) -> list[tuple[str, bool]]:
    return [(m.path, m.people) for m in starter_places().find(text)]


def test_places_are_found_with_their_proclitics() -> None:
    assert where("حادث مروري بجازان وآخر في عرعر") == ["sa.jazan", "sa.north.arar"]
    assert where("وفاة 7 أشخاص بالداير") == ["sa.jazan.dayer"]
    assert where("تعليم المخواة يدعو المرشحين") == ["sa.baha.makhwah"]
    assert where("والرياض ولجدة") == ["sa.riyadh", "sa.makkah.jeddah"]


def test_words_that_contain_a_place_are_not_the_place() -> None:
    # Taif is not "sectarian", Riyadh is not "sports", Aden is not the name Adnan.
    assert where("الفتنة الطائفية") == []
    assert where("الأندية الرياضية") == []
    assert where("عدنان") == []
    # Names that are common words are found only where a phrase makes them a place.
    assert where("الخبر الذي نشرته الصحيفة") == []
    assert where("حريق في محافظة الخبر") == ["sa.east.khobar"]
    assert where("فرسان الخيل") == []
    assert where("الصراع الدائر في المنطقة") == []


def test_every_country_a_saudi_paper_congratulates_is_a_place_of_its_own() -> None:
    # The leadership's cables to two presidents on their national days are two stories:
    # Tunisia and the Maldives are apart (the Maldives were missing from the table, so the
    # two cables of 2015-07-25 had no places to tell them apart).
    assert where("الملك يهنئ رئيس المالديف بذكرى الاستقلال") == ["mv"]
    assert where("الملك وولي العهد يهنئان رئيس تونس") == ["tn"]
    assert where("القيادة تهنئ رئيسي المالديف وليبيريا") == ["mv", "lr"]
    assert where("احتفالات في كوريا الجنوبية وأيرلندا الشمالية وجنوب السودان") == ["kr", "gb.northern_ireland", "ss"]
    # ... and no name of the table is a common word or another place: torrents are not
    # Seoul, a cup is not Cuba, the lunar month is not the Comoros, Zinjibar is in Abyan.
    assert where("أمطار وسيول جارفة") == []
    assert where("كوبا من الحليب") == []
    assert where("الشهر القمري") == []
    assert where("معارك في زنجبار") == ["ye.abyan"]
    assert where("خرج باكرا") == []
    # Names several places share are given with what tells them apart (a review's scan of
    # the 18 days: Equatorial Guinea and Papua New Guinea were Guinea, New South Wales and
    # H. G. Wells were Wales, "those who recite" was Tallinn).
    assert where("منتخب غينيا الاستوائية") == ["gq"]
    assert where("بابوا غينيا الجديدة") == ["pg"]
    assert where("حكومة ولاية نيو ساوث ويلز") == ["au.nsw"]
    assert where("رواية اتش جي ويلز") == []
    assert where("الساجدين والتالين لكتاب الله") == []
    assert where("المرحلة الأولى من رالي داكار") == []
    assert where("قمة في سيول الكورية") == ["kr"]


def test_the_longest_name_wins() -> None:
    assert where("المملكة المتحدة") == ["gb"]
    assert where("الغوطة الشرقية") == ["sy.rif_dimashq"]
    assert where("المنطقة الشرقية") == ["sa.east"]


def test_a_people_says_who_not_where() -> None:
    assert named("تصحيح أوضاع اليمنيين في حائل") == [("ye", True), ("sa.hail", False)]
    assert named("وزير الخارجية المصري في الرياض") == [("eg", True), ("sa.riyadh", False)]
    assert named("قصف في اليمن") == [("ye", False)]
    assert named("الحكومة التركية في أنقرة") == [("tr", True), ("tr", False)]


def test_a_place_and_what_it_lies_in_are_compatible_two_towns_are_not() -> None:
    assert compatible("sa.jazan.dayer", "sa.jazan")
    assert compatible("sa.jazan", "sa.jazan.dayer")
    assert compatible("sa", "sa.north.arar")
    assert not compatible("sa.jazan.dayer", "sa.north.arar")
    assert not compatible("sa.hail", "sa.riyadh")
    assert not compatible("sa.riyadh", "sa.riyadh_x")  # a path, not a string prefix
    assert any_compatible(["ye.aden"], ["sa.riyadh", "ye"])
    assert not any_compatible(["ye.aden"], ["ye.taiz", "ye.lahij.anad"])


def test_the_shipped_table_holds_every_place_it_names_as_lying_in_another() -> None:
    places = starter_places().places
    assert len(places) > 250
    for path in places:
        parent = path.rpartition(".")[0]
        assert not parent or parent in places, path
    with pytest.raises(ValueError, match="lies in sa.nowhere"):
        parse_places("sa.nowhere.town | Town | بلدة")


def test_a_configured_place_lies_in_a_known_one() -> None:
    table = starter_places().extended([("Al-Hada", "sa.makkah.taif", ["الهدا"]), ("Hada Park", "sa.makkah.taif.al_hada", ["منتزه الهدا"])])
    assert [m.path for m in table.find("احتفالات منتزه الهدا وسوق الهدا")] == [
        "sa.makkah.taif.al_hada.hada_park", "sa.makkah.taif.al_hada",
    ]
    assert compatible("sa.makkah.taif.al_hada", "sa.makkah.taif")
    with pytest.raises(ConfigError, match="not a known place"):
        starter_places().extended([("Somewhere", "sa.nowhere", ["مكان"])])
    # A place of the table given again gains the names.
    again = starter_places().extended([("Lith", "sa.makkah", ["الليث"])])
    assert [m.path for m in again.find("سيول الليث")] == ["sa.makkah.lith"]


def test_a_table_of_its_own() -> None:
    table = Gazetteer([Place("x", "X", ("إكس+",)), Place("x.y", "Y", ("واي", "~وايي"))])
    assert table.find("الإكسيون في واي والوايي") == [Mention("x", True), Mention("x.y", False), Mention("x.y", True)]


def test_places_from_the_configuration(tmp_path: Path) -> None:
    path = tmp_path / "briefing.toml"
    path.write_text(
        '[[places]]\nname = "Al-Hada"\nwithin = "sa.makkah.taif"\nar = ["الهدا"]\n'
        '[[places]]\nname = "Atlantis"\nar = ["أتلانتس", "~أطلنطي+"]\n',
        encoding="utf-8",
    )
    config = load_config(path)
    assert config.places == (("Al-Hada", "sa.makkah.taif", ("الهدا",)), ("Atlantis", "", ("أتلانتس", "~أطلنطي+")))
    table = starter_places().extended(config.places)
    assert named("سيول الهدا") == []  # not in the shipped table
    assert [(m.path, m.people) for m in table.find("سيول الهدا والأطلنطيون في أتلانتس")] == [
        ("sa.makkah.taif.al_hada", False), ("atlantis", True), ("atlantis", False),
    ]


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[[places]]\nname = "X"\n', "give a name and its Arabic names"),
        ('[[places]]\nname = "X"\nar = []\n', "at least one Arabic name"),
        ('[[places]]\nname = "X"\nar = ["~+"]\n', "is not a word or phrase"),
        ('[[places]]\nname = "X"\nar = ["مكان"]\nwithin = "sa.nowhere"\n', "'sa.nowhere', which is not a known place"),
        ('[[places]]\nname = "X"\nar = ["مكان"]\nin = "sa"\n', "unknown key 'in'"),
        ('[[places]]\nname = ""\nar = ["مكان"]\n', "places[1].name: give an English name"),
        ('[places]\nname = "X"\n', "write each place as a [[places]] table"),
    ],
)
def test_wrong_places_name_their_key(tmp_path: Path, toml: str, message: str) -> None:
    assert_config_error(tmp_path, toml, message)
