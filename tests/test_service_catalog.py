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
    assert prices == sorted(prices) and all(p.stock > 0 for p in page1.items + page2.items)
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


# -- sold-out last, product types, facts by field, comparisons ------------------------------------

from sqlalchemy import select  # noqa: E402

from desktop_app.service.catalog import (  # noqa: E402
    PRODUCT_TYPES,
    ProductComparison,
    field_fact,
    product_type_in,
)
from desktop_app.service.delivery import estimate_delivery, region_of  # noqa: E402
from desktop_app.service.types import FactCard  # noqa: E402
from desktop_app.store.schema import Product  # noqa: E402


@pytest.mark.parametrize("sort", list(SortOrder))
def test_sold_out_products_never_lead_a_list_whatever_the_order(app, sort):
    result = app.catalog.search(SearchQuery(category="phone", sort=sort, page_size=50))
    stock = [p.stock > 0 for p in result.items]
    assert not all(stock), "the demo store should have a sold-out phone"
    assert stock == sorted(stock, reverse=True)  # every in-stock phone before every sold-out one


def test_every_product_type_names_real_products_of_its_category(app):
    everything = app.catalog.search(SearchQuery(page_size=50)).items + app.catalog.search(
        SearchQuery(page_size=50, page=2)).items
    for t in PRODUCT_TYPES:
        members = [p for p in everything if t.matches(p)]
        assert members, f"no product is a {t.key}"
        assert all(p.category in t.categories for p in members)
        found = app.catalog.search(SearchQuery(text=t.search_word, page_size=50))
        assert {p.sku for p in found.items} & {p.sku for p in members}, f"{t.key}: its search word finds none"


@pytest.mark.parametrize(("text", "key"), [
    ("推荐个洗面奶", "cleanser"), ("recommend a face wash", "cleanser"), ("有没有防晒霜", "sunscreen"),
    ("sleeping bags please", "sleeping_bag"), ("买个T恤", "tshirt"), ("some t-shirts", "tshirt"),
    ("a shirt for work", "shirt"), ("儿童手表", "kids_watch"), ("老人机", "senior_phone"), ("手机", None),
    ("set up my account", None), ("什么时候上架", None),
])
def test_product_types_are_read_from_shoppers_words(text, key):
    found = product_type_in(text)
    assert (found.key if found else None) == key


def _sku_where(app, condition):
    with app.db.session() as s:
        return s.scalar(select(Product.sku).where(condition).order_by(Product.id).limit(1))


def test_facts_are_the_stored_values_and_unknown_fields_say_so(app):
    e3 = app.catalog.answer("PHN-QL-E3", destination_city="哈尔滨")
    battery = field_fact(e3, "battery")
    assert battery.known and battery.number == 5200 and "5200" in battery.value_zh and "mAh" in battery.value_en
    assert field_fact(e3, "price").value_en == "¥549.00"
    delivery = field_fact(e3, "delivery")
    expected = estimate_delivery("成都", "哈尔滨", in_stock=True)
    assert f"{expected.earliest_days}–{expected.latest_days}" in delivery.value_zh and "哈尔滨" in delivery.value_zh
    assert "Harbin" in delivery.value_en and "Chengdu" in delivery.value_en
    weight = field_fact(e3, "weight")  # the store holds no phone weights: unknown, never guessed
    assert not weight.known and "没有登记" in weight.sentence("zh") and "does not list" in weight.sentence("en")
    assert field_fact(e3, "waterproof").value_en == "waterproof, rated IP68"
    assert field_fact(e3, "colours").value_zh == "绿色、白色"
    assert field_fact(e3, "nfc").value_en == "no" and field_fact(e3, "fast_charging").number == 1.0
    tent = app.catalog.answer("CMP-TF-UL1")
    assert field_fact(tent, "weight").value_en == "980 g" and field_fact(tent, "capacity").value_zh == "1 人"
    shelf = app.catalog.answer("FUR-SHELF-3T")
    assert field_fact(shelf, "dimensions").value_zh == "宽 80 × 深 30 × 高 106 厘米"
    assert field_fact(shelf, "material").value_en == "Solid wood"
    y5 = app.catalog.answer("PHN-NVX-Y5")
    assert field_fact(y5, "waterproof").value_zh == "不防水（仅防溅）"
    shirt = app.catalog.answer("APP-JY-OXF")
    assert field_fact(shirt, "sizes").value_en == "S, M, L, XL"


