from __future__ import annotations

import pytest

from desktop_app.core.errors import InvalidInput, NotFound
from desktop_app.service.types import AttributeFilter, SearchQuery, SortOrder

FAST_WATERPROOF = (AttributeFilter("fast_charging", "true"), AttributeFilter("waterproof", "true"))


def test_multi_condition_phone_search(app):
    result = app.catalog.search(SearchQuery(category="phone", min_price_fen=50_000, max_price_fen=80_000,
                                            attributes=FAST_WATERPROOF, page_size=50))
    assert result.total >= 3
    for item in result.items:
        assert item.category == "phone" and 50_000 <= item.price_fen <= 80_000
        detail = app.catalog.product(item.sku)
        assert detail.attribute_values("fast_charging") == ("true",)
        assert detail.attribute_values("waterproof") == ("true",)
    looser = app.catalog.search(SearchQuery(category="phone", min_price_fen=50_000, max_price_fen=80_000, page_size=50))
    assert looser.total > result.total


def test_sort_and_pagination(app):
    q = SearchQuery(category="phone", sort=SortOrder.PRICE_ASC, page_size=4)
    page1 = app.catalog.search(q)
    page2 = app.catalog.search(SearchQuery(category="phone", sort=SortOrder.PRICE_ASC, page_size=4, page=2))
    prices = [p.price_fen for p in page1.items + page2.items]
    assert prices == sorted(prices)
    assert not {p.sku for p in page1.items} & {p.sku for p in page2.items}
    assert page1.pages == -(-page1.total // 4)
    desc = app.catalog.search(SearchQuery(category="phone", sort=SortOrder.PRICE_DESC, page_size=1))
    assert desc.items[0].price_fen >= max(prices)


def test_numeric_and_enum_attribute_filters(app):
    big = app.catalog.search(SearchQuery(category="phone", attributes=(AttributeFilter("battery_mah", min_value=5000),),
                                         page_size=50))
    assert big.total > 0
    for item in big.items:
        assert float(app.catalog.product(item.sku).attribute_values("battery_mah")[0]) >= 5000
    blue = app.catalog.search(SearchQuery(attributes=(AttributeFilter("colour", "blue"),), page_size=50))
    assert blue.total > 0
    assert all("blue" in app.catalog.product(p.sku).attribute_values("colour") for p in blue.items)


def test_text_search_in_both_languages(app):
    assert app.catalog.search(SearchQuery(text="书架")).total >= 1
    assert app.catalog.search(SearchQuery(text="bookshelf")).total >= 1


def test_blank_search_text_means_no_text_filter(app):
    everything = app.catalog.search(SearchQuery()).total
    assert everything >= 80
    assert app.catalog.search(SearchQuery(text="  \t ")).total == everything


@pytest.mark.parametrize("text", ["x" * 10_000, "\x00\x1b[31m", "' OR 1=1 --", "100%_\\", "书架' --", "_%"])
def test_hostile_search_text_is_a_literal_that_matches_nothing(app, text):
    result = app.catalog.search(SearchQuery(text=text))
    assert result.total == 0 and result.items == () and result.page == 1


@pytest.mark.parametrize("query", [
    SearchQuery(category="spaceships"),
    SearchQuery(attributes=(AttributeFilter("warp_drive", "true"),)),
    SearchQuery(min_price_fen=500, max_price_fen=100),
    SearchQuery(min_price_fen=-1),
    SearchQuery(page=0),
    SearchQuery(page_size=10_000),
])
def test_invalid_queries_are_refused(app, query):
    with pytest.raises(InvalidInput):
        app.catalog.search(query)


def test_product_answer_has_price_specs_stock_delivery(app):
    answer = app.catalog.answer("FUR-SHELF-3T", destination_city=None)
    assert answer.product.summary.price_fen > 0
    assert answer.product.attribute_values("width_cm") == ("80",) or float(
        answer.product.attribute_values("width_cm")[0]) == 80
    assert answer.stock_text_en and answer.stock_text_zh
    assert 1 <= answer.delivery.earliest_days <= answer.delivery.latest_days


def test_out_of_stock_answer_says_so(app):
    from sqlalchemy import select

    from desktop_app.store.schema import Product

    with app.db.session() as s:
        sku = s.scalar(select(Product.sku).where(Product.stock == 0).limit(1))
    assert sku is not None, "the demo store should have a sold-out product"
    answer = app.catalog.answer(sku)
    assert answer.stock_text_en == "Out of stock" and not answer.delivery.in_stock
    assert answer.delivery.earliest_days > 7


@pytest.mark.parametrize("sku", ["", "NOPE-404", "x" * 10_000, "'; DROP TABLE products; --"])
def test_unknown_product(app, sku):
    with pytest.raises(NotFound):
        app.catalog.answer(sku)


def test_similar_items_share_category(app):
    similar = app.catalog.similar("FUR-SHELF-3T", limit=3)
    assert len(similar) == 3 and all(p.summary.category == "furniture" for p in similar)


@pytest.mark.parametrize("wildcard", ["%", "_"])
def test_like_wildcards_match_only_themselves(app, wildcard):
    everything = app.catalog.search(SearchQuery(page_size=50)).total
    result = app.catalog.search(SearchQuery(text=wildcard, page_size=50))
    assert result.total < everything
    for p in result.items:
        assert any(wildcard in field for field in (p.name_en, p.name_zh, p.brand, p.sku))
