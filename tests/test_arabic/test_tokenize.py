from __future__ import annotations

from briefing.arabic.tokenize import content_terms, content_terms_of_texts, get_stemmer, stopwords, word_tokens

SNOWBALL = get_stemmer("snowball")
NONE = get_stemmer("none")


def test_protocol_tokens_are_normalised_word_runs() -> None:
    assert word_tokens('أكدت "قسد"، في ٢٠٢٠: إلى M4') == ["اكدت", "قسد", "في", "2020", "الي", "M4"]


def test_stop_words_numbers_and_single_letters_carry_no_content() -> None:
    assert content_terms("في عام 2020 قال إن و المدينة", NONE) == ["المدينه"]
    assert content_terms("المستشفى المستشفي", SNOWBALL) == ["مستشف", "مستشف"]
    assert {"في", "الي", "ان", "الذي"} <= stopwords()


def test_light_stemming_joins_clitic_and_article_forms() -> None:
    assert content_terms("المدينة بالمدينة مدينة", SNOWBALL) == ["مدين", "مدين", "مدين"]
    assert content_terms("الجيش للجيش", SNOWBALL) == ["جيش", "جيش"]


def test_light_stemmer_keeps_unrelated_news_words_apart() -> None:
    # A root stemmer (ISRI) maps all three to one root; the light stemmer does not.
    assert content_terms("استقالة مقال إقالة", SNOWBALL) == ["استقال", "مقال", "اقال"]


def test_punctuation_and_marks_glued_to_words_do_not_change_the_term() -> None:
    plain = content_terms("الجيش السوري", SNOWBALL)
    assert content_terms('"الجَيْش" (السوري)،', SNOWBALL) == plain
    assert content_terms("الجيـــش\u200f السوري", SNOWBALL) == plain


def test_many_texts_at_once_equal_one_by_one() -> None:
    texts = ["وصل الجيش إلى المدينة.", "", "قالت مصادر إن الاجتماع فشل"]
    assert content_terms_of_texts(texts, SNOWBALL) == [content_terms(t, SNOWBALL) for t in texts]
