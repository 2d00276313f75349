"""Amounts and prices as shoppers say them, in both languages: property-based round trips and the
misses reported against the old parser."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from desktop_app.nlu.amounts import rewrite_amounts
from desktop_app.nlu.entities_price import extract_prices
from desktop_app.nlu.numbers import parse_number
from desktop_app.nlu.types import PriceRange

_DIGIT = "零一二三四五六七八九"
_EN_SMALL = ["", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
             "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_EN_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def zh(n: int) -> str:
    """The standard Chinese reading of 1 <= n < 100000 (一万零五百, 一千零五, 十五)."""
    out = ""
    zero = False
    for value, unit in ((10000, "万"), (1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, n = divmod(n, value)
        if digit:
            if zero:
                out += "零"
            out += ("" if (unit == "十" and digit == 1 and not out) else _DIGIT[digit]) + unit
            zero = False
        elif out:
            zero = True
    return out


def en(n: int) -> str:
    """English words for 1 <= n < 100."""
    return _EN_SMALL[n] if n < 20 else (_EN_TENS[n // 10] + (f" {_EN_SMALL[n % 10]}" if n % 10 else ""))


def one_price(text: str) -> PriceRange:
    found = [e.price for e in extract_prices(text) if e.price]
    assert len(found) == 1, (text, [str(p) for p in found])
    return found[0]


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=1, max_value=99_999))
def test_chinese_numerals_read_back(n: int) -> None:
    assert parse_number(zh(n)) == n, zh(n)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=99), st.sampled_from([("hundred", 100), ("thousand", 1000), ("grand", 1000)]))
def test_english_amounts_in_words_become_digits(n: int, unit: tuple[str, int]) -> None:
    word, value = unit
    price = one_price(f"something for {en(n)} {word} bucks")
    assert price.currency == "USD" and price.approximate
    assert price.min_value is not None and price.max_value is not None
    assert (price.min_value + price.max_value) / 2 == pytest.approx(n * value)


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=1, max_value=8), st.sampled_from([("十", 10), ("百", 100), ("千", 1000), ("万", 10000)]))
def test_two_adjacent_chinese_digits_before_a_unit_are_a_range(a: int, unit: tuple[str, int]) -> None:
    char, value = unit
    price = one_price(f"想要{_DIGIT[a]}{_DIGIT[a + 1]}{char}的")
    assert (price.min_value, price.max_value) == (a * value, (a + 1) * value)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=10, max_value=50_000), st.integers(min_value=1, max_value=50_000),
       st.sampled_from(["{lo}到{hi}元", "{lo}-{hi}块", "between {lo} and {hi} yuan", "{lo} to {hi} rmb"]))
def test_digit_ranges_keep_their_bounds(lo: int, gap: int, template: str) -> None:
    hi = lo + gap
    price = one_price(template.format(lo=lo, hi=hi))
    assert (price.min_value, price.max_value) == (lo, hi) and not price.approximate


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=10, max_value=99_999), st.sampled_from(["不要超过{n}", "不能超过{n}元", "{n}以内", "最多{n}块"]))
def test_chinese_ceilings_in_words_or_digits(n: int, template: str) -> None:
    for amount in (str(n), zh(n)):
        price = one_price(template.format(n=amount))
        assert (price.min_value, price.max_value) == (None, n), amount


@pytest.mark.parametrize(("text", "low", "high", "currency", "approximate"), [
    ("六七百", 600, 700, "CNY", False),  # was ¥5360–8040
    ("五六百的耳机", 500, 600, "CNY", False),  # was dropped
    ("不要超过一千", None, 1000, "CNY", False),  # was "at least ¥1000"
    ("一千以内", None, 1000, "CNY", False),
    ("三千多的手机", 3000, 4000, "CNY", False),
    ("六百以上一千以下", 600, 1000, "CNY", False),
    ("under a grand", None, 1000, "CNY", False),  # was dropped
    ("between 5 and 8 hundred", 500, 800, "CNY", False),
    ("1-2k", 1000, 2000, "CNY", False),
    ("nothing over 600", None, 600, "CNY", False),
])
def test_reported_misses(text: str, low: float | None, high: float | None, currency: str, approximate: bool) -> None:
    price = one_price(text)
    assert (price.min_value, price.max_value, price.currency, price.approximate) == (low, high, currency, approximate)


@pytest.mark.parametrize(("text", "centre", "currency"), [
    ("six hundred bucks", 600, "USD"),  # was dropped
    ("一千左右", 1000, "CNY"),
    ("八百块上下", 800, "CNY"),
    ("千把块的手机", 1000, "CNY"),
    ("两百来块", 200, "CNY"),
])
def test_approximate_amounts(text: str, centre: float, currency: str) -> None:
    price = one_price(text)
    assert price.approximate and price.currency == currency
    assert price.min_value is not None and price.max_value is not None
    assert (price.min_value + price.max_value) / 2 == pytest.approx(centre)


@pytest.mark.parametrize("text", ["5000mAh的手机", "256GB", "订单2611151234567890", "身高175体重70kg", "a hundred percent sure",
                                  "one of them", "两个帐篷"])
def test_numbers_that_are_not_prices(text: str) -> None:
    assert [str(e.price) for e in extract_prices(text)] == []


def test_entity_spans_point_at_the_customers_own_words() -> None:
    text = "我想要五六百的耳机"
    (entity,) = extract_prices(text)
    assert text[entity.start:entity.end] == entity.text == "五六百"
    assert rewrite_amounts("one of them").text == "one of them"