def test_warranty_and_stock_facts_come_from_policy_and_store(app):
    warranty = app.policy.warranty
    phone = field_fact(app.catalog.answer("PHN-LUM-A5"), "warranty", warranty=warranty)
    assert phone.number == warranty.months_for("phone") and f"{warranty.phone_battery_months}" in phone.value_zh
    cream = field_fact(app.catalog.answer("SKN-SY-CR01"), "warranty", warranty=warranty)
    assert warranty.months_for("skincare") == 0 and "不提供保修" in cream.value_zh
    assert not field_fact(app.catalog.answer("PHN-LUM-A5"), "warranty").known  # no policy given: not guessed
    sold_out = _sku_where(app, Product.stock == 0)
    fact = field_fact(app.catalog.answer(sold_out), "stock")
    assert fact.value_zh == "暂时缺货" and fact.number == 0.0
    low = _sku_where(app, (Product.stock > 0) & (Product.stock < 10))
    answer = app.catalog.answer(low)
    assert str(answer.product.summary.stock) in field_fact(answer, "stock").value_zh


def test_comparison_states_the_winner_per_field(app):
    c = app.catalog.compare(["PHN-QL-E3", "PHN-ARK-V8"], ["battery", "price", "storage", "weight"])
    assert isinstance(c, ProductComparison) and isinstance(c, FactCard)
    rows = {r.field: r for r in c.rows}
    assert rows["battery"].facts[rows["battery"].winner].sku == "PHN-QL-E3"  # 5200 > 4800 mAh
    assert rows["price"].facts[rows["price"].winner].sku == "PHN-QL-E3"  # ¥549 < ¥799
    assert rows["storage"].facts[rows["storage"].winner].sku == "PHN-ARK-V8"
    assert rows["weight"].winner is None and "资料不全" in rows["weight"].verdict("zh")
    dearer = app.catalog.compare(["PHN-QL-E3", "PHN-ARK-V8"], ["price"], direction={"price": "max"})
    assert dearer.rows[0].facts[dearer.rows[0].winner].sku == "PHN-ARK-V8" and "更贵" in dearer.rows[0].verdict("zh")
    lines = c.card_lines("zh")
    assert len(lines) == 4 and "5200" in lines[0] and "✓" in lines[0] and "青岚 E3 手机" in c.card_title("zh")
    assert all("None" not in line and "fen" not in line for line in c.card_lines("en"))
    tie = app.catalog.compare(["PHN-LUM-A5", "PHN-NVX-Y7"], ["battery"])
    assert tie.rows[0].tie and tie.rows[0].winner is None


def test_comparison_of_a_list_uses_superlatives_and_defaults(app):
    c = app.catalog.compare(["PHN-LUM-C3", "PHN-QL-E3", "PHN-ARK-V8"], ["price"])
    assert c.rows[0].facts[c.rows[0].winner].sku == "PHN-LUM-C3" and "最便宜" in c.rows[0].verdict("zh")
    assert "cheapest" in c.rows[0].verdict("en")
    overview = app.catalog.compare(["PHN-QL-E3", "PHN-ARK-V8"])
    assert [r.field for r in overview.rows][:2] == ["price", "battery"]
    with pytest.raises(InvalidInput):
        app.catalog.compare(["PHN-QL-E3"])
    with pytest.raises(NotFound):
        app.catalog.compare(["PHN-QL-E3", "NOPE-404"])


@pytest.mark.parametrize(("city", "region"), [("哈尔滨", "northeast"), ("Harbin", "northeast"), ("哈尔滨市", "northeast"),
                                              ("上海", "east"), ("Xi'an", "northwest"), ("火星", None), (None, None)])
def test_regions_of_cities(city, region):
    assert region_of(city) == region


def test_delivery_to_a_named_city_matches_the_cli_estimate(app):
    answer = app.catalog.answer("FUR-SHELF-3T", destination_city="哈尔滨")  # ships from 沈阳: same region
    assert (answer.delivery.earliest_days, answer.delivery.latest_days) == (1, 3)
    far = app.catalog.answer("FUR-SHELF-3T", destination_city="乌鲁木齐")
    assert far.delivery.latest_days > answer.delivery.latest_days
