"""Amounts in words rewritten as digits before prices are read, with a map back to the original text.

Shoppers write prices the way they say them: "五六百" (500 to 600), "三千多" (3000 to 4000),
"千把块" and "两百来块" (about), "six hundred bucks", "under a grand", "between 5 and 8 hundred",
"1-2k". The price patterns (``entities_price``) read digits; this module turns those spoken forms
into the equivalent digit forms ("500-600", "约1000块", "600 bucks", "500 and 800") and keeps, for
every character of the rewritten text, the span of the original it came from, so an entity
found in the rewrite still points at the customer's own words.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

_ZH_DIGIT = {"一": 1, "两": 2, "二": 2, "俩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_ZH_UNIT = {"十": 10, "百": 100, "千": 1000, "万": 10000}
_EN_SMALL = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19,
}
_EN_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
            "ninety": 90}
_EN_UNIT = {"hundred": 100, "thousand": 1000, "grand": 1000, "k": 1000}

_SMALL = "|".join(sorted(_EN_SMALL, key=len, reverse=True))
_TENS = "|".join(_EN_TENS)
#: "ninety nine", "twenty-five", "twelve", "7", "2.5"
_EN_NUM = rf"(?:(?:{_TENS})(?:[\s-](?:{_SMALL}))?|{_SMALL}|\d+(?:\.\d+)?)"
_EN_UNITS = r"hundred|thousand|grand|k"
_CURRENCY_AFTER = r"\s*(?:dollars?|bucks|usd|yuan|rmb|块|元)"
_ZH_D = "一两二俩三四五六七八九"


def _en_value(word: str) -> float:
    word = word.lower().strip()
    try:
        return float(word)
    except ValueError:
        pass
    total = 0
    for part in re.split(r"[\s-]+", word):
        total += _EN_TENS.get(part, 0) + _EN_SMALL.get(part, 0)
    return float(total)


def _digits(value: float) -> str:
    return f"{value:g}" if value != int(value) else str(int(value))


Rule = tuple[re.Pattern[str], Callable[[re.Match[str]], str]]


def _compact(m: re.Match[str]) -> str:
    """五六百 → 500-600, 三五百 → 300-500, 四五十 → 40-50."""
    unit = _ZH_UNIT[m.group("u")]
    return f"{_ZH_DIGIT[m.group('a')] * unit}-{_ZH_DIGIT[m.group('b')] * unit}"


def _zh_more(m: re.Match[str]) -> str:
    """三千多 → 3000-4000, 一百多 → 100-200, 300多 → 300-400: a round number and 多 span one unit."""
    raw = m.group("v")
    if raw.isdigit():
        value = int(raw)
        unit = 10 ** (len(raw) - len(raw.rstrip("0")))
    else:
        unit, value = _ZH_UNIT[raw[-1]], _zh_value(raw)
    return f"{value}-{value + unit}"


def _zh_value(raw: str) -> int:
    """"两百" → 200, "千" → 1000: at most one digit before one unit."""
    return (_ZH_DIGIT[raw[0]] if raw[0] in _ZH_DIGIT else 1) * _ZH_UNIT[raw[-1]]


def _zh_about(m: re.Match[str]) -> str:
    """千把块 → 约1000块, 小一千 → 约1000, 两百来块 → 约200块."""
    return f"约{_zh_value(m.group('ba') or m.group('small') or m.group('lai'))}"


def _en_range(m: re.Match[str]) -> str:
    """"between 5 and 8 hundred", "five to six hundred", "1-2k": the unit applies to both ends."""
    unit = _EN_UNIT[m.group("u").lower()]
    lo, hi = _en_value(m.group("lo")) * unit, _en_value(m.group("hi")) * unit
    return f"{_digits(lo)}{m.group('sep')}{_digits(hi)}"


def _en_amount(m: re.Match[str]) -> str:
    """"six hundred", "twelve hundred", "3 grand", "a thousand", "a couple hundred"."""
    if m.group("couple"):
        count = 2.0
    elif m.group("n"):
        count = _en_value(m.group("n"))
    else:
        count = 1.0  # "a grand", "a thousand"
    return _digits(count * _EN_UNIT[m.group("u").lower()])


def _en_word(m: re.Match[str]) -> str:
    """"fifty bucks", "ninety nine dollars": a number in words before a currency."""
    return _digits(_en_value(m.group("n"))) + m.group("cur")


_RULES: tuple[Rule, ...] = (
    (re.compile(rf"(?P<a>[{_ZH_D}])(?P<b>[{_ZH_D}])(?P<u>[十百千万])"), _compact),
    (re.compile(rf"(?P<v>[{_ZH_D}]?[十百千万]|[1-9]0+)多"), _zh_more),
    (re.compile(rf"(?P<ba>[百千万])把|小(?P<small>[{_ZH_D}]?[百千万])|(?P<lai>[{_ZH_D}]?[十百千万])来(?=块|元)"),
     _zh_about),
    (re.compile(rf"\b(?P<lo>{_EN_NUM})\s*(?P<sep>\s*-\s*|\s+to\s+|\s+and\s+)\s*(?P<hi>{_EN_NUM})\s*(?P<u>{_EN_UNITS})\b",
                re.I), _en_range),
    (re.compile(rf"\b(?:(?P<couple>a\s+couple(?:\s+of)?)|(?P<n>{_EN_NUM})|an?)\s*-?\s*(?P<u>hundred|thousand|grand)\b",
                re.I), _en_amount),
    (re.compile(rf"\b(?P<n>(?:{_TENS})(?:[\s-](?:{_SMALL}))?|{_SMALL})(?P<cur>{_CURRENCY_AFTER})\b", re.I), _en_word),
)


@dataclass(frozen=True)
class Rewritten:
    """``text`` with amounts in digits; ``origin[i]`` is the original span of rewritten character i."""

    text: str
    origin: tuple[tuple[int, int], ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span that rewritten ``[start, end)`` came from."""
        if start >= end or not self.origin:
            return start, end
        return self.origin[start][0], self.origin[end - 1][1]


def rewrite_amounts(text: str) -> Rewritten:
    """Apply the rules left to right, each on what the previous ones left."""
    current = text
    origin = [(i, i + 1) for i in range(len(text))]
    for pattern, render in _RULES:
        pieces: list[str] = []
        spans: list[tuple[int, int]] = []
        last = 0
        for m in pattern.finditer(current):
            replacement = render(m)
            pieces.append(current[last:m.start()])
            spans.extend(origin[last:m.start()])
            lo, hi = origin[m.start()][0], origin[m.end() - 1][1]
            pieces.append(replacement)
            spans.extend([(lo, hi)] * len(replacement))
            last = m.end()
        if not pieces:
            continue
        pieces.append(current[last:])
        spans.extend(origin[last:])
        current, origin = "".join(pieces), spans
    return Rewritten(current, tuple(origin))
