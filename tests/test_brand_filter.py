"""Brand as a search filter, end to end on the seeded store: the store's brand list → NLU entity →
SearchQuery.brands → catalog filter → the dialogue's cards and filters line, kept across follow-ups."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from desktop_app.core.text import clean_text
from desktop_app.dialogue.reply import Reply
from desktop_app.dialogue.slots import describe_filters
from desktop_app.nlu.brands import BrandLexicon, brand_label
from desktop_app.nlu.entities import extract_entities
from desktop_app.nlu.types import EntityKind, Intent
from desktop_app.service.types import AttributeFilter, ProductAnswer, SearchQuery, SearchResult
from desktop_app.store.schema import Product

LUMIO, QINGLAN, SUYAN, ZHULI, BIRCHWOOD = "Lumio", "青岚 Qinglan", "素研 Suyan Lab", "竹里 Zhuli", "桦森 Birchwood"


@pytest.fixture
def brands(app) -> BrandLexicon:
    return BrandLexicon(app.catalog.brands())


def _brands_in(text: str, lexicon: BrandLexicon) -> list[tuple[str, str]]:
    """Brand mentions as the understander sees them (it cleans the text first)."""
    found = extract_entities(clean_text(text), brands=lexicon)
    return [(e.value, e.text) for e in found if e.kind == EntityKind.BRAND]


def _results(reply: Reply) -> SearchResult:
    found = [c for c in reply.cards if isinstance(c, SearchResult)]
    assert found, reply.text
    return found[0]


# -- the store's list reaches the language layer ------------------------------------------------


def test_store_brand_list_is_every_brand_as_stored(app):
    with app.db.session() as s:
        stored = set(s.scalars(select(Product.brand)).all())
    listed = app.catalog.brands()
    assert set(listed) == stored and len(listed) == len(stored)
    assert {LUMIO, QINGLAN, SUYAN} <= stored


# -- NLU entities --------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "brand", "surface"), [
    ("Lumio phones under 1000 yuan", LUMIO, "Lumio"),
    ("any LUMIO watches?", LUMIO, "LUMIO"),
    ("lumio手机有货吗", LUMIO, "lumio"),
    ("青岚手机有哪些", QINGLAN, "青岚"),
    ("Qinglan phones", QINGLAN, "Qinglan"),
    ("qinglan 的手表", QINGLAN, "qinglan"),
    ("青岚 Qinglan 的手表", QINGLAN, "青岚 Qinglan"),  # both forms together are one mention
    ("青岚 Qinglanx 手机", QINGLAN, "青岚"),  # the Latin half runs into a longer word: only the Han form counts
    ("ＬＵＭＩＯ phones", LUMIO, "LUMIO"),  # full-width letters, as typed with a Chinese input method
    ("素研的防晒霜", SUYAN, "素研"),
    ("Suyan Lab cleanser", SUYAN, "Suyan Lab"),
    ("Suyan sunscreen", SUYAN, "Suyan"),  # the leading word of a multi-word Latin form
])
def test_brand_entity_in_either_form(brands, text, brand, surface):
    assert _brands_in(text, brands) == [(brand, surface)]


@pytest.mark.parametrize("text", [
    "Lumios are nice",  # a brand inside a longer Latin word is another word
    "illumio phones",
    "qinglanx phone",
    "Birch bookshelf",  # a word that only starts the brand "Birchwood"
    "Suyanlab toner",
    "phones under 1000 yuan",
])
def test_no_brand_inside_other_words(brands, text):
    assert _brands_in(text, brands) == []


def test_brand_and_other_conditions_are_all_read(brands):
    found = extract_entities("Lumio waterproof phones under 1000 yuan", brands=brands)
    by_kind = {e.kind: e for e in found}
    assert by_kind[EntityKind.BRAND].value == LUMIO
    assert by_kind[EntityKind.CATEGORY].value == "phone"
    assert by_kind[EntityKind.ATTRIBUTE].key == "waterproof"
    assert by_kind[EntityKind.PRICE_RANGE].price.max_value == 1000


def test_brand_words_are_not_also_a_material(brands):
    # Without the brand list "竹" reads as bamboo; a named brand owns its characters.
    assert any(e.key == "material" for e in extract_entities("竹里的鞋架"))
    found = extract_entities("竹里的鞋架", brands=brands)
    assert [(e.kind, e.value) for e in found] == [(EntityKind.BRAND, ZHULI)]


def test_a_form_two_brands_share_names_neither():
    lexicon = BrandLexicon(["Nova Tech", "Nova Home", "Lumio"])
    assert _brands_in("nova phones", lexicon) == []
    assert _brands_in("Nova Home sofas", lexicon) == [("Nova Home", "Nova Home")]


def test_composed_understander_reads_brands_without_changing_intent(app):
    understander = app.assistant.understander
    search = understander.understand("Lumio phones")
    assert search.intent == Intent.PRODUCT_SEARCH and search.first(EntityKind.BRAND).value == LUMIO
    complaint = understander.understand("我要投诉青岚手机质量太差")
    assert complaint.intent == Intent.COMPLAINT and complaint.first(EntityKind.BRAND).value == QINGLAN


# -- catalog filter ---------------------------------------------------------------------------------


def test_brand_filter_returns_only_that_brand(app):
    everything = app.catalog.search(SearchQuery(page_size=50))
    lumio = app.catalog.search(SearchQuery(brands=(LUMIO,), page_size=50))
    assert 0 < lumio.total < everything.total
    assert all(item.brand == LUMIO for item in lumio.items)
    with app.db.session() as s:
        assert lumio.total == len(s.scalars(select(Product.id).where(Product.brand == LUMIO)).all())
    # The mixed-form brand is compared exactly as stored; a form of it alone is not the stored value.
    assert app.catalog.search(SearchQuery(brands=(QINGLAN,))).total > 0
    assert app.catalog.search(SearchQuery(brands=("Qinglan",))).total == 0
    assert app.catalog.search(SearchQuery(brands=("Lum%",))).total == 0
    assert app.catalog.search(SearchQuery(brands=("  ",))).total == everything.total


def test_brand_combines_with_price_and_attribute_filters(app):
    phones = app.catalog.search(SearchQuery(category="phone", max_price_fen=100_000, page_size=50))
    lumio = app.catalog.search(SearchQuery(category="phone", max_price_fen=100_000, brands=(LUMIO,), page_size=50))
    expected = sorted(p.sku for p in phones.items if p.brand == LUMIO)
    assert expected and sorted(p.sku for p in lumio.items) == expected
    assert len(expected) < phones.total  # other brands were in range and are now left out
    fast = (AttributeFilter("fast_charging", "true"),)
    both = app.catalog.search(SearchQuery(category="phone", brands=(QINGLAN,), attributes=fast, page_size=50))
    assert both.total > 0
    for item in both.items:
        assert item.brand == QINGLAN and app.catalog.product(item.sku).attribute_values("fast_charging") == ("true",)
    assert both.total < app.catalog.search(SearchQuery(category="phone", brands=(QINGLAN,))).total
    assert both.total < app.catalog.search(SearchQuery(category="phone", attributes=fast)).total


def test_filters_line_shows_the_brand_in_the_shoppers_language():
    query = SearchQuery(category="phone", max_price_fen=100_000, brands=(QINGLAN,))
    assert describe_filters(query, "en") == ("Qinglan", "Phones", "≤ ¥1000")
    assert describe_filters(query, "zh") == ("青岚", "手机", "≤ ¥1000")
    assert brand_label(LUMIO, "zh") == brand_label(LUMIO, "en") == LUMIO


# -- dialogue ----------------------------------------------------------------------------------------


def test_named_brand_filters_the_search_and_follow_ups_keep_it(app):
    assistant = app.assistant
    st = assistant.new_session(language="en")
    first = assistant.ask(st, "Lumio phones under 1000 yuan")
    assert first.reply.intent == Intent.PRODUCT_SEARCH.value
    result = _results(first.reply)
    expected = app.catalog.search(SearchQuery(category="phone", max_price_fen=100_000, brands=(LUMIO,), page_size=50))
    assert result.total == expected.total > 0
    assert all(item.brand == LUMIO and item.price_fen <= 100_000 for item in result.items)
    assert first.reply.filters[0] == "Lumio" and "Lumio" in first.reply.text
    cheaper = assistant.ask(st, "cheaper ones?").reply
    sorted_items = _results(cheaper).items
    assert "Lumio" in cheaper.filters and {i.sku for i in sorted_items} == {i.sku for i in expected.items}
    assert [i.price_fen for i in sorted_items] == sorted(i.price_fen for i in sorted_items)
    narrower = assistant.ask(st, "under 500").reply
    assert "Lumio" in narrower.filters and "≤ ¥500" in narrower.filters
    under_500 = app.catalog.search(SearchQuery(category="phone", max_price_fen=50_000, brands=(LUMIO,), page_size=50))
    assert {i.sku for i in _results(narrower).items} == {i.sku for i in under_500.items} != set()
    switched = assistant.ask(st, "what about Qinglan phones?").reply
    switched_items = _results(switched).items
    assert "Qinglan" in switched.filters and switched_items and all(item.brand == QINGLAN for item in switched_items)


def test_chinese_brand_question_lists_only_that_brand(app):
    assistant = app.assistant
    st = assistant.new_session(language="zh")
    reply = assistant.ask(st, "青岚手机有哪些").reply
    result = _results(reply)
    assert result.total == app.catalog.search(SearchQuery(category="phone", brands=(QINGLAN,))).total > 0
    assert result.total < app.catalog.search(SearchQuery(category="phone")).total
    assert all(item.brand == QINGLAN for item in result.items)
    assert reply.filters[:2] == ("青岚", "手机") and "青岚" in reply.text
    narrower = assistant.ask(st, "1000元以下的").reply
    assert "青岚" in narrower.filters
    under_1000 = app.catalog.search(SearchQuery(category="phone", max_price_fen=100_000, brands=(QINGLAN,), page_size=50))
    assert {i.sku for i in _results(narrower).items} == {i.sku for i in under_1000.items} != set()


def test_brand_alone_is_a_search_and_a_brand_in_a_complaint_is_still_a_complaint(app):
    assistant = app.assistant
    st = assistant.new_session(language="en")
    alone = assistant.ask(st, "Lumio").reply
    assert alone.intent == Intent.PRODUCT_SEARCH.value
    assert _results(alone).total == app.catalog.search(SearchQuery(brands=(LUMIO,))).total
    angry = assistant.ask(assistant.new_session(language="zh"), "我要投诉青岚手机质量太差").reply
    assert angry.intent == Intent.COMPLAINT.value
    assert not [c for c in angry.cards if isinstance(c, SearchResult)]


def test_question_naming_the_focused_products_brand_stays_on_it_another_brand_searches(app):
    assistant = app.assistant
    st = assistant.new_session(language="en")
    focus = assistant.ask(st, "tell me about the Lumio A5 smartphone").reply
    assert [c.product.summary.sku for c in focus.cards if isinstance(c, ProductAnswer)] == ["PHN-LUM-A5"]
    same = assistant.ask(st, "is the Lumio waterproof?").reply
    answers = [c for c in same.cards if isinstance(c, ProductAnswer)]
    assert answers and answers[0].product.summary.sku == "PHN-LUM-A5" and "waterproof" in same.text
    other = assistant.ask(st, "is the Qinglan waterproof?").reply
    result = _results(other)
    assert result.total > 0 and all(item.brand == QINGLAN for item in result.items)
    assert other.filters == ("Qinglan", "Waterproof")


@pytest.mark.parametrize(("language", "text", "chip"), [
    ("en", "Lumio or Qinglan phones under 2000 yuan", "Lumio or Qinglan"),
    ("zh", "2000元以下的Lumio或者青岚手机", "Lumio或青岚"),
])
def test_two_brands_named_together_both_count(app, language, text, chip):
    assistant = app.assistant
    reply = assistant.ask(assistant.new_session(language=language), text).reply
    result = _results(reply)
    either = app.catalog.search(SearchQuery(category="phone", max_price_fen=200_000, brands=(LUMIO, QINGLAN), page_size=50))
    assert {item.brand for item in either.items} == {LUMIO, QINGLAN}  # the store sells both in range
    assert result.total == either.total
    assert {item.brand for item in result.items} <= {LUMIO, QINGLAN}
    assert chip in reply.filters
