"""Entities: order references (full/partial), phone last four, prices in both languages, vocabulary, products."""

from __future__ import annotations

import pytest

from desktop_app.nlu.entities import extract_entities
from desktop_app.nlu.lexicon import ProductEntry, ProductLexicon
from desktop_app.nlu.types import EntityKind


def kinds(text: str, lexicon: ProductLexicon | None = None) -> dict[EntityKind, list]:
    out: dict[EntityKind, list] = {}
    for e in extract_entities(text, lexicon):
        out.setdefault(e.kind, []).append(e)
    return out


def test_full_order_number() -> None:
    (e,) = kinds("订单2611151234567890还没发货")[EntityKind.ORDER_REF]
    assert e.value == "2611151234567890" and not e.partial and e.confidence > 0.9


def test_partial_order_vs_phone_last_four() -> None:
    (e,) = kinds("我的订单4582什么时候到")[EntityKind.ORDER_REF]
    assert e.value == "4582" and e.partial
    found = kinds("手机尾号1234的订单到哪了")
    assert found[EntityKind.PHONE_LAST4][0].value == "1234"
    assert EntityKind.ORDER_REF not in found
    found = kinds("the last four digits of my phone are 1234")
    assert found[EntityKind.PHONE_LAST4][0].value == "1234"
    (e,) = kinds("my order ending in 4582 is late")[EntityKind.ORDER_REF]
    assert e.partial and e.value == "4582"


@pytest.mark.parametrize(
    ("text", "lo", "hi", "currency", "stated"),
    [
        ("500~800元的手机", 500, 800, "CNY", True),
        ("500到800元之间", 500, 800, "CNY", True),
        ("under $300", None, 300, "USD", True),
        ("between 500 and 800", 500, 800, "CNY", False),
        ("价格在三百到五百之间", 300, 500, "CNY", False),
        ("不超过1500块", None, 1500, "CNY", True),
        ("1000元以上", 1000, None, "CNY", True),
        ("below 2k rmb", None, 2000, "CNY", True),
    ],
)
def test_price_ranges(text: str, lo, hi, currency: str, stated: bool) -> None:
    (e,) = kinds(text)[EntityKind.PRICE_RANGE]
    assert (e.price.min_value, e.price.max_value) == (lo, hi)
    assert e.price.currency == currency and e.price.currency_stated is stated


@pytest.mark.parametrize("text", ["2-3天能到吗", "5000mAh的手机", "sleeps 2-3 people", "订单2611151234567890"])
def test_numbers_that_are_not_prices(text: str) -> None:
    assert EntityKind.PRICE_RANGE not in kinds(text)


def test_vocabulary_attributes_colours_sizes_quantities_dates() -> None:
    found = kinds("phones between 500 and 800 yuan with fast charging and waterproof")
    assert {e.key for e in found[EntityKind.ATTRIBUTE]} == {"fast_charging", "waterproof"}
    assert found[EntityKind.CATEGORY][0].value == "phone"
    found = kinds("买两件L码的黑色外套")
    assert found[EntityKind.QUANTITY][0].value == "2"
    assert found[EntityKind.SIZE][0].value == "L"
    assert found[EntityKind.COLOUR][0].value == "black"
    assert found[EntityKind.CATEGORY][0].value == "apparel"
    assert kinds("I want to return the blue one")[EntityKind.COLOUR][0].value == "blue"
    (d,) = kinds("I ordered it 3 days ago")[EntityKind.RELATIVE_DATE]
    assert d.value == "-3" and d.key == "point"
    (d,) = kinds("都等了一个星期了")[EntityKind.RELATIVE_DATE]
    assert d.value == "7" and d.key == "duration"
    assert kinds("昨天买的")[EntityKind.RELATIVE_DATE][0].value == "-1"


def test_single_han_colour_needs_a_marker() -> None:
    assert EntityKind.COLOUR not in kinds("金额不对")
    assert kinds("蓝的那件")[EntityKind.COLOUR][0].value == "blue"


def test_product_lexicon_fuzzy_both_languages() -> None:
    lex = ProductLexicon.from_entries([
        ProductEntry("CAMP-001", "Trailhead 2P Waterproof Tent", "山径双人防水帐篷", ("trailhead",)),
        ProductEntry("CAMP-002", "Summit 4P Tent", "峰顶四人帐篷"),
        ProductEntry("PH-1", "Nova X5 Phone", "新星X5手机", ("nova x5",)),
    ])
    assert kinds("山径帐篷有货吗", lex)[EntityKind.PRODUCT][0].value == "CAMP-001"
    assert kinds("is the summit tent in stock", lex)[EntityKind.PRODUCT][0].value == "CAMP-002"
    found = kinds("nova x5 有货吗", lex)
    assert found[EntityKind.PRODUCT][0].value == "PH-1" and EntityKind.QUANTITY not in found
    # A generic word alone never names a product.
    assert EntityKind.PRODUCT not in kinds("is this tent waterproof", lex)


def test_context_entities_cities_order_states_and_body_measurements() -> None:
    from desktop_app.nlu.entities import extract_entities
    from desktop_app.nlu.types import EntityKind as K

    def found(text: str) -> set[tuple[str, str, str]]:
        return {(e.kind.value, e.value, e.key) for e in extract_entities(text)
                if e.kind in (K.CITY, K.ORDER_STATE, K.BODY)}

    assert found("寄到哈尔滨几天") == {("city", "哈尔滨", "")}
    assert found("how long to ship to Shanghai") == {("city", "上海", "")}
    assert found("还没发货的那个怎么样了") == {("order_state", "paid", "")}
    assert found("身高175 体重70kg穿什么码") == {("body", "175", "height_cm"), ("body", "70", "weight_kg")}
    assert found("我一米七五，130斤") == {("body", "175", "height_cm"), ("body", "65", "weight_kg")}
    assert found("这个背包重1.2kg吗") == set()  # a product's weight, not the customer's
    assert found("5000mAh的手机") == set()


def test_a_sku_code_names_its_product() -> None:
    from desktop_app.nlu.lexicon import ProductEntry, ProductLexicon

    lexicon = ProductLexicon.from_entries([ProductEntry("PHN-QL-E3", "Qinglan E3 phone", "青岚 E3 手机",
                                                        aliases=("PHN-QL-E3",))])
    assert [e.value for e in lexicon.match("PHN-QL-E3 有货吗")] == ["PHN-QL-E3"]
